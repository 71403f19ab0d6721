"""The client's decisions in the workspace: the pack's content, importing an answer
(checked, previewed, applied once), and a decision recorded by hand."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

import approval_samples
from approval_samples import FOR_CLIENT, INTERNAL, Sample, client_workspace, fill
from cmdesk.core.approval import (
    ApprovalPack,
    Decision,
    DecisionSet,
    Outcome,
    Verdict,
    answer_json,
    parse_decisions,
)
from cmdesk.core.errors import InvalidData
from cmdesk.core.posts import PostState
from cmdesk.store.workspace import Workspace

ws, sample = approval_samples.ws, approval_samples.sample  # fixtures: the client, its posts

DECIDED = datetime(2027, 1, 3, 15, 42, 7, tzinfo=UTC)


def answer(
    pack: ApprovalPack, choices: dict[int, tuple[Verdict, str]], who: str = "Léa"
) -> DecisionSet:
    """The client's answer as the HTML pack writes it, read back as cmdesk reads it."""
    by_id = {p.id: p for p in pack.posts}
    made = DecisionSet(
        pack.pack_id, pack.client_uid, pack.client_name, who, DECIDED,
        tuple(
            Decision(pid, by_id[pid].fingerprint, by_id[pid].seal, verdict, comment)
            for pid, (verdict, comment) in choices.items()
        ),
    )  # fmt: skip
    return parse_decisions(json.dumps(answer_json(made, "2027-01-03T15:42:07.123Z")))


def test_pack_holds_the_posts_in_review_in_date_order_without_internal_notes(
    ws: Workspace, sample: Sample
) -> None:
    pack = ws.approval.pack()
    assert [p.id for p in pack.posts] == [sample.galette, sample.sales, sample.idea]
    galette = pack.posts[0]
    assert [c.channel for c in galette.channels] == ["mastodon", "bluesky", "wordpress"]
    assert [c.own_text for c in galette.channels] == [False, True, False]
    assert galette.channels[2].extras["title"] == "La galette 2027"
    assert galette.images[0].alt == "Une galette dorée sur une planche"
    assert galette.images[0].data.startswith(b"\xff\xd8")
    assert [c.body for c in galette.comments] == [FOR_CLIENT]  # never INTERNAL
    assert INTERNAL not in repr(pack)
    assert pack.period is not None and pack.period[0] == galette.when
    assert (pack.language, pack.zone, pack.client_name) == ("fr", "Europe/Paris", "Boulangerie Léa")
    assert "approval.pack" in [a.action for a in ws.activity()]
    # A second pack is another pack: same fingerprints, other seals.
    again = ws.approval.pack([sample.sales])
    assert again.pack_id != pack.pack_id and again.posts[0].fingerprint == pack.posts[1].fingerprint
    assert again.posts[0].seal != pack.posts[1].seal


def test_pack_refuses_nothing_to_send_and_posts_not_in_review(
    ws: Workspace, sample: Sample
) -> None:
    with pytest.raises(InvalidData, match=r"Post \d+ is “Draft”"):
        ws.approval.pack([sample.galette, sample.draft])
    for post_id in (sample.galette, sample.sales, sample.idea):
        ws.posts.set_state(post_id, PostState.DRAFT)
    with pytest.raises(InvalidData, match="No post is waiting"):
        ws.approval.pack()


