"""The playbook exported: one self-contained HTML file, and a PDF whose text reads back."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from cmdesk.core.client import ClientProfile
from cmdesk.core.playbook import PlaybookDocument
from cmdesk.share.playbook import export, markdown_html, to_html
from cmdesk.store.workspace import Workspace

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cfc0f01f0005000201a5f6b5a80000000049454e44ae426082"
)


@pytest.fixture
def doc(tmp_path: Path) -> Iterator[PlaybookDocument]:
    profile = ClientProfile(name="Boulangerie Léa", slug="lea", logo=PNG, logo_mime="image/png")
    with Workspace.create(tmp_path / "lea.cmdesk", profile) as ws:
        sav = ws.teams.add("Service client", kind="customer_service", email="sav@lea.fr")
        ws.teams.add("Direction", kind="management", email="direction@lea.fr")
        ws.escalation.set_route("complaint", sav.id)
        ws.escalation.set_route("crisis", sav.id, tag="presse")
        ws.playbook.set(
            "tone",
            "# Principes\nNous **vouvoyons**. L’humour oui, l’ironie jamais 😊.\n\n"
            "- Signer « L’équipe Léa »\n\n<script>alert('x')</script>\n",
        )
        ws.playbook.set(
            "faq", "| Question | Réponse |\n|---|---|\n| Livrez-vous à Lyon ? | Oui, 5 € |\n"
        )
        yield ws.playbook.document()


def test_html_is_self_contained_and_never_runs_typed_html(
    doc: PlaybookDocument, tmp_path: Path
) -> None:
    page = to_html(doc)
    assert "<script" not in page and "&lt;script&gt;" in page
    assert 'src="data:image/png;base64,' in page  # the logo travels inside the file
    assert not re.search(r'(src|href)="(?!data:|#)', page)  # nothing to fetch
    assert "<h3>Principes</h3>" in page  # a section's own headings sit below its title
    assert "<td>Livrez-vous à Lyon ?</td>" in page and "😊" in page
    assert "<td>sav@lea.fr</td>" in page and "#presse" in page
    assert "Crisis procedure" not in page  # not written yet: left out
    path = export(doc, tmp_path / "playbook.html", "html")
    assert path.read_text(encoding="utf-8") == page
    assert not list(tmp_path.glob("*.partial"))


def test_markdown_headings_shift_but_stay_valid() -> None:
    assert markdown_html("# A\n###### F") == "<h3>A</h3>\n<h6>F</h6>\n"


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) missing")
def test_pdf_text_reads_back_with_accents_tables_and_quotes(
    doc: PlaybookDocument, tmp_path: Path
) -> None:
    path = export(doc, tmp_path / "playbook.pdf", "pdf")
    assert path.read_bytes().startswith(b"%PDF-")
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    for expected in (
        "Playbook: Boulangerie Léa", "Nous vouvoyons. L’humour oui, l’ironie jamais",
        "« L’équipe Léa »", "<script>alert('x')</script>", "Livrez-vous à Lyon ?", "Oui, 5 €",
        "Escalation matrix", "Service client", "sav@lea.fr", "#presse", "urgent",
        "Team contacts", "direction@lea.fr", "customer service",
    ):  # fmt: skip
        assert expected in text, expected
    assert re.search(r"urgent\s+1\s?h\b", text) and re.search(r"normal\s+24\s?h\b", text)
    assert "😊" not in text  # outside the PDF fonts: dropped, not a crash
