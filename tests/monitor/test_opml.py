"""OPML import and export: folders as categories, and bad files refused as a whole."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from cmdesk.core.client import ClientProfile
from cmdesk.core.errors import InvalidData
from cmdesk.core.monitoring import NewSource
from cmdesk.monitor.opml import OpmlError, read_opml, write_opml
from cmdesk.store.workspace import Workspace

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "feeds"

GOOD = """<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0">
  <head><title>Veille Fournil</title></head>
  <body>
    <outline text="Presse">
      <outline text="Lyon">
        <outline type="rss" text="Le Progrès" xmlUrl="https://www.leprogres.fr/rss"
                 htmlUrl="https://www.leprogres.fr/"/>
      </outline>
      <outline type="rss" text="Rue89 Lyon" xmlUrl="https://www.rue89lyon.fr/feed/"/>
    </outline>
    <outline type="rss" text="Alerte « Fournil de Léa »"
             xmlUrl="https://www.google.com/alerts/feeds/123/456"/>
  </body>
</opml>
""".encode()


def test_folders_become_categories() -> None:
    feeds = {f.url: f for f in read_opml(GOOD)}
    assert feeds["https://www.leprogres.fr/rss"].category == "Presse / Lyon"
    assert feeds["https://www.rue89lyon.fr/feed/"].category == "Presse"
    alert = feeds["https://www.google.com/alerts/feeds/123/456"]
    assert (alert.title, alert.category) == ("Alerte « Fournil de Léa »", "")


def test_export_then_import_gives_the_same_sources(tmp_path: Path) -> None:
    with Workspace.create(tmp_path / "a.cmdesk", ClientProfile(name="A", slug="a")) as ws:
        report = ws.sources.add_many(read_opml(GOOD))
        assert len(report.added) == 3
        exported = write_opml(ws.sources.all(), "Veille")
        before = {(s.url, s.title, s.category) for s in ws.sources.all()}
    assert b'<opml version="2.0">' in exported
    again = {(f.url, f.title, f.category) for f in read_opml(exported)}
    assert again == before


def test_import_skips_sources_already_followed(tmp_path: Path) -> None:
    with Workspace.create(tmp_path / "a.cmdesk", ClientProfile(name="A", slug="a")) as ws:
        ws.sources.add("https://www.leprogres.fr/rss", title="Mon titre")
        report = ws.sources.add_many(read_opml(GOOD))
        assert report.already_followed == ("https://www.leprogres.fr/rss",)
        assert len(report.added) == 2
        assert ws.sources.find("https://www.leprogres.fr/rss").title == "Mon titre"  # kept


def test_one_refused_source_imports_nothing(tmp_path: Path) -> None:
    with Workspace.create(tmp_path / "a.cmdesk", ClientProfile(name="A", slug="a")) as ws:
        with pytest.raises(InvalidData):
            ws.sources.add_many(
                [NewSource("https://ok.example/feed"), NewSource("ftp://bad.example/feed")]
            )
        assert ws.sources.all() == []


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "not XML"),
        (b"just some text", "not XML"),
        (b"<html><body><p>Hello</p></body></html>", "not an OPML"),
        (b'<opml version="2.0"><head/><body></body></opml>', "no feeds"),
        (
            b'<opml version="2.0"><body><outline text="x" xmlUrl="javascript:alert(1)"/>'
            b'<outline text="ok" xmlUrl="https://ok.example/feed"/></body></opml>',
            "Nothing was imported: 1 entries",
        ),
        (
            '<?xml version="1.0" encoding="utf-8"?><opml version="2.0"><body>'
            '<outline text="Café" xmlUrl="https://a.example/f"/></body></opml>'.encode("latin-1"),
            "utf-8 encoding",
        ),
        (b'<?xml version="1.0" encoding="klingon"?><opml/>', "klingon"),
        (b"<opml>" + b" " * (6 * 2**20) + b"</opml>", "larger than"),
    ],
)
def test_bad_files_are_explained(data: bytes, message: str) -> None:
    with pytest.raises(OpmlError, match=message):
        read_opml(data)


def test_declared_latin1_is_read() -> None:
    data = (
        '<?xml version="1.0" encoding="ISO-8859-1"?><opml version="1.0"><body>'
        '<outline text="Café de la gare" xmlUrl="https://cafe.example/rss"/></body></opml>'
    ).encode("latin-1")
    assert read_opml(data)[0].title == "Café de la gare"


def test_entity_tricks_are_not_expanded(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    data = f"""<?xml version="1.0"?>
<!DOCTYPE opml [
  <!ENTITY l0 "lol">
  <!ENTITY l1 "&l0;&l0;&l0;&l0;&l0;&l0;&l0;&l0;&l0;&l0;">
  <!ENTITY l2 "&l1;&l1;&l1;&l1;&l1;&l1;&l1;&l1;&l1;&l1;">
  <!ENTITY l3 "&l2;&l2;&l2;&l2;&l2;&l2;&l2;&l2;&l2;&l2;">
  <!ENTITY l4 "&l3;&l3;&l3;&l3;&l3;&l3;&l3;&l3;&l3;&l3;">
  <!ENTITY l5 "&l4;&l4;&l4;&l4;&l4;&l4;&l4;&l4;&l4;&l4;">
  <!ENTITY l6 "&l5;&l5;&l5;&l5;&l5;&l5;&l5;&l5;&l5;&l5;">
  <!ENTITY xxe SYSTEM "file://{secret}">
]>
<opml version="2.0"><body>
<outline text="&l6;&xxe;" xmlUrl="https://a.example/f"/>
</body></opml>""".encode()
    started = time.perf_counter()
    try:
        feeds = read_opml(data)
    except OpmlError:
        feeds = []
    assert time.perf_counter() - started < 2
    for feed in feeds:
        assert "TOP-SECRET" not in feed.title and len(feed.title) < 10_000


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared corpus (../shared) is not here")
@pytest.mark.parametrize(
    "path",
    sorted(CORPUS.glob("**/*.opml")) if CORPUS.is_dir() else [],
    ids=lambda p: p.name,
)
def test_corpus_files_import_or_are_explained(path: Path) -> None:
    try:
        feeds = read_opml(path.read_bytes())
    except OpmlError as error:
        assert error.message  # a reason the user can read
        return
    assert all(f.url.startswith(("http://", "https://")) for f in feeds)


@pytest.mark.parametrize(
    ("language", "added", "known", "said"),
    [
        ("en", 1, 0, "1 source added, 0 already followed."),
        ("en", 3, 2, "3 sources added, 2 already followed."),
        ("fr", 1, 1, "1 source ajoutée, 1 déjà suivie."),
        ("fr", 2, 5, "2 sources ajoutées, 5 déjà suivies."),
    ],
)
def test_an_import_is_summed_up_in_the_words_of_its_numbers(
    language: str, added: int, known: int, said: str
) -> None:
    from cmdesk.core.monitoring import ImportReport
    from cmdesk.i18n import set_language

    set_language(language)
    report = ImportReport(
        added=tuple(f"https://a.example/{n}" for n in range(added)),
        already_followed=tuple(f"https://b.example/{n}" for n in range(known)),
    )
    assert report.summary() == said
