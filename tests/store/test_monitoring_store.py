"""Sources and mentions in a real workspace: one article stored once, states, paging."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cmdesk.core.classify import scan
from cmdesk.core.client import ClientProfile
from cmdesk.core.errors import InvalidData
from cmdesk.core.monitoring import PAUSE_AFTER_FAILURES, FetchOutcome, IncomingEntry
from cmdesk.store.mentions import MentionFilter, published_of, words_of_entries
from cmdesk.store.workspace import Workspace

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Workspace]:
    with Workspace.create(tmp_path / "lea.cmdesk", ClientProfile(name="Léa", slug="lea")) as w:
        yield w


def entry(n: int, **fields: object) -> IncomingEntry:
    values: dict[str, object] = {
        "guid": f"g{n}",
        "url": f"https://blog.example/article-{n}",
        "title": f"Article numéro {n} sur la boulangerie",
        "published": NOW - timedelta(hours=n),
        "text": f"Texte {n}",
    }
    values.update(fields)
    return IncomingEntry(**values)  # type: ignore[arg-type]


def refresh(ws: Workspace, source_id: int, *entries: IncomingEntry, now: datetime = NOW):
    outcome = FetchOutcome(source_id=source_id, ok=True, entries=entries, etag='"v1"')
    counts, _changes = ws.mentions.record_refresh(outcome, now)
    return counts


# -- sources -------------------------------------------------------------------------------


def test_add_update_and_remove_sources(ws: Workspace) -> None:
    source = ws.sources.add("https://blog.example/feed", category="Presse")
    assert source.refresh_minutes == 30 and source.enabled and source.is_due(NOW)
    with pytest.raises(InvalidData, match="already followed"):
        ws.sources.add("https://blog.example/feed")
    for bad in ("blog.example/feed", "file:///etc/passwd", "javascript:alert(1)"):
        with pytest.raises(InvalidData, match="not a web address"):
            ws.sources.add(bad)
    with pytest.raises(InvalidData, match="5 minutes"):
        ws.sources.add("https://other.example/feed", refresh_minutes=1)
    ws.sources.update(source.id, title="Le blog", refresh_minutes=60)
    assert (ws.sources.get(source.id).title, ws.sources.get(source.id).refresh_minutes) == (
        "Le blog",
        60,
    )
    assert ws.sources.categories() == ["Presse"]

    refresh(ws, source.id, entry(1))
    ws.sources.remove(source.id)
    assert ws.sources.all() == []
    # The client's record stays: mentions outlive the feed that brought them.
    assert ws.mentions.count() == 1


def test_success_updates_state_and_schedules_next(ws: Workspace) -> None:
    source = ws.sources.add("https://blog.example/feed")
    outcome = FetchOutcome(
        source_id=source.id,
        ok=True,
        etag='"abc"',
        last_modified="Tue, 10 Mar 2026 11:00:00 GMT",
        feed_title="Blog de Léa",
        site_url="https://blog.example/",
        permanent_url="https://blog.example/feed.xml",
    )
    ws.mentions.record_refresh(outcome, NOW)
    after = ws.sources.get(source.id)
    assert after.url == "https://blog.example/feed.xml"  # permanent redirect remembered
    assert (after.etag, after.title, after.site_url) == (
        '"abc"',
        "Blog de Léa",
        "https://blog.example/",
    )
    assert after.last_success_at == NOW and after.next_refresh_at == NOW + timedelta(minutes=30)
    assert not after.is_due(NOW + timedelta(minutes=29))
    assert after.is_due(NOW + timedelta(minutes=30))


def test_failures_back_off_then_pause_and_enable_resumes(ws: Workspace) -> None:
    source = ws.sources.add("https://down.example/feed")
    waits = []
    now = NOW
    for _ in range(PAUSE_AFTER_FAILURES):
        ws.mentions.record_refresh(
            FetchOutcome(source_id=source.id, ok=False, error="Connection refused."), now
        )
        state = ws.sources.get(source.id)
        assert state.next_refresh_at is not None
        waits.append(state.next_refresh_at - now)
        now = state.next_refresh_at
    assert waits[:3] == [timedelta(minutes=30), timedelta(hours=1), timedelta(hours=2)]
    assert max(waits) == timedelta(hours=24)
    state = ws.sources.get(source.id)
    assert state.paused and state.last_error == "Connection refused."
    assert not state.is_due(now + timedelta(days=30))  # not retried forever
    assert ws.activity()[0].action == "source.paused"

    ws.sources.update(source.id, enabled=True)
    resumed = ws.sources.get(source.id)
    assert not resumed.paused and resumed.failures == 0 and resumed.is_due(now)


def test_retry_after_is_respected(ws: Workspace) -> None:
    source = ws.sources.add("https://busy.example/feed")
    later = NOW + timedelta(hours=5)
    ws.mentions.record_refresh(
        FetchOutcome(source_id=source.id, ok=False, error="Busy", retry_after=later), NOW
    )
    assert ws.sources.get(source.id).next_refresh_at == later


# -- one article, one mention ------------------------------------------------------------------


def test_same_entry_twice_is_stored_once(ws: Workspace) -> None:
    source = ws.sources.add("https://blog.example/feed")
    assert refresh(ws, source.id, entry(1), entry(2)).new_mentions == 2
    assert refresh(ws, source.id, entry(1), entry(2), entry(3)).new_mentions == 1
    assert ws.mentions.count() == 3


def test_same_article_through_an_alert_is_merged(ws: Workspace) -> None:
    blog = ws.sources.add("https://blog.example/feed", title="Blog")
    alerts = ws.sources.add("https://www.google.com/alerts/feeds/1/2", title="Google Alertes")
    refresh(ws, blog.id, entry(1))
    wrapped = (
        "https://www.google.com/url?rct=j&sa=t&url=https://blog.example/article-1/"
        "%3Futm_source%3Dnewsletter&ct=ga&cd=1"
    )
    counts = refresh(ws, alerts.id, entry(1, guid="tag:google.com,2026:abc", url=wrapped))
    assert (counts.new_mentions, counts.merged) == (0, 1)
    [mention] = ws.mentions.page()
    assert mention.source == "Blog · Google Alertes"
    assert ws.mentions.get(mention.id).source_ids == (blog.id, alerts.id)
    assert ws.mentions.count(MentionFilter(source_id=alerts.id)) == 1


def test_several_sources_in_one_batch_merge_and_index_consistently(ws: Workspace) -> None:
    """One transaction for several sources (as a refresh writes them): an article that
    two feeds bring in the same batch is stored once with both sources, feeds listing
    newest first are indexed, the full-text index passes its own integrity check, and a
    source removed meanwhile is skipped without losing the others."""
    blog = ws.sources.add("https://blog.example/feed", title="Blog")
    press = ws.sources.add("https://press.example/feed", title="Presse")
    gone = ws.sources.add("https://gone.example/feed", title="Partie")
    ws.sources.remove(gone.id)
    newest_first = [entry(n, text=f"fournée {n}") for n in range(1, 6)]
    # The press feed carries article 3 too, with tracking parameters in its link.
    press_entries = [
        entry(10, url="https://news.example/a", title="Autre sujet", text="pain"),
        entry(3, guid="press-3", url="https://blog.example/article-3?utm_source=x"),
    ]
    counts, changes = ws.mentions.record_refreshes(
        [
            FetchOutcome(source_id=blog.id, ok=True, entries=tuple(newest_first)),
            FetchOutcome(source_id=gone.id, ok=True, entries=(entry(99),)),
            FetchOutcome(source_id=press.id, ok=True, entries=tuple(press_entries)),
        ],
        NOW,
    )
    assert counts[1] is None and changes.mentions
    assert counts[0] is not None and counts[2] is not None
    assert counts[0].new_mentions + counts[2].new_mentions == 6
    assert counts[0].merged + counts[2].merged == 1
    assert ws.mentions.count() == 6
    ws.db.execute("INSERT INTO mention_fts(mention_fts) VALUES ('integrity-check')")
    found = ws.mentions.search(MentionFilter(query="fournee"), limit=10)
    assert len(found) == 5
    merged = ws.db.execute(
        "SELECT rowid FROM mention_fts WHERE mention_fts MATCH 'source:presse AND source:blog'"
    ).fetchall()
    assert len(merged) == 1
    assert ws.mentions.get(merged[0][0]).source_ids == (blog.id, press.id)
    # The words are offered while typing, the source names too.
    terms = {t for (t,) in ws.db.execute("SELECT term FROM search_term")}
    assert {"fournee", "presse", "blog", "boulangerie"} <= terms
    # A second refresh of the same entries adds nothing and keeps the index sound.
    again, _ = ws.mentions.record_refreshes(
        [FetchOutcome(source_id=blog.id, ok=True, entries=tuple(newest_first))], NOW
    )
    assert again[0] is not None and again[0].new_mentions == 0
    ws.db.execute("INSERT INTO mention_fts(mention_fts) VALUES ('integrity-check')")


def test_title_match_on_the_same_site_within_days(ws: Workspace) -> None:
    a = ws.sources.add("https://a.example/feed")
    b = ws.sources.add("https://b.example/feed")
    refresh(ws, a.id, entry(1, url="https://www.news.example/story?id=1"))
    # Same site (mobile host), same title in other case and accents, other URL: merged.
    same = entry(
        2,
        url="https://m.news.example/amp/story-1",
        title="ARTICLE NUMERO 1 SUR LA BOULANGERIE !",
        published=NOW - timedelta(hours=3),
    )
    assert refresh(ws, b.id, same).merged == 1
    # Same title on another site, or weeks later: another article.
    other_site = entry(
        3, url="https://other.example/x", title="Article numéro 1 sur la boulangerie"
    )
    weeks_later = entry(
        4,
        url="https://news.example/y",
        title="Article numéro 1 sur la boulangerie",
        published=NOW + timedelta(days=20),
    )
    counts = refresh(ws, b.id, other_site, weeks_later, now=NOW + timedelta(days=21))
    assert counts.new_mentions == 2


@pytest.mark.parametrize(
    ("later", "merged"), [(timedelta(days=3), 1), (timedelta(days=3, seconds=1), 0)]
)
def test_the_same_title_is_the_same_article_for_three_days_to_the_second(
    ws: Workspace, later: timedelta, merged: int
) -> None:
    a = ws.sources.add("https://a.example/feed")
    b = ws.sources.add("https://b.example/feed")
    refresh(ws, a.id, entry(1, url="https://news.example/x", published=NOW))
    title = "Article numéro 1 sur la boulangerie"
    again = entry(2, url="https://news.example/y", title=title, published=NOW + later)
    counts = refresh(ws, b.id, again, now=NOW + timedelta(days=4))
    assert (counts.merged, counts.new_mentions) == (merged, 1 - merged)


def test_dates_from_the_future_or_missing_use_the_fetch_time(ws: Workspace) -> None:
    source = ws.sources.add("https://blog.example/feed")
    refresh(ws, source.id, entry(1, published=NOW + timedelta(days=400)), entry(2, published=None))
    for mention in ws.mentions.page():
        assert mention.published_at == NOW
        assert published_of(mention.id) == NOW


# -- the list ----------------------------------------------------------------------------------


def test_newest_first_with_keyset_pages_and_filters(ws: Workspace) -> None:
    source = ws.sources.add("https://blog.example/feed")
    # Fetched out of order, many in the same second: the list is still by publication.
    entries = [entry(n, published=NOW - timedelta(hours=n % 7)) for n in range(40)]
    refresh(ws, source.id, *reversed(entries))
    seen = []
    before = None
    while page := ws.mentions.page(before=before, limit=7):
        seen += page
        before = page[-1].id
    assert len(seen) == 40 and len({m.id for m in seen}) == 40
    assert [m.published_at for m in seen] == sorted((m.published_at for m in seen), reverse=True)

    ids = [m.id for m in seen]
    ws.mentions.set_read(ids[:10])
    ws.mentions.set_starred(ids[:3])
    ws.mentions.set_archived(ids[-5:])
    ws.mentions.add_tag(ids[:4], "  à  traiter ")
    assert ws.mentions.count(MentionFilter(state="unread")) == 40 - 10 - 5
    assert ws.mentions.count(MentionFilter(state="starred")) == 3
    assert ws.mentions.count(MentionFilter(state="archived")) == 5
    assert ws.mentions.count() == 35
    assert ws.mentions.count(MentionFilter(tag="à traiter")) == 4
    assert ws.mentions.tags() == ["à traiter"]
    ws.mentions.remove_tag(ids[:1], "à traiter")
    assert ws.mentions.get(ids[0]).tags == ()
    since = NOW - timedelta(hours=2)
    recent = ws.mentions.page(MentionFilter(state="all", since=since))
    assert recent and all(m.published_at >= since for m in recent)
    assert ws.mentions.count(MentionFilter(state="all", since=since)) == len(recent)
    with pytest.raises(InvalidData):
        ws.mentions.count(MentionFilter(state="deleted"))


def test_sentiment_correction_is_kept(ws: Workspace) -> None:
    source = ws.sources.add("https://blog.example/feed")
    refresh(ws, source.id, entry(1))
    [mention] = ws.mentions.page()
    ws.mentions.set_sentiment(mention.id, "negative")
    corrected = ws.mentions.get(mention.id)
    assert (corrected.sentiment, corrected.sentiment_by_user) == ("negative", True)
    assert ws.mentions.count(MentionFilter(sentiment="negative")) == 1
    with pytest.raises(InvalidData):
        ws.mentions.set_sentiment(mention.id, "furious")


def test_search_index_follows_inserts_updates_and_source_renames(ws: Workspace) -> None:
    source = ws.sources.add("https://blog.example/feed", title="Blog")
    refresh(ws, source.id, entry(1, title="Réclamation au sujet de la galette", text="trop cuite"))

    def search(match: str) -> int:
        return ws.db.execute(
            "SELECT count(*) FROM mention_fts WHERE mention_fts MATCH ?", (match,)
        ).fetchone()[0]

    assert search("reclamation") == 1 and search("cuite") == 1 and search("source:blog") == 1
    ws.sources.update(source.id, title="Presse locale")
    assert search("source:blog") == 0 and search('source:"presse locale"') == 1
    assert ws.mentions.page()[0].source == "Presse locale"


def test_text_search_folds_accents_pages_and_combines_with_filters(ws: Workspace) -> None:
    source = ws.sources.add("https://blog.example/feed", title="Blog")
    entries = [
        entry(n, title=f"Réclamation numéro {n} au sujet de la galette", text="trop cuite")
        for n in range(12)
    ] + [entry(100, title="Ouverture de la nouvelle boutique du quartier", text="bravo")]
    refresh(ws, source.id, *entries)
    flt = MentionFilter(query="reclam")  # prefix, no accent: as typed in the search box
    assert ws.mentions.count(flt) == 12
    first = ws.mentions.ids(flt, limit=5)
    rest = ws.mentions.ids(flt, before=first[-1], limit=50)
    assert len(first) == 5 and len(rest) == 7 and first[-1] > rest[0]
    assert ws.mentions.ids(flt) == sorted(first + rest, reverse=True)
    ws.mentions.set_archived(first[:2])
    assert ws.mentions.count(flt) == 10  # archived ones leave the inbox, search included
    hits = ws.mentions.search(MentionFilter(query="cuite galette", state="all"))
    assert len(hits) == 12 and hits[0].snippet == "trop [cuite]"
    assert ws.mentions.search(MentionFilter(query='"); DROP TABLE mention; --')) == []
    rows = ws.mentions.by_ids(first)
    assert set(rows) == set(first) and rows[first[0]].title.startswith("Réclamation")


def test_search_as_you_type_expands_the_word_being_typed(ws: Workspace) -> None:
    source = ws.sources.add("https://blog.example/feed")
    refresh(
        ws,
        source.id,
        entry(1, title="La boulangerie du quartier ferme", text="travaux"),
        entry(2, title="Un boulanger passionné ouvre", text="pain"),
        entry(3, title="Les boulets de canon du marché", text="pétanque"),
    )

    def found(typed: str) -> int:
        return ws.mentions.count(MentionFilter(query=typed))

    assert found("boul") == 3
    assert found("boulang") == 2
    assert found("boulanger") == 2  # still being typed: "boulangerie" too
    assert found("boulanger ") == 1  # a space: the word is finished
    assert found("boulanger pass") == 1  # finished words exact, the last one expanded
    assert found("PETANQ") == 1  # case and accents do not matter
    assert found("zzz") == 0


# -- search words: a feed's at once when all its entries are new --------------------------------

_URLS = ["https://a.example/1", "https://a.example/1?utm_source=x", "https://b.example/2", ""]
_WORDS = ["pain", "levain", "croissant", "retard", "colis", "merci", "épeautre"]
_entry_fields = st.tuples(
    st.sampled_from(_URLS),
    st.lists(st.sampled_from(_WORDS), min_size=4, max_size=6),  # the title: 4 words at least
    st.lists(st.sampled_from(_WORDS), max_size=5),  # the text
    st.integers(0, 3),  # the guid
)


def _words_stored(batches: list[list[tuple[int, list[tuple]]]], *, by_feed: bool) -> set[str]:
    with (
        tempfile.TemporaryDirectory() as folder,
        Workspace.create(Path(folder) / "w.cmdesk", ClientProfile(name="W", slug="w")) as ws,
    ):
        ids = [
            ws.sources.add(f"https://feed{n}.example/rss", title=f"Flux {n}").id for n in range(3)
        ]
        for batch in batches:
            outcomes = []
            for source, fields in batch:
                entries = tuple(
                    IncomingEntry(
                        guid=f"g{guid}", url=url, title=" ".join(title), text=" ".join(text),
                        published=NOW,
                    )
                    for url, title, text, guid in fields
                )  # fmt: skip
                # As a parsing worker gathers them: from the classifier's scan.
                union = " ".join(words_of_entries(
                    (e.title, e.author, e.text, scan(f"{e.title}. {e.text}")) for e in entries
                ))  # fmt: skip
                outcomes.append(FetchOutcome(source_id=ids[source], ok=True, entries=entries,
                                             terms=union if by_feed else None))  # fmt: skip
            ws.mentions.record_refreshes(outcomes, NOW)
        return {term for (term,) in ws.db.execute("SELECT term FROM search_term")}


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.lists(
            st.tuples(st.integers(0, 2), st.lists(_entry_fields, max_size=4)),
            min_size=1,
            max_size=3,
            unique_by=lambda item: item[0],
        ),
        min_size=1,
        max_size=3,
    )
)
def test_a_feeds_words_are_taken_whole_only_when_all_its_entries_are_new(batches: list) -> None:
    """The words offered while typing are those of the stored mentions: a feed's entries
    already known, or merged into another feed's article, add none of theirs."""
    assert _words_stored(batches, by_feed=True) == _words_stored(batches, by_feed=False)
