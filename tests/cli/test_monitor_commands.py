"""feeds, refresh, search and mentions from the command line, over loopback HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from feed_server import FeedServer, Route, rss


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with FeedServer() as s:
        yield s


FEED = rss(
    "Le blog du quartier",
    [
        ("1", "Réclamation : colis jamais reçu", "Toujours pas reçu, très déçue"),
        ("2", "Bravo pour la galette", "Un régal, merci"),
    ],
)


def test_add_refresh_search_show(cli, server: FeedServer, home: Path) -> None:
    cli("clients", "create", "Léa")
    page = server.route("/", Route(
        body=b'<html><head><link rel="alternate" type="application/rss+xml" href="/rss">'
             b"</head></html>", content_type="text/html"))  # fmt: skip
    server.route("/rss", Route(body=FEED))
    added = cli("--json", "feeds", "add", page, "--discover", "--category", "Blogs")
    assert added.code == 0, added.err
    assert added.json["url"] == server.url("/rss")
    assert cli("feeds", "add", server.url("/rss")).code == 2  # already followed

    summary = cli("--json", "refresh").json
    counts = ("feeds", "fetched", "not_modified", "failed", "new_mentions")
    assert {k: summary[k] for k in counts} == {
        "feeds": 1, "fetched": 1, "not_modified": 0, "failed": 0, "new_mentions": 2,
    }  # fmt: skip
    assert isinstance(summary["seconds"], float)
    # Nothing is due again before its interval: a second run fetches nothing.
    assert cli("--json", "refresh").json["feeds"] == 0
    warm = cli("--json", "refresh", "--all").json
    assert (warm["not_modified"], warm["new_mentions"]) == (1, 0)

    hits = cli("--json", "search", "reclamation").json
    assert len(hits) == 1
    hit = hits[0]
    assert set(hit) == {"id", "title", "url", "published", "source", "snippet"}
    assert hit["source"] == "Le blog du quartier"
    # Days are the client's (Europe/Paris by default): 10:00 GMT on 9 March is that day.
    for options, found in (
        (("--since", "2026-03-09"), 1),
        (("--since", "2026-03-10"), 0),
        (("--until", "2026-03-09"), 1),
        (("--until", "2026-03-08"), 0),
        (("--since", "2026-03-01", "--until", "2026-03-31"), 1),
    ):
        assert len(cli("--json", "search", "reclamation", *options).json) == found, options
    bad = cli("search", "reclamation", "--since", "9 mars")
    assert bad.code == 2 and "YYYY-MM-DD" in bad.err
    shown = cli("--json", "mentions", "show", str(hit["id"])).json
    assert shown["sentiment"] == "negative"
    assert shown["html"] == "Toujours pas reçu, très déçue" == shown["text"]
    assert "jamais reçu" in cli("mentions", "show", str(hit["id"])).out
    assert cli("mentions", "show", "12345").code == 2
    listed = cli("--json", "feeds", "list").json
    assert listed[0]["category"] == "Blogs" and listed[0]["failures"] == 0
    assert "ok, fetched" in cli("feeds", "list").out


def test_refresh_with_every_source_failing_exits_5(cli) -> None:
    cli("clients", "create", "Léa")
    cli("feeds", "add", "http://127.0.0.1:9/feed")
    result = cli("refresh")
    assert result.code == 5
    assert "refused" in result.out


def test_opml_round_trip(cli, home: Path, tmp_path: Path) -> None:
    cli("demo")
    out = tmp_path / "sources.opml"
    assert cli("feeds", "export-opml", str(out)).code == 0
    cli("clients", "create", "Autre", "--slug", "autre")
    imported = cli("--json", "--client", "autre", "feeds", "import-opml", str(out)).json
    assert len(imported["added"]) == 6
    bad = tmp_path / "bad.opml"
    bad.write_text("<html/>")
    result = cli("--client", "autre", "feeds", "import-opml", str(bad))
    assert result.code == 4 and "not an OPML" in result.err


def test_presets_from_the_command_line(cli) -> None:
    cli("clients", "create", "Léa")
    added = cli("--json", "feeds", "add", "galette des rois", "--preset", "reddit")
    assert added.json["url"].startswith("https://www.reddit.com/search.rss?q=galette")
    assert cli("feeds", "add", "x", "--preset", "myspace").code == 4


def test_rules_and_alerts(cli) -> None:
    cli("demo")
    assert cli("--json", "rules", "test", "livraison OR colis").json["mentions"] == 2
    bad = cli("rules", "test", "(colis")
    assert bad.code == 4 and "parenthesis" in bad.err
    added = cli("--json", "rules", "add", "SAV", "injoignable OR remboursement", "--priority", "2")
    assert added.code == 0 and added.json["mentions"] == 2
    listed = cli("--json", "rules", "list").json
    assert ("SAV", 2) in [(t["name"], t["mentions"]) for t in listed]
    assert cli("--json", "alerts", "list").json == []  # stored mentions alert no one
    assert cli("alerts", "list").out.strip() == "No alert."
