"""Timestamps as stored: ISO 8601 in UTC, second precision, sortable as text."""

from __future__ import annotations

from datetime import UTC, datetime


def utc_now() -> datetime:
    return datetime.now(UTC)


def iso_now() -> str:
    return to_iso(utc_now())


def to_iso(value: datetime) -> str:
    """The stored form of a moment: UTC, to the second (a naive value is taken as UTC)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat(timespec="seconds")


def parse_iso(text: str) -> datetime:
    value = datetime.fromisoformat(text)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def parse_iso_or_none(text: str | None) -> datetime | None:
    """parse_iso for optional columns: NULL or "" is no moment."""
    return parse_iso(text) if text else None
