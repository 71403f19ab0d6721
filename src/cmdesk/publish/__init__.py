"""Publishing: one connector per network that cmdesk posts to itself (Mastodon, Bluesky,
WordPress), behind the protocol of `base`. No Qt here: the runner also works headless."""
