"""The approval pack as the client sees it: an HTML file that loads nothing and runs none
of the posts' text, whose own script makes an answer cmdesk accepts; a PDF whose text
reads back; both in the client's language, whatever the app's."""

from __future__ import annotations

import base64
import hashlib
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

import approval_samples
from approval_samples import (
    FOR_CLIENT,
    HOSTILE,
    INTERNAL,
    Sample,
    client_answers,
    page_parts,
)
from cmdesk.core.approval import Outcome, parse_decisions
from cmdesk.core.errors import InvalidData
from cmdesk.core.posts import PostState
from cmdesk.i18n import current_language
from cmdesk.share.approval import export_pack
from cmdesk.share.approval_html import to_html
from cmdesk.store.workspace import Workspace

ws, sample = approval_samples.ws, approval_samples.sample  # fixtures: the client, its posts

_INERT_TAGS = {
    "html", "head", "meta", "title", "style", "body", "main", "header", "h1", "h2", "h3", "p",
    "section", "ol", "li", "article", "span", "div", "dl", "dt", "dd", "figure", "img",
    "figcaption", "fieldset", "legend", "label", "input", "textarea", "button", "a", "footer",
    "script", "br",
}  # fmt: skip


def _tags(page: str) -> list[tuple[str, dict[str, str | None]]]:
    """Every tag of the page with its attributes, as a browser's parser reads them."""
    found: list[tuple[str, dict[str, str | None]]] = []

    class Collect(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            found.append((tag, dict(attrs)))

    Collect().feed(page)
    return found


def test_html_pack_loads_nothing_and_shows_hostile_text_as_text(
    ws: Workspace, sample: Sample
) -> None:
    page = to_html(ws.approval.pack())
    island, script = page_parts(page)
    tags = _tags(page)
    # Only the pack's own script: the post's <script> and <img> are text.
    assert [a for t, a in tags if t == "script"] == [
        {"type": "application/json", "id": "cmdesk-pack"},
        {},
    ]
    assert "&lt;script&gt;alert(&#x27;pwned&#x27;)&lt;/script&gt;&lt;img src=https:" in page
    assert "pwned" not in island  # the script's data: ids and seals, no post text
    # Nothing to fetch: every image is a data: URI, and no attribute names another place.
    assert {a["src"][:16] for t, a in tags if t == "img"} == {"data:image/jpeg;"}
    values = [v for _t, a in tags for v in a.values() if v and not v.startswith("data:image/")]
    assert not [v for v in values if re.search(r"https?:|//|file:", v)]
    assert {t for t, _a in tags} <= _INERT_TAGS
    assert "url(" not in page and "@import" not in page
    # The policy allows the style and script that are in the file, and nothing else.
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page)
    assert policy and "default-src 'none'" in policy.group(1)
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in policy.group(1)
    style = re.search(r"<style>(.*?)</style>", page, re.S)
    assert style
    digest = base64.b64encode(hashlib.sha256(style.group(1).encode()).digest()).decode()
    assert f"style-src 'sha256-{digest}'" in policy.group(1)
    # The client's words, in the client's language, from a program running in English.
    assert current_language() == "en"
    assert 'lang="fr"' in page and "Publications à approuver" in page
    assert "Approuver" in page and "Demander des modifications" in page
    assert "mercredi 6 janvier 2027, 09:00" in page  # the client's clock, written the French way
    assert FOR_CLIENT in page and INTERNAL not in page
    assert "Une galette dorée sur une planche" in page and 'src="data:image/jpeg;base64,' in page


def test_the_pages_script_makes_an_answer_cmdesk_records(ws: Workspace, sample: Sample) -> None:
    page = to_html(ws.approval.pack())
    result = client_answers(page, "Léa Martin", {
        sample.galette: ("approved", ""),
        sample.sales: ("changes", "Plutôt -25 % « et » sans le lien 🥐\nMerci"),
    })  # fmt: skip
    assert result["error"] == ""
    assert result["progress"] == "2 publications sur 3 décidées"
    assert result["file_name"].endswith(".cmdesk-decisions")
    assert "- Publication 2 sur 3 : modifications demandées — Plutôt" in result["text"]
    # The pasted text (with the client's summary around the block) and the file agree.
    from_text = parse_decisions(result["text"])
    assert parse_decisions(result["file"].encode("utf-8")) == from_text
    assert from_text.reviewer == "Léa Martin" and len(from_text.decisions) == 2
    report = ws.approval.apply(from_text)
    assert report.count(Outcome.APPLY) == 2
    assert ws.posts.get(sample.galette).state is PostState.APPROVED
    assert ws.posts.get(sample.sales).state is PostState.CHANGES_REQUESTED
    assert ws.posts.comments(sample.sales)[-1].body == "Plutôt -25 % « et » sans le lien 🥐\nMerci"
    assert ws.approval.apply(from_text).count(Outcome.ALREADY) == 2
    # Edited by hand on the way: refused, nothing recorded.
    tampered = result["file"].replace('"approved"', '"changes"')
    with pytest.raises(InvalidData, match="changed after the client"):
        parse_decisions(tampered)


def test_the_page_asks_for_a_name_and_for_what_should_change(ws: Workspace, sample: Sample) -> None:
    page = to_html(ws.approval.pack())
    assert client_answers(page, " ", {sample.galette: ("approved", "")})["error"] == (
        "Écrivez d’abord votre nom."
    )
    missing = client_answers(page, "Léa", {sample.sales: ("changes", "  ")})
    assert missing["error"] == "Dites ce qui doit changer pour la publication 2."
    assert missing["text"] == ""
    assert "au moins une" in client_answers(page, "Léa", {})["error"]


def _pdf_text(path: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is needed to read the PDF back")
    done = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True)
    return done.stdout.decode("utf-8")


@pytest.mark.parametrize("ws", ["fr", "en"], indirect=True)
def test_pdf_pack_reads_back_every_post_in_the_clients_language(
    ws: Workspace, sample: Sample, tmp_path: Path
) -> None:
    path = tmp_path / "pack.pdf"
    pack = export_pack(ws, path, "pdf")
    assert path.read_bytes().startswith(b"%PDF") and not list(tmp_path.glob("*.partial"))
    text = _pdf_text(path)
    flat = "".join(text.split())  # long lines wrap in the PDF
    for post in pack.posts:
        assert "".join(post.text.split()) in flat
    assert "Galette 👑 dès samedi, au fournil !" in text  # the emoji drawn, not dropped
    assert "".join(HOSTILE.split()) in flat  # shown as typed
    assert "Une galette dorée sur une planche" in text and FOR_CLIENT in text
    assert INTERNAL not in text
    if ws.profile().language == "fr":
        assert "Publications à approuver" in text and "Comment répondre" in text
        assert "Publication 1 sur 3" in text and "mercredi 6 janvier 2027" in text
    else:
        assert "Posts for your approval" in text and "How to answer" in text
        assert "Post 1 of 3" in text and "Wednesday, January 6, 2027" in text
