"""Feeds: fetching, parsing, sanitising, OPML, discovery and refresh scheduling."""
