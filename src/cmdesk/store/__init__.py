"""The workspace store: one SQLite file per client, and the home folder that holds them."""
