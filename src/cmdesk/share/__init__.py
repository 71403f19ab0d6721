"""Exports and delivery: documents made from a workspace (playbook, reports)."""
