"""The user guide: both languages cover the same pages, and every link and picture exists."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[1] / "docs"
LINK_RE = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")
PAGES = sorted(DOCS.glob("**/*.md"))


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(DOCS)))
def test_links_and_pictures_exist(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    for target in LINK_RE.findall(text):
        if target.startswith(("http://", "https://", "mailto:", "#")):
            continue
        assert (page.parent / target.split("#")[0]).exists(), f"{page.name}: {target}"


def test_french_and_english_guides_have_the_same_number_of_pages() -> None:
    assert len(list((DOCS / "fr").glob("*.md"))) == len(list((DOCS / "en").glob("*.md"))) > 4
