"""The figures of a period (core.indicators) read from the workspace.

Every count is a range over an index: mentions by their time-ordered id, interactions
and posts by their ISO time, so a month of a workspace with a million mentions is
counted in a fraction of a second. Days are the client's days.
"""

from __future__ import annotations

import bisect
from collections import Counter
from datetime import datetime, time
from typing import Any

from cmdesk.core.classify import readable_reason
from cmdesk.core.clock import parse_iso, to_iso
from cmdesk.core.indicators import Compared, Indicators, day_range, times
from cmdesk.core.periods import Period
from cmdesk.store.interactions import OPEN_STATUSES
from cmdesk.store.mentions import SOURCE_SEPARATOR, key_for
from cmdesk.store.workspace import Workspace

TOP_SOURCES = 8
TOP_SERIES = 5  # topics or sources drawn day by day: more lines would not be read
NOTABLE = 5
_SENTIMENTS = ("negative", "neutral", "positive")


def _compare(now: dict[str, int], before: dict[str, int]) -> dict[str, Compared]:
    keys = sorted(set(now) | set(before), key=lambda k: (-now.get(k, 0), k))
    return {k: Compared(now.get(k, 0), before.get(k, 0)) for k in keys}


def _per_day(found: dict[str, Counter[int]], days: int) -> dict[str, tuple[int, ...]]:
    """The most frequent names' counts day by day, the most frequent first."""
    ranked = sorted(found.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))[:TOP_SERIES]
    return {name: tuple(counts.get(n, 0) for n in range(days)) for name, counts in ranked}


