"""Qt models: one per list (house rule 5)."""