def test_import_previews_applies_once_and_records_who_and_when(
    ws: Workspace, sample: Sample
) -> None:
    pack = ws.approval.pack()
    ds = answer(pack, {
        sample.galette: (Verdict.APPROVED, ""),
        sample.sales: (Verdict.CHANGES, "Plutôt -25 %, et sans le lien"),
    })  # fmt: skip
    preview = ws.approval.preview(ds)
    assert not preview.applied and preview.count(Outcome.APPLY) == 2
    assert ws.posts.get(sample.galette).state is PostState.IN_REVIEW  # nothing written yet

    report = ws.approval.apply(ds)
    assert report.applied and report.count(Outcome.APPLY) == 2
    assert ws.posts.get(sample.galette).state is PostState.APPROVED
    assert ws.posts.get(sample.sales).state is PostState.CHANGES_REQUESTED
    assert ws.posts.get(sample.idea).state is PostState.IN_REVIEW  # no decision: untouched
    entry = ws.posts.history(sample.sales)[-1]
    assert (entry.action, entry.actor, entry.at) == (
        "approval",
        "Léa",
        DECIDED.replace(microsecond=0),
    )
    assert (entry.from_state, entry.to_state) == ("in_review", "changes_requested")
    assert pack.pack_id[:8] in entry.detail
    comment = ws.posts.comments(sample.sales)[-1]
    assert (comment.body, comment.author, comment.for_client) == (
        "Plutôt -25 %, et sans le lien", "Léa", True,
    )  # fmt: skip
    assert ws.approval.decisions(sample.galette) == [("Léa", DECIDED, "approved")]

    history = ws.posts.history(sample.sales)
    again = ws.approval.apply(ds)
    assert again.nothing_to_do and again.count(Outcome.ALREADY) == 2
    assert "already recorded: nothing changes" in again.summary()
    assert ws.posts.history(sample.sales) == history
    assert len(ws.posts.comments(sample.sales)) == 1


def test_a_post_edited_or_moved_since_the_pack_is_flagged_not_applied(
    ws: Workspace, sample: Sample
) -> None:
    pack = ws.approval.pack()
    ws.posts.update(sample.galette, text="Nouveau texte après l’envoi")  # edited in review
    ws.posts.set_state(sample.sales, PostState.DRAFT)  # taken back
    ws.posts.delete(sample.idea)
    ds = answer(pack, {
        sample.galette: (Verdict.APPROVED, ""),
        sample.sales: (Verdict.APPROVED, ""),
        sample.idea: (Verdict.CHANGES, "Non"),
    })  # fmt: skip
    report = ws.approval.apply(ds)
    assert [o.outcome for o in report.outcomes] == [Outcome.CHANGED, Outcome.MOVED, Outcome.MISSING]
    assert all(o.outcome.flagged for o in report.outcomes)
    assert "was edited after the pack was sent" in report.outcomes[0].message
    assert "is now “Draft”" in report.outcomes[1].message
    assert ws.posts.get(sample.galette).state is PostState.IN_REVIEW
    assert ws.posts.get(sample.sales).state is PostState.DRAFT
    assert "3 not recorded" in report.summary()


def test_an_answer_for_another_client_or_from_an_edited_pack_is_refused(
    ws: Workspace, sample: Sample, tmp_path: Path
) -> None:
    pack = ws.approval.pack()
    with client_workspace(tmp_path / "other.cmdesk", name="Fromagerie Paul") as other:
        fill(other)
        foreign = answer(other.approval.pack(), {1: (Verdict.APPROVED, "")})
    with pytest.raises(InvalidData, match=r"for another client \(Fromagerie Paul\)"):
        ws.approval.preview(foreign)
    # The same client in a copy of its file with its own key (or an edited pack): refused.
    forged_print = dataclasses.replace(pack.posts[0], fingerprint="0" * 20)
    forged = dataclasses.replace(pack, posts=(forged_print,))
    with pytest.raises(InvalidData, match="modified, or that this workspace did not make"):
        ws.approval.apply(answer(forged, {sample.galette: (Verdict.APPROVED, "")}))
    assert ws.posts.get(sample.galette).state is PostState.IN_REVIEW


def test_a_decision_by_phone_is_recorded_as_the_clients(ws: Workspace, sample: Sample) -> None:
    ws.approval.record(
        sample.sales, Verdict.CHANGES, " Léa ", comment="Sans le lien", how="par téléphone"
    )
    entry = ws.posts.history(sample.sales)[-1]
    assert (entry.actor, entry.action, entry.to_state) == ("Léa", "approval", "changes_requested")
    assert entry.detail.startswith("par téléphone, recorded by")
    assert ws.posts.comments(sample.sales)[-1].body == "Sans le lien"
    ws.approval.record(sample.draft, Verdict.APPROVED, "Léa")  # a draft approved by phone
    assert ws.posts.get(sample.draft).state is PostState.APPROVED
    with pytest.raises(InvalidData, match="cannot become"):
        ws.approval.record(sample.draft, Verdict.CHANGES, "Léa")
    with pytest.raises(InvalidData, match="Say who decided"):
        ws.approval.record(sample.idea, Verdict.APPROVED, "  ")
