"""Schema migrations: forward-only, each one atomic with its version record.

`PRAGMA user_version` is the version of record; SQLite keeps it in the database
header, inside the same transaction as the DDL, so a crash mid-migration leaves
the previous version intact. `schema_migrations` keeps a readable history.
Never edit a released migration: add a new one.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    apply: Callable[[sqlite3.Connection], None]


def _v1_client_and_settings(db: sqlite3.Connection) -> None:
    db.execute(
        """CREATE TABLE client (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            uid TEXT NOT NULL,
            name TEXT NOT NULL,
            slug TEXT NOT NULL,
            language TEXT NOT NULL DEFAULT 'fr',
            timezone TEXT NOT NULL DEFAULT 'Europe/Paris',
            sector TEXT NOT NULL DEFAULT '',
            keywords TEXT NOT NULL DEFAULT '[]',
            colour TEXT NOT NULL DEFAULT '#2f6f9f',
            notes TEXT NOT NULL DEFAULT '',
            archived INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )"""
    )
    db.execute("CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)")


def _v2_activity(db: sqlite3.Connection) -> None:
    # Who changed what and when: later sections (posts, interactions) append here too.
    db.execute(
        """CREATE TABLE activity (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            actor TEXT NOT NULL DEFAULT '',
            action TEXT NOT NULL,
            detail TEXT NOT NULL DEFAULT ''
        )"""
    )
    db.execute("CREATE INDEX activity_at ON activity(at)")


def _v3_logo(db: sqlite3.Connection) -> None:
    # The logo lives in the file so a copied workspace carries its branding.
    db.execute("ALTER TABLE client ADD COLUMN logo BLOB")
    db.execute("ALTER TABLE client ADD COLUMN logo_mime TEXT NOT NULL DEFAULT ''")


def _v4_monitoring(db: sqlite3.Connection) -> None:
    db.execute(
        """CREATE TABLE source (
            id INTEGER PRIMARY KEY,
            url TEXT NOT NULL UNIQUE,
            title TEXT NOT NULL DEFAULT '',
            site_url TEXT NOT NULL DEFAULT '',
            preset TEXT NOT NULL DEFAULT '',
            category TEXT NOT NULL DEFAULT '',
            refresh_minutes INTEGER NOT NULL DEFAULT 30 CHECK (refresh_minutes >= 5),
            user_agent TEXT NOT NULL DEFAULT '',
            enabled INTEGER NOT NULL DEFAULT 1,
            paused INTEGER NOT NULL DEFAULT 0,
            etag TEXT NOT NULL DEFAULT '',
            last_modified TEXT NOT NULL DEFAULT '',
            last_attempt_at TEXT,
            last_success_at TEXT,
            last_error TEXT NOT NULL DEFAULT '',
            failures INTEGER NOT NULL DEFAULT 0,
            next_refresh_at TEXT,
            created_at TEXT NOT NULL
        )"""
    )
    # The id is time-ordered (published second << 20 | n): "newest first" is rowid order,
    # which FTS5 walks in ~3 ms at a million rows where ORDER BY a date column takes 150+.
    db.execute(
        """CREATE TABLE mention (
            id INTEGER PRIMARY KEY,
            url TEXT NOT NULL DEFAULT '',
            title TEXT NOT NULL DEFAULT '',
            title_key TEXT NOT NULL DEFAULT '',
            site TEXT NOT NULL DEFAULT '',
            author TEXT NOT NULL DEFAULT '',
            source TEXT NOT NULL DEFAULT '',
            published_at TEXT NOT NULL,
            fetched_at TEXT NOT NULL,
            html TEXT NOT NULL DEFAULT '',
            text TEXT NOT NULL DEFAULT '',
            language TEXT NOT NULL DEFAULT '',
            sentiment TEXT NOT NULL DEFAULT '',
            sentiment_reason TEXT NOT NULL DEFAULT '',
            sentiment_by_user INTEGER NOT NULL DEFAULT 0,
            priority INTEGER NOT NULL DEFAULT 0,
            read INTEGER NOT NULL DEFAULT 0,
            starred INTEGER NOT NULL DEFAULT 0,
            archived INTEGER NOT NULL DEFAULT 0
        )"""
    )
    db.execute("CREATE INDEX mention_url ON mention(url) WHERE url != ''")
    # The default list (not archived, newest first) read from a small index instead of the
    # wide mention rows: the first page of a million-mention client costs a few pages of
    # disk, not hundreds, when the file is not in the OS cache yet (a laptop's first start).
    db.execute("CREATE INDEX mention_inbox ON mention(archived, id)")
    db.execute("CREATE INDEX mention_unread ON mention(read, archived, id)")
    db.execute("CREATE INDEX mention_title ON mention(title_key, site) WHERE title_key != ''")
    db.execute(
        """CREATE TABLE mention_source (
            source_id INTEGER NOT NULL REFERENCES source(id) ON DELETE CASCADE,
            guid TEXT NOT NULL,
            mention_id INTEGER NOT NULL REFERENCES mention(id) ON DELETE CASCADE,
            link TEXT NOT NULL DEFAULT '',
            seen_at TEXT NOT NULL,
            PRIMARY KEY (source_id, guid)
        ) WITHOUT ROWID"""
    )
    db.execute("CREATE INDEX mention_source_mention ON mention_source(mention_id)")
    db.execute(
        "CREATE TABLE tag (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE COLLATE NOCASE)"
    )
    db.execute(
        # Columns in primary-key order: SQLite 3.40's quick_check wrongly reports NULLs in
        # WITHOUT ROWID tables whose key columns are declared in another order.
        """CREATE TABLE mention_tag (
            tag_id INTEGER NOT NULL REFERENCES tag(id) ON DELETE CASCADE,
            mention_id INTEGER NOT NULL REFERENCES mention(id) ON DELETE CASCADE,
            PRIMARY KEY (tag_id, mention_id)
        ) WITHOUT ROWID"""
    )
    db.execute("CREATE INDEX mention_tag_mention ON mention_tag(mention_id)")
    db.execute(
        """CREATE TABLE topic (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE COLLATE NOCASE,
            query TEXT NOT NULL,
            priority INTEGER NOT NULL DEFAULT 0,
            enabled INTEGER NOT NULL DEFAULT 1,
            created_at TEXT NOT NULL
        )"""
    )
    # topic first: counting a topic's mentions over a period is a range scan, ids being
    # time-ordered.
    db.execute(
        """CREATE TABLE mention_topic (
            topic_id INTEGER NOT NULL REFERENCES topic(id) ON DELETE CASCADE,
            mention_id INTEGER NOT NULL REFERENCES mention(id) ON DELETE CASCADE,
            PRIMARY KEY (topic_id, mention_id)
        ) WITHOUT ROWID"""
    )
    db.execute("CREATE INDEX mention_topic_mention ON mention_topic(mention_id)")
    db.execute(
        """CREATE TABLE alert (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL,
            topic_id INTEGER REFERENCES topic(id) ON DELETE SET NULL,
            title TEXT NOT NULL,
            detail TEXT NOT NULL DEFAULT '',
            evidence TEXT NOT NULL DEFAULT '[]',
            raised_at TEXT NOT NULL,
            acknowledged_at TEXT
        )"""
    )
    # Every word ever indexed, for search-as-you-type: the word being typed is expanded to
    # the known words it starts ("boulang" -> "boulangerie", "boulanger"), each an exact
    # FTS5 term (~0.2 ms), instead of an FTS5 prefix query (30-90 ms at a million rows).
    db.execute("CREATE TABLE search_term (term TEXT PRIMARY KEY) WITHOUT ROWID")
    # Full-text index over the mention table itself (external content: no second copy of
    # the text); diacritics folded so "reclamation" finds "réclamation".
    db.execute(
        """CREATE VIRTUAL TABLE mention_fts USING fts5(
            title, text, author, source,
            content='mention', content_rowid='id',
            tokenize='unicode61 remove_diacritics 2'
        )"""
    )
    db.execute(
        """CREATE TRIGGER mention_fts_insert AFTER INSERT ON mention BEGIN
            INSERT INTO mention_fts(rowid, title, text, author, source)
            VALUES (new.id, new.title, new.text, new.author, new.source);
        END"""
    )
    db.execute(
        """CREATE TRIGGER mention_fts_delete AFTER DELETE ON mention BEGIN
            INSERT INTO mention_fts(mention_fts, rowid, title, text, author, source)
            VALUES ('delete', old.id, old.title, old.text, old.author, old.source);
        END"""
    )
    db.execute(
        """CREATE TRIGGER mention_fts_update AFTER UPDATE OF title, text, author, source
        ON mention BEGIN
            INSERT INTO mention_fts(mention_fts, rowid, title, text, author, source)
            VALUES ('delete', old.id, old.title, old.text, old.author, old.source);
            INSERT INTO mention_fts(rowid, title, text, author, source)
            VALUES (new.id, new.title, new.text, new.author, new.source);
        END"""
    )


def _v5_index_mentions_in_bulk(db: sqlite3.Connection) -> None:
    # New mentions are indexed by the store itself, in one statement per refresh batch
    # (Mentions.record_refreshes): through the row trigger each insert cost three times
    # as much, and a cold refresh of hundreds of feeds spent most of its time there.
    # Updates and deletes keep their triggers. Whatever inserts mentions must index them.
    db.execute("DROP TRIGGER mention_fts_insert")


def _v6_interactions(db: sqlite3.Connection) -> None:
    # Enumerations are CHECKed here as well as in core: a row written by a script or a
    # later version with a typo must fail loudly, not vanish from every filter.
    db.execute(
        """CREATE TABLE team (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE COLLATE NOCASE,
            kind TEXT NOT NULL DEFAULT 'other' CHECK (kind IN ('customer_service',
                'marketing', 'product', 'pr', 'management', 'other')),
            email TEXT NOT NULL DEFAULT '',
            webhook_url TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL
        )"""
    )
    # erased_at marks a contact whose personal data was removed on request: the row stays
    # so the erasure record and statistics keep their reference.
    db.execute(
        """CREATE TABLE contact (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL DEFAULT '',
            email TEXT NOT NULL DEFAULT '',
            notes TEXT NOT NULL DEFAULT '',
            consent_notes TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            erased_at TEXT
        )"""
    )
    # Columns in primary-key order (see mention_tag in version 4: SQLite 3.40's quick_check).
    # Handles are stored folded (lower case, no "@"): matching a pasted handle is a key lookup.
    db.execute(
        """CREATE TABLE contact_handle (
            network TEXT NOT NULL,
            handle TEXT NOT NULL,
            contact_id INTEGER NOT NULL REFERENCES contact(id) ON DELETE CASCADE,
            PRIMARY KEY (network, handle)
        ) WITHOUT ROWID"""
    )
    db.execute("CREATE INDEX contact_handle_contact ON contact_handle(contact_id)")
    db.execute(
        """CREATE TABLE contact_tag (
            contact_id INTEGER NOT NULL REFERENCES contact(id) ON DELETE CASCADE,
            tag TEXT NOT NULL COLLATE NOCASE,
            PRIMARY KEY (contact_id, tag)
        ) WITHOUT ROWID"""
    )
    db.execute(
        """CREATE TABLE interaction (
            id INTEGER PRIMARY KEY,
            channel TEXT NOT NULL,
            direction TEXT NOT NULL DEFAULT 'in' CHECK (direction IN ('in', 'out')),
            visibility TEXT NOT NULL DEFAULT 'public'
                CHECK (visibility IN ('public', 'private')),
            contact_id INTEGER REFERENCES contact(id) ON DELETE SET NULL,
            occurred_at TEXT NOT NULL,
            text TEXT NOT NULL DEFAULT '',
            link TEXT NOT NULL DEFAULT '',
            type TEXT NOT NULL DEFAULT 'other' CHECK (type IN ('complaint', 'question',
                'praise', 'suggestion', 'crisis', 'other')),
            sentiment TEXT NOT NULL DEFAULT '',
            sentiment_reason TEXT NOT NULL DEFAULT '',
            sentiment_by_user INTEGER NOT NULL DEFAULT 0,
            language TEXT NOT NULL DEFAULT '',
            priority INTEGER NOT NULL DEFAULT 0 CHECK (priority BETWEEN 0 AND 2),
            status TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'in_progress',
                'waiting_team', 'answered', 'closed')),
            team_id INTEGER REFERENCES team(id) ON DELETE SET NULL,
            mention_id INTEGER REFERENCES mention(id) ON DELETE SET NULL,
            post_id INTEGER,
            reply TEXT NOT NULL DEFAULT '',
            first_response_at TEXT,
            resolved_at TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )"""
    )
    # The triage inbox: one state, newest first.
    db.execute("CREATE INDEX interaction_inbox ON interaction(status, occurred_at)")
    db.execute("CREATE INDEX interaction_contact ON interaction(contact_id, occurred_at)")
    db.execute("CREATE INDEX interaction_team ON interaction(team_id) WHERE team_id IS NOT NULL")
    db.execute(
        "CREATE INDEX interaction_mention ON interaction(mention_id) WHERE mention_id IS NOT NULL"
    )
    db.execute(
        """CREATE TABLE interaction_tag (
            interaction_id INTEGER NOT NULL REFERENCES interaction(id) ON DELETE CASCADE,
            tag TEXT NOT NULL COLLATE NOCASE,
            PRIMARY KEY (interaction_id, tag)
        ) WITHOUT ROWID"""
    )
    # The proof that a personal-data erasure was done (GDPR article 17): no personal data
    # in it, only which contact row, when, and the user's note (e.g. "request by e-mail").
    db.execute(
        """CREATE TABLE erasure (
            id INTEGER PRIMARY KEY,
            contact_id INTEGER NOT NULL,
            erased_at TEXT NOT NULL,
            by_note TEXT NOT NULL DEFAULT ''
        )"""
    )


def _v7_rules_replies_playbook(db: sqlite3.Connection) -> None:
    # Automatic rules for new interactions, applied in `position` order. Conditions and
    # actions are JSON objects (core.rules reads and checks them): the rule builder adds
    # kinds of conditions without a migration each time.
    db.execute(
        """CREATE TABLE rule (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            position INTEGER NOT NULL,
            enabled INTEGER NOT NULL DEFAULT 1,
            stop INTEGER NOT NULL DEFAULT 0,
            conditions TEXT NOT NULL DEFAULT '{}',
            actions TEXT NOT NULL DEFAULT '{}',
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )"""
    )
    db.execute("CREATE INDEX rule_position ON rule(position, id)")
    # search_key: title and body folded (lower case, no accents), so "reponse" finds
    # "Réponse" with a plain LIKE over a few hundred rows.
    db.execute(
        """CREATE TABLE canned_reply (
            id INTEGER PRIMARY KEY,
            title TEXT NOT NULL,
            language TEXT NOT NULL DEFAULT 'fr',
            body TEXT NOT NULL,
            search_key TEXT NOT NULL DEFAULT '',
            uses INTEGER NOT NULL DEFAULT 0,
            last_used_at TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )"""
    )
    # The escalation matrix: a type (optionally narrowed to a topic or an interaction tag)
    # goes to a team. A removed topic or team takes its lines with it.
    db.execute(
        """CREATE TABLE escalation (
            id INTEGER PRIMARY KEY,
            type TEXT NOT NULL CHECK (type IN ('complaint', 'question', 'praise',
                'suggestion', 'crisis', 'other')),
            topic_id INTEGER REFERENCES topic(id) ON DELETE CASCADE,
            tag TEXT NOT NULL DEFAULT '' COLLATE NOCASE,
            team_id INTEGER NOT NULL REFERENCES team(id) ON DELETE CASCADE
        )"""
    )
    # One line per (type, topic, tag): NULL topics compare equal here, unlike in UNIQUE.
    db.execute("CREATE UNIQUE INDEX escalation_key ON escalation(type, ifnull(topic_id, 0), tag)")
    # Response-time targets per priority (0 normal, 1 important, 2 urgent), in minutes of
    # elapsed time: 24 hours, 4 hours and 1 hour until the user changes them.
    db.execute(
        """CREATE TABLE response_target (
            priority INTEGER PRIMARY KEY CHECK (priority BETWEEN 0 AND 2),
            minutes INTEGER NOT NULL CHECK (minutes > 0)
        )"""
    )
    db.execute("INSERT INTO response_target(priority, minutes) VALUES (0, 1440), (1, 240), (2, 60)")
    # The "overdue" inbox filter walks only interactions still waiting for a first answer,
    # newest first as the inbox shows them, and stops at a page: ~1 ms at 100,000
    # interactions of which 10,000 unanswered (counting them all: ~15 ms).
    db.execute(
        "CREATE INDEX interaction_unanswered ON interaction(occurred_at) "
        "WHERE first_response_at IS NULL"
    )
    # The playbook: one Markdown text per section (tone, do and don't, FAQ, crisis, who to
    # call); the matrix and the teams come from their own tables when it is exported.
    db.execute(
        """CREATE TABLE playbook_section (
            key TEXT PRIMARY KEY,
            body TEXT NOT NULL DEFAULT '',
            updated_at TEXT NOT NULL
        ) WITHOUT ROWID"""
    )


def _v8_interaction_search(db: sqlite3.Connection) -> None:
    # Words in an interaction's text, reply or link, found through a full-text index
    # (diacritics folded, word prefixes) instead of a scan of every row: 40-480 ms at
    # 100,000 interactions before, a few ms with it. Kept by triggers: interactions are
    # written one by one or by imports, never in the bulk a refresh writes mentions in.
    db.execute(
        """CREATE VIRTUAL TABLE interaction_fts USING fts5(
            text, reply, link,
            content='interaction', content_rowid='id',
            tokenize='unicode61 remove_diacritics 2'
        )"""
    )
    db.execute("INSERT INTO interaction_fts(interaction_fts) VALUES ('rebuild')")
    db.execute(
        """CREATE TRIGGER interaction_fts_insert AFTER INSERT ON interaction BEGIN
            INSERT INTO interaction_fts(rowid, text, reply, link)
            VALUES (new.id, new.text, new.reply, new.link);
        END"""
    )
    db.execute(
        """CREATE TRIGGER interaction_fts_delete AFTER DELETE ON interaction BEGIN
            INSERT INTO interaction_fts(interaction_fts, rowid, text, reply, link)
            VALUES ('delete', old.id, old.text, old.reply, old.link);
        END"""
    )
    db.execute(
        """CREATE TRIGGER interaction_fts_update AFTER UPDATE OF text, reply, link
        ON interaction BEGIN
            INSERT INTO interaction_fts(interaction_fts, rowid, text, reply, link)
            VALUES ('delete', old.id, old.text, old.reply, old.link);
            INSERT INTO interaction_fts(rowid, text, reply, link)
            VALUES (new.id, new.text, new.reply, new.link);
        END"""
    )
    # A list narrowed by type, channel or words is read newest first through this index,
    # which stops at the page instead of sorting every match.
    db.execute("CREATE INDEX interaction_time ON interaction(occurred_at, id)")


def _v9_posts(db: sqlite3.Connection) -> None:
    # Publishing accounts: nothing secret here. The token or application password is one
    # keyring entry named after `uid` (store.secrets), so a workspace file handed to the
    # client carries no credential. server: the instance, PDS or site's base address;
    # username: the handle; label: the user's own name for the account.
    db.execute(
        """CREATE TABLE account (
            id INTEGER PRIMARY KEY,
            uid TEXT NOT NULL UNIQUE,
            network TEXT NOT NULL CHECK (network IN ('mastodon', 'bluesky', 'wordpress',
                'x', 'linkedin', 'instagram', 'facebook')),
            server TEXT NOT NULL DEFAULT '',
            username TEXT NOT NULL DEFAULT '',
            label TEXT NOT NULL DEFAULT '',
            remote_id TEXT NOT NULL DEFAULT '',
            options TEXT NOT NULL DEFAULT '{}',
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )"""
    )
    # A post's time is kept three ways (core.schedule): the UTC instant that decides when
    # it is due, the IANA zone it was chosen in, and the wall-clock time shown then, so a
    # recurring post keeps its 09:00 across daylight-saving changes. No time: an idea
    # without a date. mention_id: the mention it was drafted from.
    db.execute(
        """CREATE TABLE post (
            id INTEGER PRIMARY KEY,
            title TEXT NOT NULL DEFAULT '',
            text TEXT NOT NULL DEFAULT '',
            link TEXT NOT NULL DEFAULT '',
            first_comment TEXT NOT NULL DEFAULT '',
            state TEXT NOT NULL DEFAULT 'draft' CHECK (state IN ('idea', 'draft', 'in_review',
                'changes_requested', 'approved', 'scheduled', 'publishing', 'published',
                'failed', 'unknown')),
            scheduled_at TEXT,
            zone TEXT NOT NULL DEFAULT '',
            wall_time TEXT,
            recurrence TEXT NOT NULL DEFAULT ''
                CHECK (recurrence IN ('', 'daily', 'weekly', 'monthly')),
            recurrence_interval INTEGER NOT NULL DEFAULT 1 CHECK (recurrence_interval >= 1),
            evergreen INTEGER NOT NULL DEFAULT 0,
            mention_id INTEGER REFERENCES mention(id) ON DELETE SET NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            CHECK ((scheduled_at IS NULL) = (wall_time IS NULL)),
            CHECK (scheduled_at IS NULL OR zone != ''),
            CHECK (scheduled_at IS NOT NULL OR state != 'scheduled')
        )"""
    )
    # The calendar reads a month or a week of posts by time; lists filter by state.
    db.execute("CREATE INDEX post_time ON post(scheduled_at) WHERE scheduled_at IS NOT NULL")
    db.execute("CREATE INDEX post_state ON post(state, scheduled_at)")
    db.execute("CREATE INDEX post_mention ON post(mention_id) WHERE mention_id IS NOT NULL")
    # One row per channel (and account) a post goes to, each with its own publication
    # state: Mastodon may take a post Bluesky refuses. text NULL: the post's main text.
    # due_at is when the runner sends it (the post's time, or a retry's after a transient
    # error); claimed_at and attempts are written by the claim, committed before the
    # network is called; the idempotency key is made once and sent with every attempt so
    # the network can tell a retry from a second post.
    db.execute(
        """CREATE TABLE post_variant (
            id INTEGER PRIMARY KEY,
            post_id INTEGER NOT NULL REFERENCES post(id) ON DELETE CASCADE,
            channel TEXT NOT NULL CHECK (channel IN ('mastodon', 'bluesky', 'wordpress',
                'x', 'linkedin', 'instagram', 'facebook')),
            account_id INTEGER REFERENCES account(id) ON DELETE SET NULL,
            text TEXT,
            extras TEXT NOT NULL DEFAULT '{}',
            state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'publishing',
                'published', 'failed', 'unknown')),
            due_at TEXT,
            remote_id TEXT NOT NULL DEFAULT '',
            url TEXT NOT NULL DEFAULT '',
            error TEXT NOT NULL DEFAULT '',
            attempts INTEGER NOT NULL DEFAULT 0,
            claimed_at TEXT,
            published_at TEXT,
            idempotency_key TEXT NOT NULL UNIQUE,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )"""
    )
    # NULL accounts compare equal here, unlike in UNIQUE: one variant per channel and
    # account (two Mastodon accounts may each get the post).
    db.execute(
        "CREATE UNIQUE INDEX post_variant_key "
        "ON post_variant(post_id, channel, ifnull(account_id, 0))"
    )
    db.execute(
        "CREATE INDEX post_variant_account ON post_variant(account_id) WHERE account_id IS NOT NULL"
    )
    # "What is due": the runner's poll reads only waiting variants, in time order.
    db.execute("CREATE INDEX post_variant_due ON post_variant(due_at) WHERE state = 'pending'")
    # Variants being sent or waiting for the user's check: read at every opening to find
    # the ones a crash left behind, and for the "check these" list.
    db.execute(
        "CREATE INDEX post_variant_open ON post_variant(state) "
        "WHERE state IN ('publishing', 'unknown')"
    )
    # Images live in the file so the workspace stays self-contained; `position` orders
    # them as the networks will show them.
    db.execute(
        """CREATE TABLE post_media (
            id INTEGER PRIMARY KEY,
            post_id INTEGER NOT NULL REFERENCES post(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            mime TEXT NOT NULL,
            alt TEXT NOT NULL DEFAULT '',
            filename TEXT NOT NULL DEFAULT '',
            size INTEGER NOT NULL,
            data BLOB NOT NULL,
            created_at TEXT NOT NULL
        )"""
    )
    db.execute("CREATE INDEX post_media_post ON post_media(post_id, position)")
    # Every change of a post (who, when, what), including the runner's claims and the
    # recoveries after a crash; a variant's rows name it.
    db.execute(
        """CREATE TABLE post_history (
            id INTEGER PRIMARY KEY,
            post_id INTEGER NOT NULL REFERENCES post(id) ON DELETE CASCADE,
            variant_id INTEGER REFERENCES post_variant(id) ON DELETE SET NULL,
            at TEXT NOT NULL,
            actor TEXT NOT NULL DEFAULT '',
            action TEXT NOT NULL,
            from_state TEXT NOT NULL DEFAULT '',
            to_state TEXT NOT NULL DEFAULT '',
            detail TEXT NOT NULL DEFAULT ''
        )"""
    )
    db.execute("CREATE INDEX post_history_post ON post_history(post_id, id)")
    db.execute(
        "CREATE INDEX post_history_variant ON post_history(variant_id) WHERE variant_id IS NOT NULL"
    )
    db.execute(
        """CREATE TABLE post_comment (
            id INTEGER PRIMARY KEY,
            post_id INTEGER NOT NULL REFERENCES post(id) ON DELETE CASCADE,
            at TEXT NOT NULL,
            author TEXT NOT NULL DEFAULT '',
            body TEXT NOT NULL,
            for_client INTEGER NOT NULL DEFAULT 0
        )"""
    )
    db.execute("CREATE INDEX post_comment_post ON post_comment(post_id, id)")
    # Posting slots per channel ("Tue 09:00"), local wall-clock times in the client's zone.
    db.execute(
        """CREATE TABLE posting_slot (
            channel TEXT NOT NULL CHECK (channel IN ('mastodon', 'bluesky', 'wordpress',
                'x', 'linkedin', 'instagram', 'facebook')),
            weekday INTEGER NOT NULL CHECK (weekday BETWEEN 0 AND 6),
            at TEXT NOT NULL,
            PRIMARY KEY (channel, weekday, at)
        ) WITHOUT ROWID"""
    )


def _v10_interaction_post(db: sqlite3.Connection) -> None:
    # An interaction about one of the client's posts (a comment under it, a reply to it)
    # links to the post; the column came with version 6, before posts existed. Ids left
    # by nothing are cleared, a deleted post unlinks its interactions, and the post's
    # comments are found through the index.
    db.execute(
        "UPDATE interaction SET post_id = NULL "
        "WHERE post_id IS NOT NULL AND post_id NOT IN (SELECT id FROM post)"
    )
    db.execute("CREATE INDEX interaction_post ON interaction(post_id) WHERE post_id IS NOT NULL")
    db.execute(
        """CREATE TRIGGER post_delete_unlinks_interactions AFTER DELETE ON post BEGIN
            UPDATE interaction SET post_id = NULL WHERE post_id = old.id;
        END"""
    )


def _v11_objectives_and_figures(db: sqlite3.Connection) -> None:
    # What the client is promised ("90 % of complaints answered within 2 h"), measured
    # from the workspace or from the figures below. `params` is JSON (core.objectives).
    db.execute(
        """CREATE TABLE objective (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            metric TEXT NOT NULL,
            target REAL NOT NULL,
            params TEXT NOT NULL DEFAULT '{}',
            position INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )"""
    )
    # Figures no API gives (followers, reach, engagement), one value per network, kind
    # and month: typed in a monthly table or imported from the networks' CSV exports.
    db.execute(
        """CREATE TABLE monthly_figure (
            network TEXT NOT NULL,
            metric TEXT NOT NULL,
            month TEXT NOT NULL CHECK (month GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]'),
            value REAL NOT NULL,
            source TEXT NOT NULL DEFAULT '',
            updated_at TEXT NOT NULL,
            PRIMARY KEY (network, metric, month)
        ) WITHOUT ROWID"""
    )


def _v12_deliveries(db: sqlite3.Connection) -> None:
    # What cmdesk sends on its own: schedules (a kind of document, for a team or the
    # client, by e-mail or webhook, every day/week/month at a wall-clock time) and the
    # send log. A team's schedules go with the team; the log outlives its schedule
    # (SET NULL) and keeps what was sent, to whom and how, as it was then.
    db.execute(
        """CREATE TABLE delivery_schedule (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL,
            team_id INTEGER REFERENCES team(id) ON DELETE CASCADE,
            channel TEXT NOT NULL CHECK (channel IN ('email', 'webhook')),
            address TEXT NOT NULL DEFAULT '',
            webhook_format TEXT NOT NULL DEFAULT '',
            frequency TEXT NOT NULL CHECK (frequency IN ('daily', 'weekly', 'monthly')),
            day INTEGER NOT NULL DEFAULT 0,
            at TEXT NOT NULL,
            options TEXT NOT NULL DEFAULT '{}',
            enabled INTEGER NOT NULL DEFAULT 1,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )"""
    )
    db.execute("CREATE INDEX delivery_schedule_team ON delivery_schedule(team_id)")
    # One row per period of a schedule: the UNIQUE key is what keeps a period from being
    # sent twice, whatever two processes try. `sending` is committed before the network
    # call; a row found `sending` by the next opening was cut off and becomes `unknown`.
    db.execute(
        """CREATE TABLE delivery_log (
            id INTEGER PRIMARY KEY,
            schedule_id INTEGER REFERENCES delivery_schedule(id) ON DELETE SET NULL,
            kind TEXT NOT NULL,
            period TEXT NOT NULL,
            period_start TEXT NOT NULL,
            period_end TEXT NOT NULL,
            target TEXT NOT NULL,
            channel TEXT NOT NULL,
            address TEXT NOT NULL DEFAULT '',
            state TEXT NOT NULL
                CHECK (state IN ('sending', 'sent', 'failed', 'unknown', 'skipped')),
            attempts INTEGER NOT NULL DEFAULT 0,
            due_at TEXT,
            claimed_at TEXT,
            finished_at TEXT,
            retry_at TEXT,
            error TEXT NOT NULL DEFAULT '',
            detail TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            UNIQUE (schedule_id, period)
        )"""
    )
    db.execute(
        "CREATE INDEX delivery_log_open ON delivery_log(state) "
        "WHERE state IN ('sending', 'failed', 'unknown')"
    )
    db.execute("CREATE INDEX delivery_log_updated ON delivery_log(updated_at)")


_PUBLISHING_TABLES = ("account", "post_variant", "posting_slot")


def _v13_tiktok_and_series(db: sqlite3.Connection) -> None:
    # TikTok joins the assisted networks. Its name is added to the CHECK constraints of
    # the three tables that name networks by editing their stored definition, SQLite's
    # documented way to loosen a CHECK (sqlite.org/lang_altertable.html, "other kinds of
    # table schema changes"): rebuilding the tables would fire the ON DELETE actions of
    # the keys that point at them (accounts and variants) and lose those links. Existing
    # rows already satisfy the wider constraint, and nothing on disk changes but the text.
    old = "'x', 'linkedin', 'instagram', 'facebook')"
    new = "'x', 'linkedin', 'instagram', 'facebook', 'tiktok')"
    version = int(db.execute("PRAGMA schema_version").fetchone()[0])
    db.execute("PRAGMA writable_schema = ON")
    try:
        marks = ",".join("?" * len(_PUBLISHING_TABLES))
        changed = db.execute(
            f"UPDATE sqlite_master SET sql = replace(sql, ?, ?) "
            f"WHERE type = 'table' AND name IN ({marks}) AND instr(sql, ?) > 0",
            (old, new, *_PUBLISHING_TABLES, old),
        ).rowcount
        if changed != len(_PUBLISHING_TABLES):
            raise sqlite3.DatabaseError("unexpected publishing tables: not migrated")
        db.execute(f"PRAGMA schema_version = {version + 1}")
    finally:
        db.execute("PRAGMA writable_schema = OFF")
    # The first wall-clock time of a repeated post's series: each occurrence is a new post
    # (the published one stays as it went out), and the next is computed from the first,
    # so "every month on the 31st" or "daily at 02:30" does not drift after a short month
    # or a daylight-saving gap. NULL: the post's own wall_time starts the series.
    db.execute("ALTER TABLE post ADD COLUMN series_first TEXT")


def _v14_fewer_search_index_merges(db: sqlite3.Connection) -> None:
    # Each refresh transaction writes its new mentions' full-text index as a new segment,
    # and FTS5 merges segments once 4 of a size pile up (its default), rewriting the same
    # entries again and again during a large refresh. Merging 8 at a time does a sixth
    # less of the writer's work in a cold refresh of 500 sources, and a search reads at
    # most twice as many segments per size (still well under a millisecond a word).
    db.execute("INSERT INTO mention_fts(mention_fts, rank) VALUES ('automerge', 8)")


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "client profile and settings", _v1_client_and_settings),
    Migration(2, "activity log", _v2_activity),
    Migration(3, "client logo", _v3_logo),
    Migration(4, "monitoring: sources, mentions, topics, alerts, search", _v4_monitoring),
    Migration(5, "mentions indexed for search in bulk", _v5_index_mentions_in_bulk),
    Migration(6, "interactions, contacts and teams", _v6_interactions),
    Migration(7, "rules, canned replies, escalation matrix, playbook", _v7_rules_replies_playbook),
    Migration(8, "interactions indexed for search", _v8_interaction_search),
    Migration(9, "posts, variants, media, history, accounts, posting slots", _v9_posts),
    Migration(10, "interactions linked to posts", _v10_interaction_post),
    Migration(11, "objectives and monthly figures", _v11_objectives_and_figures),
    Migration(12, "deliveries", _v12_deliveries),
    Migration(13, "TikTok; the first time of a repeated post's series", _v13_tiktok_and_series),
    Migration(14, "fewer merges of the mentions' search index", _v14_fewer_search_index_merges),
)
LATEST = MIGRATIONS[-1].version


def current_version(db: sqlite3.Connection) -> int:
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def migrate(
    db: sqlite3.Connection,
    upto: int | None = None,
    migrations: Sequence[Migration] = MIGRATIONS,
) -> list[int]:
    """Apply pending migrations up to `upto` (default: all); returns the versions applied.

    `db` must be in autocommit mode (isolation_level=None) so that the explicit
    transactions below are the only ones.
    """
    target = migrations[-1].version if upto is None else upto
    applied: list[int] = []
    for migration in migrations:
        if migration.version <= current_version(db) or migration.version > target:
            continue
        db.execute("BEGIN IMMEDIATE")
        try:
            if migration.version == 1:
                db.execute(
                    "CREATE TABLE IF NOT EXISTS schema_migrations ("
                    "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
                )
            migration.apply(db)
            db.execute(
                "INSERT INTO schema_migrations(version, name, applied_at) VALUES (?, ?, ?)",
                (migration.version, migration.name, datetime.now(UTC).isoformat()),
            )
            db.execute(f"PRAGMA user_version = {int(migration.version)}")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")
        applied.append(migration.version)
    return applied
