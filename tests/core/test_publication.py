"""A post summed up from its channels, crash recovery per channel, chosen times, images."""

from __future__ import annotations

from datetime import UTC, datetime
from itertools import combinations_with_replacement

import pytest

from cmdesk.core.errors import InvalidData
from cmdesk.core.images import MAX_IMAGE_BYTES, checked_image, image_mime
from cmdesk.core.posts import TRANSITIONS, PostState
from cmdesk.core.publication import (
    CLAIMABLE,
    VariantState,
    checked_link,
    chosen_instant,
    new_idempotency_key,
    settle,
    variant_after_crash,
)
from cmdesk.core.schedule import AmbiguousTime

S, V = PostState, VariantState


@pytest.mark.parametrize("current", list(PostState))
def test_settle_only_ever_proposes_an_allowed_move(current: PostState) -> None:
    for size in (1, 2, 3):
        for variants in combinations_with_replacement(list(VariantState), size):
            wanted = settle(current, variants)
            assert wanted is current or wanted in TRANSITIONS[current], (current, variants)
            if current not in CLAIMABLE:  # drafts, reviews...: the user's, not the runner's
                assert wanted is current


@pytest.mark.parametrize(
    ("current", "variants", "expected"),
    [
        (S.SCHEDULED, [V.PUBLISHING, V.PENDING], S.PUBLISHING),
        (S.PUBLISHING, [V.PUBLISHED, V.PENDING], S.PUBLISHING),  # the next network to go
        (S.PUBLISHING, [V.PUBLISHED, V.PUBLISHED], S.PUBLISHED),
        (S.PUBLISHING, [V.PUBLISHED, V.FAILED], S.FAILED),
        (S.PUBLISHING, [V.UNKNOWN, V.PUBLISHING], S.UNKNOWN),  # the user must look
        (S.UNKNOWN, [V.UNKNOWN, V.PUBLISHING], S.UNKNOWN),
        (S.UNKNOWN, [V.PUBLISHED, V.PUBLISHED], S.PUBLISHED),
        (S.UNKNOWN, [V.FAILED, V.PUBLISHED], S.FAILED),
        (S.FAILED, [V.FAILED, V.PUBLISHING], S.PUBLISHING),
        (S.FAILED, [V.PENDING, V.PUBLISHED], S.SCHEDULED),  # back in the queue
        (S.SCHEDULED, [], S.SCHEDULED),
    ],
)
def test_settle(current: PostState, variants: list[VariantState], expected: PostState) -> None:
    assert settle(current, variants) is expected


def test_after_a_crash_only_a_channel_being_sent_changes() -> None:
    assert {s: variant_after_crash(s) for s in VariantState} == {
        V.PENDING: V.PENDING,
        V.PUBLISHING: V.UNKNOWN,
        V.PUBLISHED: V.PUBLISHED,
        V.FAILED: V.FAILED,
        V.UNKNOWN: V.UNKNOWN,
    }


def test_chosen_instant_in_paris() -> None:
    assert chosen_instant(datetime(2026, 7, 1, 9, 0), "Europe/Paris") == datetime(
        2026, 7, 1, 7, 0, tzinfo=UTC
    )
    with pytest.raises(AmbiguousTime) as gap:
        chosen_instant(datetime(2026, 3, 29, 2, 15), "Europe/Paris")
    assert chosen_instant(
        datetime(2026, 3, 29, 2, 15), "Europe/Paris", gap.value.wall.choices[1]
    ) == datetime(2026, 3, 29, 1, 15, tzinfo=UTC)
    with pytest.raises(InvalidData, match="UTC offset"):
        chosen_instant(datetime(2026, 10, 25, 2, 15), "Europe/Paris", datetime(2026, 10, 25))


def test_idempotency_keys_are_unique_and_sort_by_time() -> None:
    early = new_idempotency_key(datetime(2026, 1, 1, tzinfo=UTC))
    late = new_idempotency_key(datetime(2026, 1, 2, tzinfo=UTC))
    assert early < late and early[:13].isdigit() and len(early) == 30
    assert new_idempotency_key() != new_idempotency_key()


def test_images_are_recognised_from_their_bytes() -> None:
    assert image_mime(b"\xff\xd8\xff\xdb") == "image/jpeg"
    assert image_mime(b"GIF89a....") == "image/gif"
    assert image_mime(b"RIFF\x00\x00\x00\x00WEBPVP8 ") == "image/webp"
    assert image_mime(b"\x00\x00\x00\x18ftypheic") is None  # a phone's HEIC: refused
    with pytest.raises(InvalidData, match="empty"):
        checked_image(b"", "vide.png")
    with pytest.raises(InvalidData, match="too large"):
        checked_image(b"\xff\xd8\xff" + b"\x00" * MAX_IMAGE_BYTES)


def test_links() -> None:
    assert checked_link("  https://fournil.example/a ") == "https://fournil.example/a"
    assert checked_link("") == ""
    with pytest.raises(InvalidData, match="not a web address"):
        checked_link("javascript:alert(1)")
