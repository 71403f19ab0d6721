"""Topics tag mentions (stored and arriving), raise priorities, and alerts are kept."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from cmdesk.core.client import ClientProfile
from cmdesk.core.errors import InvalidData
from cmdesk.core.monitoring import FetchOutcome, IncomingEntry
from cmdesk.core.query import QuerySyntaxError
from cmdesk.store.mentions import MentionFilter
from cmdesk.store.workspace import Workspace

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Workspace]:
    with Workspace.create(tmp_path / "lea.cmdesk", ClientProfile(name="Léa", slug="lea")) as w:
        yield w


def push(ws: Workspace, *entries: IncomingEntry, now: datetime = NOW):
    source = ws.sources.find("https://blog.example/feed") or ws.sources.add(
        "https://blog.example/feed", title="Blog"
    )
    return ws.mentions.record_refresh(
        FetchOutcome(source_id=source.id, ok=True, entries=entries), now
    )


def entry(
    n: int, title: str, text: str = "", hours: float = 1, sentiment: str = ""
) -> IncomingEntry:
    return IncomingEntry(
        guid=f"g{n}", url=f"https://blog.example/{n}", title=title, text=text,
        published=NOW - timedelta(hours=hours), sentiment=sentiment,
    )  # fmt: skip


def test_a_new_topic_tags_stored_mentions_and_counts_first(ws: Workspace) -> None:
    push(ws, entry(1, "Réclamation livraison"), entry(2, "Bravo"), entry(3, "Colis perdu"))
    assert ws.topics.count_matching("reclamation OR colis") == 2
    topic = ws.topics.add("SAV", "reclamation OR colis", priority=1)
    assert ws.mentions.count(MentionFilter(topic_id=topic.id)) == 2
    assert {m.priority for m in ws.mentions.page(MentionFilter(topic_id=topic.id))} == {1}
    with pytest.raises(InvalidData, match="already exists"):
        ws.topics.add("sav", "x")
    with pytest.raises(QuerySyntaxError):
        ws.topics.add("Cassé", "(colis")
    with pytest.raises(InvalidData, match="priority"):
        ws.topics.add("P", "x", priority=7)


def test_arriving_mentions_are_tagged_and_urgent_ones_alert(ws: Workspace) -> None:
    urgent = ws.topics.add("Crise", '"intoxication alimentaire" OR title:rappel', priority=2)
    calm = ws.topics.add("Galettes", "galette*")
    counts, changes = push(
        ws,
        entry(1, "Rappel de produit", "Lot de galettes"),
        entry(2, "Les galettes de janvier"),
        entry(3, "Une intoxication alimentaire signalée"),
        entry(4, "Rien à voir"),
    )
    assert counts.new_mentions == 4 and changes.alerts
    assert ws.mentions.count(MentionFilter(topic_id=urgent.id)) == 2
    assert ws.mentions.count(MentionFilter(topic_id=calm.id)) == 2
    alerts = ws.topics.alerts()
    assert len(alerts) == 2 and all(a.kind == "match" and a.topic_id == urgent.id for a in alerts)
    assert "Urgent mention for “Crise”" in alerts[0].title
    ws.topics.acknowledge([a.id for a in alerts])
    assert ws.topics.alerts() == []
    assert len(ws.topics.alerts(include_acknowledged=True)) == 2


def test_editing_a_topic_retags(ws: Workspace) -> None:
    push(ws, entry(1, "pain"), entry(2, "levain"))
    topic = ws.topics.add("Pain", "pain")
    ws.topics.update(topic.id, query="levain OR pain")
    assert ws.mentions.count(MentionFilter(topic_id=topic.id)) == 2
    ws.topics.update(topic.id, enabled=False)
    assert ws.mentions.count(MentionFilter(topic_id=topic.id)) == 0
    ws.topics.remove(topic.id)
    assert ws.topics.all() == []


def test_a_burst_raises_one_spike_alert_with_evidence(ws: Workspace) -> None:
    topic = ws.topics.add("Livraison", "livraison")
    # A quiet week: about one mention a day.
    push(ws, *(entry(100 + d, f"Livraison jour {d}", hours=24 * d + 2) for d in range(1, 8)))
    assert ws.topics.alerts() == []
    burst = [entry(200 + i, f"Livraison en retard {i}", hours=0.5, sentiment="negative")
             for i in range(12)]  # fmt: skip
    push(ws, *burst[:8])
    kinds = sorted(a.kind for a in ws.topics.alerts())
    assert kinds == ["spike-negative", "spike-volume"]
    volume = next(a for a in ws.topics.alerts() if a.kind == "spike-volume")
    assert volume.topic_id == topic.id and "8 mentions in 24 hours" in volume.title
    assert len(volume.evidence) == 8 and "Usually 1.0 a day" in volume.detail
    # More of the same within the window: still one alert of each kind.
    push(ws, *burst[8:])
    assert len(ws.topics.alerts()) == 2


def test_alerts_read_in_the_language_of_the_reader(ws: Workspace) -> None:
    from cmdesk.i18n import set_language

    ws.topics.add("Crise", "intoxication", priority=2)
    push(ws, entry(1, "Une intoxication signalée"))
    assert ws.topics.alerts()[0].title.startswith("Urgent mention for “Crise”")
    set_language("fr")
    try:
        assert ws.topics.alerts()[0].title.startswith("Mention urgente pour « Crise »")
    finally:
        set_language("en")
