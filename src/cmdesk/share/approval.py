"""Writing an approval pack, and reading back the client's answer from a file or a text.

The GUI and the command line both come here, so the pack's file is written the same way
(through a temporary file: a failed export leaves no half-written pack for the client).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from cmdesk.core.approval import MAX_ANSWER_BYTES, ApprovalPack, DecisionSet, parse_decisions
from cmdesk.core.errors import InvalidData, NotFound
from cmdesk.i18n import _

if TYPE_CHECKING:
    from cmdesk.store.workspace import Workspace

FORMATS = ("html", "pdf")


def format_for(path: Path, fmt: str | None = None) -> str:
    """The format asked for, else the one the file name says (HTML by default)."""
    if fmt:
        return fmt
    return "pdf" if path.suffix.lower() == ".pdf" else "html"


def render(pack: ApprovalPack, fmt: str) -> bytes:
    if fmt == "pdf":
        from cmdesk.share.approval_pdf import to_pdf

        return to_pdf(pack)
    from cmdesk.share.approval_html import to_html

    return to_html(pack).encode("utf-8")


def export_pack(
    ws: Workspace, path: Path, fmt: str, ids: Sequence[int] | None = None
) -> ApprovalPack:
    """Make a pack of the posts in review (or `ids`) and write it to `path`."""
    pack = ws.approval.pack(ids)
    data = render(pack, fmt)
    path = Path(path)
    partial = path.with_name(path.name + ".partial")
    try:
        partial.write_bytes(data)
        partial.replace(path)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise InvalidData(
            _("The pack could not be written to {path}: {reason}").format(
                path=path, reason=exc.strerror or exc
            )
        ) from None
    return pack


def read_decisions_file(path: Path) -> DecisionSet:
    """The client's answer from a file they sent (JSON, or an e-mail saved as text)."""
    path = Path(path)
    if not path.is_file():
        raise NotFound(_("There is no file {path}.").format(path=path))
    if path.stat().st_size > MAX_ANSWER_BYTES:
        raise InvalidData(_("This is not a decisions file made by a cmdesk approval pack."))
    return parse_decisions(path.read_bytes())