def compute(ws: Workspace, period: Period) -> Indicators:
    before = period.previous()
    zone = period.since.tzinfo
    days = day_range(period.since.date(), period.days)
    starts = [key_for(datetime.combine(d, time(), zone)) for d in days]
    low, high = key_for(period.since), key_for(period.until)
    low_before = key_for(before.since)
    span = (to_iso(period.since), to_iso(period.until))
    span_before = (to_iso(before.since), to_iso(before.until))
    targets = ws.escalation.targets()
    with ws.reading() as db:

        def counted(sql: str, params: tuple[Any, ...]) -> dict[str, int]:
            return {str(k): int(v) for k, v in db.execute(sql, params)}

        def total(sql: str, params: tuple[Any, ...]) -> int:
            return int(db.execute(sql, params).fetchone()[0])

        in_range = "SELECT count(*) FROM mention WHERE id >= ? AND id < ?"
        by_topic = (
            "SELECT t.name, count(*) FROM mention_topic mt JOIN topic t ON t.id = mt.topic_id "
            "WHERE mt.mention_id >= ? AND mt.mention_id < ? GROUP BY t.name"
        )
        by_sentiment = (
            "SELECT sentiment, count(*) FROM mention WHERE id >= ? AND id < ? GROUP BY sentiment"
        )

        def day_of(mention_id: int) -> int:
            return bisect.bisect_right(starts, mention_id) - 1

        # The period's mentions read once: per day, per source, per tone, negative per day.
        mentions = db.execute(
            "SELECT id, source, sentiment FROM mention WHERE id >= ? AND id < ?", (low, high)
        ).fetchall()
        days_of = [day_of(mention_id) for mention_id, _names, _tone in mentions]
        per_day_count = Counter(days_of)
        per_day = [per_day_count.get(n, 0) for n in range(len(days))]
        sources: Counter[str] = Counter()
        tones: Counter[str] = Counter()
        negative_days: Counter[int] = Counter()
        for (_id, names, tone), day in zip(mentions, days_of, strict=True):
            tones[tone] += 1
            if tone == "negative":
                negative_days[day] += 1
            sources.update(names.split(SOURCE_SEPARATOR))
        top_sources = {name for name, _count in sources.most_common(TOP_SERIES)}
        source_days: dict[str, Counter[int]] = {name: Counter() for name in top_sources}
        for (_id, names, _tone), day in zip(mentions, days_of, strict=True):
            for name in names.split(SOURCE_SEPARATOR):
                if name in top_sources:
                    source_days[name][day] += 1
        topic_days: dict[str, Counter[int]] = {}
        for name, mention_id in db.execute(
            "SELECT t.name, mt.mention_id FROM mention_topic mt JOIN topic t "
            "ON t.id = mt.topic_id WHERE mt.mention_id >= ? AND mt.mention_id < ?",
            (low, high),
        ):
            topic_days.setdefault(name, Counter())[day_of(mention_id)] += 1
        topics_now = {name: sum(counted_days.values()) for name, counted_days in topic_days.items()}
        alerts_sql = "SELECT count(*) FROM alert WHERE raised_at >= ? AND raised_at < ?"
        notable_mentions = db.execute(
            "SELECT id, title, url, sentiment_reason, substr(text, 1, 4000) FROM mention "
            "WHERE id >= ? AND id < ? "
            "AND (priority > 0 OR starred OR sentiment = 'negative') "
            "ORDER BY priority DESC, starred DESC, sentiment = 'negative' DESC, id DESC LIMIT ?",
            (low, high, NOTABLE),
        ).fetchall()

        received = "direction = 'in' AND occurred_at >= ? AND occurred_at < ?"
        by_type = f"SELECT type, count(*) FROM interaction WHERE {received} GROUP BY type"
        answered = db.execute(
            "SELECT priority, (julianday(first_response_at) - julianday(occurred_at)) * 1440 "
            f"FROM interaction WHERE {received} AND first_response_at IS NOT NULL",
            span,
        ).fetchall()
        waiting = total(
            f"SELECT count(*) FROM interaction WHERE {received} AND first_response_at IS NULL "
            f"AND status IN ({','.join('?' * len(OPEN_STATUSES))})",
            (*span, *OPEN_STATUSES),
        )
        resolved = [
            r[0]
            for r in db.execute(
                "SELECT (julianday(resolved_at) - julianday(occurred_at)) * 1440 "
                f"FROM interaction WHERE {received} AND resolved_at IS NOT NULL",
                span,
            )
        ]
        notable_interactions = db.execute(
            "SELECT id, substr(text, 1, 300), link, type FROM interaction "
            f"WHERE {received} AND (type IN ('crisis', 'complaint') OR priority > 0) "
            "ORDER BY type = 'crisis' DESC, priority DESC, occurred_at DESC LIMIT ?",
            (*span, NOTABLE),
        ).fetchall()
        published = (
            "SELECT channel, count(*) FROM post_variant WHERE state = 'published' "
            "AND published_at >= ? AND published_at < ? GROUP BY channel"
        )
        figures = {
            "topics": (topics_now, counted(by_topic, (low_before, low))),
            "sentiment": (dict(tones), counted(by_sentiment, (low_before, low))),
            "types": (counted(by_type, span), counted(by_type, span_before)),
            "posts": (counted(published, span), counted(published, span_before)),
        }
        mentions_before = total(in_range, (low_before, low))
        alerts = Compared(total(alerts_sql, span), total(alerts_sql, span_before))
        channels = counted(f"SELECT channel, count(*) FROM interaction WHERE {received} "
                           "GROUP BY channel", span)  # fmt: skip
        statuses = counted(f"SELECT status, count(*) FROM interaction WHERE {received} "
                           "GROUP BY status", span)  # fmt: skip
    minutes = [m for _p, m in answered]
    within = sum(1 for p, m in answered if m <= targets[p].total_seconds() / 60)
    segmentation = ws.segments.compute(period.since, period.until)
    sentiment_now, sentiment_before = figures["sentiment"]
    types_now, types_before = figures["types"]
    return Indicators(
        days=days,
        mentions=Compared(sum(per_day), mentions_before),
        mentions_per_day=tuple(per_day),
        mentions_by_topic=_compare(*figures["topics"]),
        mentions_by_source=dict(sources.most_common(TOP_SOURCES)),
        sentiment={
            s: Compared(sentiment_now.get(s, 0), sentiment_before.get(s, 0)) for s in _SENTIMENTS
        },
        negative_per_day=tuple(negative_days.get(n, 0) for n in range(len(days))),
        alerts=alerts,
        interactions=Compared(sum(types_now.values()), sum(types_before.values())),
        interactions_by_type=_compare(types_now, types_before),
        interactions_by_channel=dict(sorted(channels.items(), key=lambda kv: -kv[1])),
        interactions_by_status=statuses,
        first_response=times(minutes, within, waiting),
        resolution=times(resolved),
        posts_by_channel=_compare(*figures["posts"]),
        segments=segmentation.counts(),
        unhappy_regulars=len(segmentation.unhappy_regulars),
        topics_per_day=_per_day(topic_days, len(days)),
        sources_per_day=_per_day(source_days, len(days)),
        # Reasons are stored folded ("decue"): shown as the author spelled them.
        notable_mentions=tuple(
            (r[0], r[1], r[2], readable_reason(r[3], f"{r[1]} {r[4]}")) for r in notable_mentions
        ),
        notable_interactions=tuple((r[0], r[1], r[2], r[3]) for r in notable_interactions),
    )


def published_posts(
    ws: Workspace, period: Period
) -> list[tuple[datetime, str, list[tuple[str, str]]]]:
    """(first publication, text, [(channel, address)]) of the posts published in the period,
    in time order."""
    with ws.reading() as db:
        rows = db.execute(
            "SELECT p.id, p.text, v.channel, v.url, v.published_at FROM post_variant v "
            "JOIN post p ON p.id = v.post_id WHERE v.state = 'published' "
            "AND v.published_at >= ? AND v.published_at < ? ORDER BY v.published_at, v.id",
            (to_iso(period.since), to_iso(period.until)),
        ).fetchall()
    posts: dict[int, tuple[datetime, str, list[tuple[str, str]]]] = {}
    for post_id, text, channel, url, at in rows:
        entry = posts.setdefault(post_id, (parse_iso(at), text, []))
        entry[2].append((channel, url))
    return list(posts.values())
