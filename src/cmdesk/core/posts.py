"""A post's life, from idea to published, as a state machine every change goes through.

The failures community managers complain about in scheduling tools are silent or false
"published" states and posts stuck in "publishing". Here a post is `publishing` only
between the claim (committed before the network call) and the confirmation (committed
with the remote id after it); one found in `publishing` at start-up is `unknown` and
waits for the user, it is never sent again by itself.
"""

from __future__ import annotations

from enum import Enum

from cmdesk.core.errors import InvalidData
from cmdesk.i18n import N_, _


class PostState(Enum):
    IDEA = "idea"
    DRAFT = "draft"
    IN_REVIEW = "in_review"
    CHANGES_REQUESTED = "changes_requested"
    APPROVED = "approved"
    SCHEDULED = "scheduled"
    PUBLISHING = "publishing"
    PUBLISHED = "published"
    FAILED = "failed"
    UNKNOWN = "unknown"

    @property
    def label(self) -> str:
        return _(_LABELS[self])


_LABELS = {
    PostState.IDEA: N_("Idea"),
    PostState.DRAFT: N_("Draft"),
    PostState.IN_REVIEW: N_("In review"),
    PostState.CHANGES_REQUESTED: N_("Changes requested"),
    PostState.APPROVED: N_("Approved"),
    PostState.SCHEDULED: N_("Scheduled"),
    PostState.PUBLISHING: N_("Publishing"),
    PostState.PUBLISHED: N_("Published"),
    PostState.FAILED: N_("Failed"),
    PostState.UNKNOWN: N_("Unknown: check on the network"),
}

S = PostState
# Who may move a post where. Editing states are free among themselves; only the runner
# claims (scheduled -> publishing) and confirms; a published post stays published (a
# correction is a new post), and `unknown` is left only by the user's decision.
TRANSITIONS: dict[PostState, frozenset[PostState]] = {
    S.IDEA: frozenset({S.DRAFT, S.IN_REVIEW}),
    S.DRAFT: frozenset({S.IDEA, S.IN_REVIEW, S.APPROVED, S.SCHEDULED, S.PUBLISHING}),
    S.IN_REVIEW: frozenset({S.DRAFT, S.APPROVED, S.CHANGES_REQUESTED}),
    S.CHANGES_REQUESTED: frozenset({S.DRAFT, S.IN_REVIEW}),
    S.APPROVED: frozenset({S.DRAFT, S.SCHEDULED, S.PUBLISHING}),
    S.SCHEDULED: frozenset({S.DRAFT, S.APPROVED, S.PUBLISHING}),
    S.PUBLISHING: frozenset({S.PUBLISHED, S.FAILED, S.UNKNOWN}),
    S.FAILED: frozenset({S.DRAFT, S.SCHEDULED, S.PUBLISHING}),
    # The user checked the network: it went out (published, with its address), or it did
    # not (failed, to reschedule or publish again by hand).
    S.UNKNOWN: frozenset({S.PUBLISHED, S.FAILED}),
    S.PUBLISHED: frozenset(),
}
EDITABLE = frozenset({S.IDEA, S.DRAFT, S.IN_REVIEW, S.CHANGES_REQUESTED, S.APPROVED, S.FAILED})


def check_transition(current: PostState, wanted: PostState) -> None:
    """Raises InvalidData, in plain words, for a move the post's life does not allow."""
    if wanted not in TRANSITIONS[current]:
        raise InvalidData(
            _("A post that is “{current}” cannot become “{wanted}”.").format(
                current=current.label, wanted=wanted.label
            )
        )


def after_crash(state: PostState) -> PostState:
    """The state a post found at start-up is put in: one left `publishing` may or may not
    have reached the network, so the user decides; anything else is as it was."""
    return S.UNKNOWN if state is S.PUBLISHING else state
