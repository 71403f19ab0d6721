"""Client approval, offline: the approval pack's content and the client's decisions.

The community manager sends the posts in review as a pack (a PDF, or one HTML file the
client can read anywhere, from an e-mail or a USB key); the client answers per post
(approved, or changes requested with a comment). The HTML pack builds the answer itself:
a small JSON file (".cmdesk-decisions") or the same thing as a text block to paste in an
e-mail. This module says what the answer holds and checks it, without I/O.

What protects the workspace from a wrong answer:
- each post of a pack carries a fingerprint of its content when the pack was made: a
  decision about a post edited since is flagged, never applied silently;
- each post also carries a seal, an HMAC of (pack, client, post, fingerprint) with a key
  kept in the workspace: an answer made from an edited pack, or from another client's pack,
  does not match and is refused;
- the answer carries a CRC-32 of its content, computed by the page's script the same way
  as `checksum` here: an answer cut off or edited in an e-mail is refused with the reason.
The seal is not a signature against a determined forger (the client decides anyway); it
keeps honest mistakes out: the wrong client's file, an old pack, a mangled paste.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from cmdesk.core.clock import parse_iso
from cmdesk.core.errors import InvalidData
from cmdesk.core.posts import PostState
from cmdesk.core.publication import MediaItem, Post
from cmdesk.i18n import N_, _, ngettext

FORMAT = "cmdesk-decisions"
VERSION = 1
FILE_SUFFIX = ".cmdesk-decisions"
BEGIN = "-----BEGIN CMDESK DECISIONS-----"
END = "-----END CMDESK DECISIONS-----"
MAX_ANSWER_BYTES = 2 * 1024 * 1024  # hundreds of posts with long comments fit
MAX_REVIEWER = 120
MAX_COMMENT = 20_000  # as a post comment (store.post_media)


class Verdict(StrEnum):
    APPROVED = "approved"
    CHANGES = "changes"

    @property
    def state(self) -> PostState:
        return PostState.APPROVED if self is Verdict.APPROVED else PostState.CHANGES_REQUESTED

    @property
    def label(self) -> str:
        return _(VERDICT_LABELS[self])


VERDICT_LABELS = {Verdict.APPROVED: N_("Approved"), Verdict.CHANGES: N_("Changes requested")}


# -- the pack ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PackImage:
    mime: str
    data: bytes = field(repr=False)
    alt: str


@dataclass(frozen=True)
class PackChannel:
    channel: str  # the stored network value (core.networks)
    text: str  # what goes out there: its own text, or the post's main text
    own_text: bool
    extras: dict[str, Any]  # WordPress: title, excerpt, categories, tags


@dataclass(frozen=True)
class PackComment:
    author: str
    at: datetime
    body: str


@dataclass(frozen=True)
class PackPost:
    id: int
    fingerprint: str
    seal: str
    title: str
    text: str
    link: str
    first_comment: str
    when: datetime | None  # the UTC instant, shown in the client's zone
    channels: tuple[PackChannel, ...]
    images: tuple[PackImage, ...]
    comments: tuple[PackComment, ...]  # only those meant for the client


@dataclass(frozen=True)
class ApprovalPack:
    pack_id: str
    client_uid: str
    client_name: str
    language: str  # the client's: every word of the pack is in it
    zone: str  # the client's: every date of the pack is in it
    colour: str
    logo: bytes | None
    logo_mime: str
    made_at: datetime
    posts: tuple[PackPost, ...]

    @property
    def period(self) -> tuple[datetime, datetime] | None:
        """The first and last publication times of the pack's posts (None: no dates)."""
        times = sorted(p.when for p in self.posts if p.when is not None)
        return (times[0], times[-1]) if times else None


def fingerprint(post: Post, media: Sequence[MediaItem]) -> str:
    """What the client approves, as a short hash: the texts, the link, the time and every
    channel's version, and the images with their descriptions. Not the state, comments or
    history: a decision recorded on the post does not make it "changed"."""
    content = {
        "title": post.title,
        "text": post.text,
        "link": post.link,
        "first_comment": post.first_comment,
        "when": post.scheduled_at.isoformat() if post.scheduled_at else None,
        "channels": [
            [v.channel, v.text_or(post.text), v.extras]
            for v in sorted(post.variants, key=lambda v: v.id)
        ],
        "images": [
            [hashlib.sha256(m.data or b"").hexdigest(), m.alt]
            for m in sorted(media, key=lambda m: (m.position, m.id))
        ],
    }
    encoded = json.dumps(content, sort_keys=True, ensure_ascii=False).encode("utf-8")
    return hashlib.sha256(encoded).hexdigest()[:20]


def seal(key: bytes, pack_id: str, client_uid: str, post_id: int, print_: str) -> str:
    message = f"{pack_id}\n{client_uid}\n{post_id}\n{print_}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:20]


# -- the client's answer ----------------------------------------------------------------


@dataclass(frozen=True)
class Decision:
    post_id: int
    fingerprint: str
    seal: str
    verdict: Verdict
    comment: str


