"""cmdesk: the community manager's desk, offline, one workspace file per client."""

__version__ = "0.1.0"
