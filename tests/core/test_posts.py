"""A post's states: every move checked, nothing leaves `unknown` but the user's decision."""

from __future__ import annotations

from itertools import pairwise

import pytest

from cmdesk.core.errors import InvalidData
from cmdesk.core.posts import EDITABLE, TRANSITIONS, PostState, after_crash, check_transition
from cmdesk.i18n import set_language

S = PostState


def test_the_happy_path_is_allowed() -> None:
    path = [S.IDEA, S.DRAFT, S.IN_REVIEW, S.CHANGES_REQUESTED, S.DRAFT, S.IN_REVIEW,
            S.APPROVED, S.SCHEDULED, S.PUBLISHING, S.PUBLISHED]  # fmt: skip
    for current, wanted in pairwise(path):
        check_transition(current, wanted)


@pytest.mark.parametrize(
    ("current", "wanted"),
    [
        (S.PUBLISHED, S.DRAFT),  # a correction is a new post
        (S.PUBLISHED, S.PUBLISHING),  # never sent twice
        (S.UNKNOWN, S.PUBLISHING),  # never re-sent by itself
        (S.UNKNOWN, S.SCHEDULED),
        (S.IDEA, S.PUBLISHING),
        (S.IN_REVIEW, S.SCHEDULED),  # the client's approval comes first
        (S.CHANGES_REQUESTED, S.APPROVED),
    ],
)
def test_moves_that_would_lose_or_double_a_post_are_refused(
    current: PostState, wanted: PostState
) -> None:
    set_language("fr")
    with pytest.raises(InvalidData, match="ne peut pas devenir"):
        check_transition(current, wanted)
    set_language("en")


def test_only_publishing_can_reach_published_or_unknown_except_the_users_check() -> None:
    reaching_published = {s for s, targets in TRANSITIONS.items() if S.PUBLISHED in targets}
    assert reaching_published == {S.PUBLISHING, S.UNKNOWN}
    reaching_unknown = {s for s, targets in TRANSITIONS.items() if S.UNKNOWN in targets}
    assert reaching_unknown == {S.PUBLISHING}
    assert S.PUBLISHING not in EDITABLE and S.PUBLISHED not in EDITABLE


def test_a_post_left_publishing_by_a_crash_becomes_unknown() -> None:
    assert after_crash(S.PUBLISHING) is S.UNKNOWN
    assert {after_crash(s) for s in S if s is not S.PUBLISHING} == set(S) - {S.PUBLISHING}


def test_every_state_has_a_label_in_both_languages() -> None:
    set_language("fr")
    try:
        assert S.CHANGES_REQUESTED.label == "Modifications demandées"
    finally:
        set_language("en")
    assert all(s.label for s in S)