@dataclass(frozen=True)
class DecisionSet:
    pack_id: str
    client_uid: str
    client_name: str
    reviewer: str
    decided_at: datetime
    decisions: tuple[Decision, ...]


def _wellformed(text: str) -> str:
    """Lone surrogates as U+FFFD, as the page's TextEncoder writes them."""
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def canonical(answer: dict[str, Any]) -> str:
    """The text the checksum covers; pack.js `canonical` builds the same, line for line."""
    lines = [
        f"{FORMAT} {VERSION}",
        str(answer["pack"]),
        str(answer["client"]),
        str(answer["reviewer"]),
        str(answer["decided_at"]),
    ]
    for d in answer["decisions"]:
        fields_ = (str(d["post"]), d["fingerprint"], d["seal"], d["verdict"], d["comment"])
        lines.append("\t".join(str(f) for f in fields_))
    return _wellformed("\n".join(lines))


def checksum(answer: dict[str, Any]) -> str:
    return f"{zlib.crc32(canonical(answer).encode('utf-8')):08x}"


def answer_json(ds: DecisionSet, decided_at: str | None = None) -> dict[str, Any]:
    """The answer file's content for `ds`, as the HTML pack writes it (for tests and for
    decisions typed in cmdesk on the client's behalf)."""
    answer: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "pack": ds.pack_id,
        "client": ds.client_uid,
        "client_name": ds.client_name,
        "reviewer": ds.reviewer,
        "decided_at": decided_at or ds.decided_at.isoformat(),
        "decisions": [
            {
                "post": d.post_id,
                "fingerprint": d.fingerprint,
                "seal": d.seal,
                "verdict": d.verdict.value,
                "comment": d.comment,
            }
            for d in ds.decisions
        ],
    }
    answer["checksum"] = checksum(answer)
    return answer


def armor(answer: dict[str, Any]) -> str:
    """The answer as a text block that survives e-mail (base64 lines between markers)."""
    data = base64.b64encode(json.dumps(answer, ensure_ascii=False).encode("utf-8")).decode()
    return "\n".join([BEGIN, *(data[i : i + 64] for i in range(0, len(data), 64)), END])


_QUOTE = re.compile(r"^[\s>]*")


