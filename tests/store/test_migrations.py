"""Migrations: every earlier schema version opens, keeps its data and ends equal to a fresh file."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest

from cmdesk.core.client import ClientProfile
from cmdesk.core.posts import PostState
from cmdesk.core.publication import VariantState
from cmdesk.core.schedule import Frequency, Slot
from cmdesk.store import migrations
from cmdesk.store.errors import WorkspaceTooNew
from cmdesk.store.interactions import InteractionFilter
from cmdesk.store.workspace import Workspace, connect


def _seed_v1(db: sqlite3.Connection) -> None:
    db.execute(
        "INSERT INTO client (id, uid, name, slug, language, timezone, sector, keywords, colour, "
        "notes, archived, created_at, updated_at) VALUES (1, 'u1', 'Café Léa', 'cafe-lea', 'fr', "
        "'Europe/Paris', 'food', '[\"croissant\", \"Léa\"]', '#aa3300', 'Notes ✓', 0, "
        "'2025-01-01T00:00:00+00:00', '2025-01-01T00:00:00+00:00')"
    )
    db.execute("INSERT INTO settings(key, value) VALUES ('refresh', '30')")


def _seed_v2(db: sqlite3.Connection) -> None:
    _seed_v1(db)
    db.execute(
        "INSERT INTO activity(at, actor, action, detail) "
        "VALUES ('2025-01-02T00:00:00+00:00', 'lea', 'client.updated', 'name')"
    )


def _seed_v3(db: sqlite3.Connection) -> None:
    _seed_v2(db)
    db.execute("UPDATE client SET logo = x'89504e47', logo_mime = 'image/png' WHERE id = 1")


def _seed_v4(db: sqlite3.Connection) -> None:
    _seed_v3(db)
    now = "2025-02-01T08:00:00+00:00"
    db.execute(
        "INSERT INTO source(id, url, title, created_at) "
        "VALUES (1, 'https://blog.example/feed', 'Blog', ?)",
        (now,),
    )
    db.execute(
        "INSERT INTO mention(id, url, title, source, published_at, fetched_at, text) "
        "VALUES (7, 'https://blog.example/a', 'Réclamation galette', 'Blog', ?, ?, 'Trop cuite')",
        (now, now),
    )
    db.execute(
        "INSERT INTO mention_source(source_id, guid, mention_id, seen_at) VALUES (1, 'g', 7, ?)",
        (now,),
    )
    db.execute(
        "INSERT INTO topic(id, name, query, created_at) VALUES (1, 'SAV', 'galette', ?)", (now,)
    )
    db.execute("INSERT INTO mention_topic(topic_id, mention_id) VALUES (1, 7)")


def _seed_v5(db: sqlite3.Connection) -> None:
    _seed_v4(db)  # its mention was indexed by the insert trigger that version 5 drops
    db.execute(
        "INSERT INTO mention(id, url, title, source, published_at, fetched_at, text) "
        "VALUES (8, 'https://blog.example/b', 'Galette élue', 'Blog', ?, ?, 'Bravo')",
        ("2025-02-02T08:00:00+00:00", "2025-02-02T08:00:00+00:00"),
    )
    db.execute(
        "INSERT INTO mention_fts(rowid, title, text, author, source) "
        "SELECT id, title, text, author, source FROM mention"
    )


def _seed_v6(db: sqlite3.Connection) -> None:
    _seed_v5(db)
    now = "2025-03-01T09:00:00+00:00"
    db.execute(
        "INSERT INTO team(id, name, kind, email, created_at) "
        "VALUES (1, 'SAV', 'customer_service', 'sav@example.fr', ?)",
        (now,),
    )
    db.execute(
        "INSERT INTO contact(id, name, created_at, updated_at) VALUES (3, 'Inès', ?, ?)",
        (now, now),
    )
    db.execute(
        "INSERT INTO contact_handle(network, handle, contact_id) VALUES ('instagram', 'ines', 3)"
    )
    db.execute("INSERT INTO contact_tag(contact_id, tag) VALUES (3, 'customer')")
    db.execute(
        "INSERT INTO interaction(id, channel, contact_id, occurred_at, text, type, status, "
        "team_id, mention_id, created_at, updated_at) "
        "VALUES (5, 'instagram', 3, ?, 'Colis jamais reçu', 'complaint', 'waiting_team', 1, 7, "
        "?, ?)",
        (now, now, now),
    )
    db.execute("INSERT INTO interaction_tag(interaction_id, tag) VALUES (5, 'livraison')")


def _seed_v7(db: sqlite3.Connection) -> None:
    _seed_v6(db)
    now = "2025-04-01T09:00:00+00:00"
    db.execute(
        "INSERT INTO rule(id, name, position, stop, conditions, actions, created_at, updated_at) "
        "VALUES (2, 'Colis', 0, 1, '{\"query\": \"colis\"}', '{\"team_id\": 1}', ?, ?)",
        (now, now),
    )
    db.execute(
        "INSERT INTO canned_reply(id, title, language, body, search_key, uses, created_at, "
        "updated_at) VALUES (4, 'Excuses', 'fr', 'Désolés {prénom}', 'excuses', 3, ?, ?)",
        (now, now),
    )
    db.execute("INSERT INTO escalation(type, tag, team_id) VALUES ('complaint', 'livraison', 1)")
    db.execute("UPDATE response_target SET minutes = 120 WHERE priority = 1")
    db.execute(
        "INSERT INTO playbook_section(key, body, updated_at) VALUES ('tone', 'Vouvoyer.', ?)",
        (now,),
    )


def _seed_v8(db: sqlite3.Connection) -> None:
    _seed_v7(db)  # its interaction was indexed by version 8's rebuild
    now = "2025-05-01T09:00:00+00:00"
    db.execute(
        "INSERT INTO interaction(id, channel, occurred_at, text, reply, type, status, "
        "created_at, updated_at) VALUES (6, 'facebook', ?, 'Horaires du dimanche ?', "
        "'Ouvert de 8 h à 13 h', 'question', 'answered', ?, ?)",
        (now, now, now),
    )


def _seed_v9(db: sqlite3.Connection) -> None:
    _seed_v8(db)
    now = "2025-06-01T09:00:00+00:00"
    db.execute(
        "INSERT INTO account(id, uid, network, server, username, label, created_at, updated_at) "
        "VALUES (2, 'acc-uid', 'mastodon', 'https://mastodon.social', 'lea', 'Léa', ?, ?)",
        (now, now),
    )
    # Drafted from mention 7, scheduled for 09:00 in Paris; Mastodon went out, Bluesky's
    # attempt was cut off (left `publishing`: the opening after the upgrade recovers it).
    db.execute(
        "INSERT INTO post(id, title, text, state, scheduled_at, zone, wall_time, recurrence, "
        "mention_id, created_at, updated_at) VALUES (4, 'Galette', 'La galette est là', "
        "'publishing', '2025-06-02T07:00:00+00:00', 'Europe/Paris', '2025-06-02T09:00:00', "
        "'weekly', 7, ?, ?)",
        (now, now),
    )
    db.execute(
        "INSERT INTO post_variant(id, post_id, channel, account_id, state, due_at, remote_id, "
        "url, attempts, idempotency_key, created_at, updated_at) VALUES "
        "(10, 4, 'mastodon', 2, 'published', '2025-06-02T07:00:00+00:00', '111', "
        "'https://mastodon.social/@lea/111', 1, 'k1', ?, ?), "
        "(11, 4, 'bluesky', NULL, 'publishing', '2025-06-02T07:00:00+00:00', '', '', 1, "
        "'k2', ?, ?)",
        (now, now, now, now),
    )
    db.execute(
        "INSERT INTO post_media(post_id, position, mime, alt, size, data, created_at) "
        "VALUES (4, 0, 'image/png', 'Une galette', 4, x'89504e47', ?)",
        (now,),
    )
    db.execute(
        "INSERT INTO post_history(post_id, at, actor, action, from_state, to_state) "
        "VALUES (4, ?, 'lea', 'scheduled', 'approved', 'scheduled')",
        (now,),
    )
    db.execute(
        "INSERT INTO post_comment(post_id, at, author, body, for_client) "
        "VALUES (4, ?, 'lea', 'Validé par Marc', 1)",
        (now,),
    )
    db.execute("INSERT INTO posting_slot(channel, weekday, at) VALUES ('mastodon', 1, '09:00')")
    # A comment under the post, and an interaction pointing at a post that never existed.
    db.execute("UPDATE interaction SET post_id = 4 WHERE id = 6")
    db.execute("UPDATE interaction SET post_id = 99 WHERE id = 5")


def _seed_v10(db: sqlite3.Connection) -> None:
    _seed_v9(db)
    # Version 10 keeps no link to a missing post (deleting a post unlinks them).
    db.execute("UPDATE interaction SET post_id = NULL WHERE id = 5")


def _seed_v11(db: sqlite3.Connection) -> None:
    _seed_v10(db)
    now = "2025-07-01T09:00:00+00:00"
    db.execute(
        "INSERT INTO objective(id, name, metric, target, params, created_at, updated_at) "
        "VALUES (1, 'Réclamations en 2 h', 'answered_within', 90, "
        '\'{"type": "complaint", "minutes": 120}\', ?, ?)',
        (now, now),
    )
    db.execute(
        "INSERT INTO monthly_figure(network, metric, month, value, source, updated_at) "
        "VALUES ('instagram', 'followers', '2025-06', 1520, 'typed', ?)",
        (now,),
    )


def _seed_v12(db: sqlite3.Connection) -> None:
    _seed_v11(db)
    now = "2025-07-07T06:00:00+00:00"
    # The weekly feedback of team SAV by e-mail: one week sent, the next cut off by a crash.
    db.execute(
        "INSERT INTO delivery_schedule(id, kind, team_id, channel, frequency, day, at, "
        "created_at, updated_at) VALUES (3, 'export', 1, 'email', 'weekly', 0, '08:00', ?, ?)",
        (now, now),
    )
    db.execute(
        "INSERT INTO delivery_log(schedule_id, kind, period, period_start, period_end, target, "
        "channel, address, state, attempts, created_at, updated_at) VALUES "
        "(3, 'export', '2025-W27', '2025-06-30', '2025-07-07', 'SAV', 'email', "
        "'sav@example.fr', 'sent', 1, ?, ?), "
        "(3, 'export', '2025-W28', '2025-07-07', '2025-07-14', 'SAV', 'email', "
        "'sav@example.fr', 'sending', 1, ?, ?)",
        (now, now, now, now),
    )


def _seed_v13(db: sqlite3.Connection) -> None:
    _seed_v12(db)
    now = "2025-08-01T09:00:00+00:00"
    # A TikTok account and a TikTok version of the post, and a series anchored on the 31st.
    db.execute(
        "INSERT INTO account(id, uid, network, server, username, label, created_at, updated_at) "
        "VALUES (3, 'tt-uid', 'tiktok', '', 'fournil', 'Fournil TikTok', ?, ?)",
        (now, now),
    )
    db.execute(
        "INSERT INTO post_variant(id, post_id, channel, account_id, state, idempotency_key, "
        "created_at, updated_at) VALUES (12, 4, 'tiktok', 3, 'pending', 'k3', ?, ?)",
        (now, now),
    )
    db.execute("UPDATE post SET series_first = '2025-01-31T09:00:00' WHERE id = 4")
    db.execute("INSERT INTO posting_slot(channel, weekday, at) VALUES ('tiktok', 4, '18:00')")


# Representative data written by each released schema version. A new migration must
# add its seed here (test_every_version_has_a_seed fails otherwise), so upgrades from
# every version stay tested with real rows.
SEEDS: dict[int, Callable[[sqlite3.Connection], None]] = {
    1: _seed_v1,
    2: _seed_v2,
    3: _seed_v3,
    4: _seed_v4,
    5: _seed_v5,
    6: _seed_v6,
    7: _seed_v7,
    8: _seed_v8,
    9: _seed_v9,
    10: _seed_v10,
    11: _seed_v11,
    12: _seed_v12,
    13: _seed_v13,
    14: _seed_v13,  # nothing new to store
}


def _file_at_version(path: Path, version: int) -> None:
    db = connect(path)
    migrations.migrate(db, upto=version)
    db.execute("BEGIN")
    SEEDS[version](db)
    db.execute("COMMIT")
    db.close()


def _schema(db: sqlite3.Connection) -> list[tuple[str, str, str]]:
    return sorted(
        db.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"
        ).fetchall()
    )


def _fresh_schema(tmp_path: Path) -> list[tuple[str, str, str]]:
    path = tmp_path / "fresh.cmdesk"
    Workspace.create(path, ClientProfile(name="Fresh", slug="fresh")).close()
    db = connect(path, readonly=True)
    try:
        return _schema(db)
    finally:
        db.close()


def test_every_version_has_a_seed() -> None:
    assert sorted(SEEDS) == [m.version for m in migrations.MIGRATIONS]


def test_versions_are_consecutive() -> None:
    assert [m.version for m in migrations.MIGRATIONS] == list(
        range(1, len(migrations.MIGRATIONS) + 1)
    )


@pytest.mark.parametrize("version", [m.version for m in migrations.MIGRATIONS])
def test_upgrade_from_every_version(tmp_path: Path, version: int) -> None:
    path = tmp_path / "old.cmdesk"
    _file_at_version(path, version)

    with Workspace.open(path) as ws:
        assert migrations.current_version(ws.db) == migrations.LATEST
        profile = ws.profile()
        assert (profile.name, profile.slug, profile.colour) == ("Café Léa", "cafe-lea", "#aa3300")
        assert profile.keywords == ("croissant", "Léa")
        assert profile.notes == "Notes ✓"
        assert ws.get_setting("refresh") == 30
        history = [v for (v,) in ws.db.execute("SELECT version FROM schema_migrations")]
        assert history == [m.version for m in migrations.MIGRATIONS]
        if version >= 2:
            assert [e.action for e in ws.activity()] == ["client.updated"]
        if version >= 3:
            assert (profile.logo, profile.logo_mime) == (b"\x89PNG", "image/png")
        if version >= 4:
            found = ws.db.execute(
                "SELECT rowid FROM mention_fts WHERE mention_fts MATCH 'reclamation'"
            ).fetchall()
            assert found == [(7,)]
        if version >= 5:
            found = ws.db.execute(
                "SELECT rowid FROM mention_fts WHERE mention_fts MATCH 'elue'"
            ).fetchall()
            assert found == [(8,)]
        if version >= 6:
            found = ws.db.execute(
                "SELECT i.text, c.name, h.handle, t.name, it.tag FROM interaction i "
                "JOIN contact c ON c.id = i.contact_id JOIN team t ON t.id = i.team_id "
                "JOIN contact_handle h ON h.contact_id = c.id "
                "JOIN interaction_tag it ON it.interaction_id = i.id"
            ).fetchall()
            assert found == [("Colis jamais reçu", "Inès", "ines", "SAV", "livraison")]
            # Written before version 7, still waiting for an answer: overdue under the
            # default 24-hour target, through the new index.
            overdue = ws.interactions.page(InteractionFilter(overdue=True))
            assert [i.id for i in overdue] == [5]
        if version == 6:
            assert ws.escalation.targets()[0] == timedelta(hours=24)
            assert ws.rules.all() == [] and ws.replies.search() == []
        if version >= 7:
            rule = ws.rules.get(2)
            assert (rule.conditions.query, rule.actions.team_id, rule.stop) == ("colis", 1, True)
            assert [(r.title, r.uses) for r in ws.replies.search("EXCUSES")] == [("Excuses", 3)]
            assert [(r.type, r.tag, r.team_id) for r in ws.escalation.routes()] == [
                ("complaint", "livraison", 1)
            ]
            assert ws.escalation.targets()[1] == timedelta(hours=2)
            assert ws.playbook.get("tone") == "Vouvoyer."
        found = ws.db.execute(
            "SELECT rowid FROM interaction_fts WHERE interaction_fts MATCH 'recu'"
        ).fetchall()
        assert found == ([(5,)] if version >= 6 else [])
        if version >= 8:
            found = ws.db.execute(
                "SELECT rowid FROM interaction_fts WHERE interaction_fts MATCH 'reply:ouvert'"
            ).fetchall()
            assert found == [(6,)]
        if version == 8:  # the upgrade adds empty publishing tables
            assert ws.posts.page() == [] and ws.accounts.all() == []
        if version >= 9:
            _check_v9_data(ws)
            assert [ws.interactions.get(i).post_id for i in (5, 6)] == [None, 4]
        if version >= 11:
            [objective] = ws.objectives.all()
            assert (objective.metric, objective.params["minutes"]) == ("answered_within", 120)
            assert ws.figures.get("instagram", "followers", "2025-06") == 1520
        if version >= 12:
            [schedule] = ws.deliveries.schedules()
            assert (schedule.kind, schedule.target.name) == ("export", "SAV")
            # The send a crash cut off is to check, never sent again by itself.
            states = {r.period: r.state.value for r in ws.deliveries.log()}
            assert states == {"2025-W27": "sent", "2025-W28": "unknown"}
        if version == 12:  # the upgrade lets TikTok in, with its links intact
            tiktok = ws.accounts.add("tiktok", "", "fournil")
            assert tiktok.network.value == "tiktok"
            ws.posts.add_slot("tiktok", Slot(4, time(18, 0)))
        if version >= 13:
            assert ws.posts.variant(12).account_id == 3
            assert ws.accounts.get(3).display_name == "Fournil TikTok"
            recurrence = ws.posts.get(4).recurrence
            assert recurrence is not None and recurrence.first == datetime(2025, 1, 31, 9, 0)
        schema = _schema(ws.db)
        merges = ws.db.execute("SELECT v FROM mention_fts_config WHERE k = 'automerge'")
        assert merges.fetchall() == [(8,)]

    assert schema == _fresh_schema(tmp_path)


def _check_v9_data(ws: Workspace) -> None:
    post = ws.posts.get(4)
    assert (post.title, post.mention_id, post.zone) == ("Galette", 7, "Europe/Paris")
    assert post.wall_time == datetime(2025, 6, 2, 9, 0)
    assert post.recurrence is not None and post.recurrence.frequency is Frequency.WEEKLY
    # Opening the file recovered the attempt a crash cut off: unknown, never sent again.
    mastodon, bluesky = post.variants[:2]
    assert (mastodon.state, mastodon.url) == (
        VariantState.PUBLISHED,
        "https://mastodon.social/@lea/111",
    )
    assert bluesky.state is VariantState.UNKNOWN and post.state is PostState.UNKNOWN
    assert [v.id for v in ws.posts.needing_check()] == [11]
    assert ws.posts.due(datetime(2030, 1, 1, tzinfo=UTC)) == []
    assert [h.action for h in ws.posts.history(4)] == ["scheduled", "recovered", "settled"]
    [image] = ws.posts.media(4, with_data=True)
    assert (image.alt, image.data) == ("Une galette", b"\x89PNG")
    assert [c.body for c in ws.posts.comments(4, for_client_only=True)] == ["Validé par Marc"]
    assert ws.posts.slots("mastodon") == [("mastodon", Slot(1, time(9, 0)))]
    assert [(a.display_name, a.secret_name) for a in ws.accounts.all()][:1] == [
        ("Léa", "account:acc-uid")
    ]


def test_failed_migration_leaves_the_previous_version(tmp_path: Path) -> None:
    path = tmp_path / "old.cmdesk"
    _file_at_version(path, 1)

    def broken(db: sqlite3.Connection) -> None:
        db.execute("CREATE TABLE half_done (x)")
        raise RuntimeError("power cut")

    steps = (*migrations.MIGRATIONS[:1], migrations.Migration(2, "broken", broken))
    db = connect(path)
    with pytest.raises(RuntimeError, match="power cut"):
        migrations.migrate(db, migrations=steps)
    assert migrations.current_version(db) == 1
    tables = {n for (n,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "half_done" not in tables
    assert db.execute("SELECT count(*) FROM schema_migrations").fetchone()[0] == 1
    db.close()

    # The real migrations still apply afterwards.
    with Workspace.open(path) as ws:
        assert migrations.current_version(ws.db) == migrations.LATEST


def test_file_from_a_newer_cmdesk_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "new.cmdesk"
    Workspace.create(path, ClientProfile(name="Future", slug="future")).close()
    db = connect(path)
    db.execute(f"PRAGMA user_version = {migrations.LATEST + 1}")
    db.close()
    before = path.read_bytes()

    with pytest.raises(WorkspaceTooNew, match="newer cmdesk"):
        Workspace.open(path)
    assert path.read_bytes() == before
    # The refusal released the lock: the file can be opened again once cmdesk is updated.
    db = connect(path)
    db.execute(f"PRAGMA user_version = {migrations.LATEST}")
    db.close()
    Workspace.open(path).close()


def test_open_sets_the_pragmas(tmp_path: Path) -> None:
    path = tmp_path / "p.cmdesk"
    with Workspace.create(path, ClientProfile(name="P", slug="p")) as ws:
        assert ws.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert ws.db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert ws.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