def _unarmor(text: str) -> str:
    """The JSON inside a pasted block, wherever it sits in an e-mail: quoted ("> ")
    replies and the client's own words around it are ignored."""
    start = text.index(BEGIN) + len(BEGIN)
    end = text.find(END, start)
    if end < 0:
        raise InvalidData(_("The decisions text is cut off: its last line is missing."))
    body = "".join(_QUOTE.sub("", line).strip() for line in text[start:end].splitlines())
    try:
        return base64.b64decode(body, validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        raise InvalidData(
            _("The decisions text was changed on the way (it cannot be read back).")
        ) from None


def _not_an_answer() -> InvalidData:
    return InvalidData(_("This is not a decisions file made by a cmdesk approval pack."))


def read_answer(raw: bytes | str) -> dict[str, Any]:
    """The answer as JSON, from the file's bytes or a pasted text; InvalidData in plain
    words for anything else."""
    if len(raw) > MAX_ANSWER_BYTES:
        raise _not_an_answer()
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise _not_an_answer() from None
    text = _unarmor(raw) if BEGIN in raw else raw.strip()
    try:
        answer = json.loads(text)
    except ValueError:
        raise _not_an_answer() from None
    if not isinstance(answer, dict) or answer.get("format") != FORMAT:
        raise _not_an_answer()
    if answer.get("version") != VERSION:
        raise InvalidData(
            _("These decisions come from a newer cmdesk: update cmdesk to read them.")
        )
    return answer


def _string(value: object, limit: int) -> str:
    if not isinstance(value, str) or len(value) > limit:
        raise _not_an_answer()
    return value.strip()


def _decision(item: object) -> Decision:
    if not isinstance(item, dict):
        raise _not_an_answer()
    post = item.get("post")
    if not isinstance(post, int) or isinstance(post, bool) or post <= 0:
        raise _not_an_answer()
    try:
        verdict = Verdict(str(item.get("verdict")))
    except ValueError:
        raise _not_an_answer() from None
    return Decision(
        post,
        _string(item.get("fingerprint"), 64),
        _string(item.get("seal"), 64),
        verdict,
        _string(item.get("comment", ""), MAX_COMMENT),
    )


def parse_decisions(raw: bytes | str) -> DecisionSet:
    """The client's answer, checked for its form and its checksum (not yet against the
    workspace: see store.approval)."""
    answer = read_answer(raw)
    items = answer.get("decisions")
    if not isinstance(items, list):
        raise _not_an_answer()
    try:
        expected = checksum(answer)
    except (KeyError, TypeError):
        raise _not_an_answer() from None
    if answer.get("checksum") != expected:
        raise InvalidData(
            _(
                "These decisions were changed after the client made them, or are "
                "incomplete: ask the client for the file again."
            )
        )
    decisions = tuple(_decision(item) for item in items)
    if len({d.post_id for d in decisions}) != len(decisions):
        raise _not_an_answer()
    reviewer = _string(answer.get("reviewer"), MAX_REVIEWER)
    if not reviewer:
        raise InvalidData(_("These decisions do not say who made them."))
    try:
        decided_at = parse_iso(_string(answer.get("decided_at"), 40).replace("Z", "+00:00"))
    except ValueError:
        raise _not_an_answer() from None
    return DecisionSet(
        pack_id=_string(answer.get("pack"), 64),
        client_uid=_string(answer.get("client"), 64),
        client_name=_string(answer.get("client_name", ""), 200),
        reviewer=reviewer,
        decided_at=decided_at.replace(microsecond=0),
        decisions=decisions,
    )


def check_seals(ds: DecisionSet, key: bytes) -> None:
    """Refuse the whole answer when one decision's seal does not match: the pack was
    edited, or was made by another workspace."""
    for d in ds.decisions:
        wanted = seal(key, ds.pack_id, ds.client_uid, d.post_id, d.fingerprint)
        if not hmac.compare_digest(wanted, d.seal):
            raise InvalidData(
                _(
                    "These decisions come from a pack that was modified, or that this "
                    "workspace did not make (post {id}): nothing was recorded."
                ).format(id=d.post_id)
            )


# -- what importing does --------------------------------------------------------------------


class Outcome(StrEnum):
    APPLY = "apply"  # in review: the decision is (or will be) recorded
    ALREADY = "already"  # this very decision is already recorded: nothing to do
    CHANGED = "changed"  # the post was edited after the pack was made: not applied
    MOVED = "moved"  # the post is no longer in review: not applied
    MISSING = "missing"  # the post was deleted

    @property
    def flagged(self) -> bool:
        """The user should look: the client's decision was not recorded."""
        return self in (Outcome.CHANGED, Outcome.MOVED, Outcome.MISSING)


@dataclass(frozen=True)
class DecisionOutcome:
    decision: Decision
    outcome: Outcome
    title: str  # the post's title or the start of its text, to recognise it
    state: PostState | None  # the post's state before the import (None: deleted)

    @property
    def message(self) -> str:
        d = self.decision
        verdict = d.verdict.label
        if self.outcome is Outcome.APPLY:
            return _("Post {id}: {verdict}.").format(id=d.post_id, verdict=verdict)
        if self.outcome is Outcome.ALREADY:
            return _("Post {id}: {verdict}, already recorded.").format(
                id=d.post_id, verdict=verdict
            )
        if self.outcome is Outcome.CHANGED:
            return _(
                "Post {id} was edited after the pack was sent: the client’s decision "
                "({verdict}) is about the old version and was not recorded."
            ).format(id=d.post_id, verdict=verdict)
        if self.outcome is Outcome.MOVED:
            state = self.state.label if self.state else ""
            return _(
                "Post {id} is now “{state}”, no longer in review: the client’s decision "
                "({verdict}) was not recorded."
            ).format(id=d.post_id, state=state, verdict=verdict)
        return _(
            "Post {id} no longer exists: the client’s decision ({verdict}) was ignored."
        ).format(id=d.post_id, verdict=verdict)


@dataclass(frozen=True)
class ImportReport:
    decisions: DecisionSet
    outcomes: tuple[DecisionOutcome, ...]
    applied: bool  # False: a preview, nothing written

    def count(self, *outcomes: Outcome) -> int:
        return sum(1 for o in self.outcomes if o.outcome in outcomes)

    @property
    def nothing_to_do(self) -> bool:
        return self.count(Outcome.APPLY) == 0

    def summary(self) -> str:
        ds = self.decisions
        new = self.count(Outcome.APPLY)
        already = self.count(Outcome.ALREADY)
        flagged = sum(1 for o in self.outcomes if o.outcome.flagged)
        head = _("Decisions of {reviewer} for {client}, {count} posts.").format(
            reviewer=ds.reviewer, client=ds.client_name or "-", count=len(ds.decisions)
        )
        if new == 0 and flagged == 0:
            return head + " " + _("Everything was already recorded: nothing changes.")
        if self.applied:
            recorded = ngettext("{count} recorded.", "{count} recorded.", new)
        else:
            recorded = ngettext("{count} to record.", "{count} to record.", new)
        parts = [head, recorded.format(count=new)]
        if already:
            parts.append(
                ngettext("{count} already recorded.", "{count} already recorded.", already).format(
                    count=already
                )
            )
        if flagged:
            parts.append(
                ngettext(
                    "{count} not recorded: see below.", "{count} not recorded: see below.", flagged
                ).format(count=flagged)
            )
        return " ".join(parts)


def outcome_for(
    decision: Decision,
    post: Post | None,
    current_print: str,
    already_recorded: bool,
) -> Outcome:
    """What importing `decision` does to `post` (as it is now)."""
    if post is None:
        return Outcome.MISSING
    if already_recorded:
        return Outcome.ALREADY
    if current_print != decision.fingerprint:
        return Outcome.CHANGED
    if post.state is not PostState.IN_REVIEW:
        return Outcome.MOVED
    return Outcome.APPLY


def short_title(post: Post, limit: int = 60) -> str:
    text = (post.title or post.text or post.link).replace("\n", " ").strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
