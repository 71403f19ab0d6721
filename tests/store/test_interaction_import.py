"""CSV imports into a real workspace: all rows in one transaction or none, duplicates
skipped on re-import, contacts matched or created, cancel rolls back."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from cmdesk.core.client import ClientProfile
from cmdesk.core.csv_import import (
    ImportCancelled,
    ParsedRows,
    parse_rows,
    preview,
    propose_mapping,
    read_file,
    read_table,
)
from cmdesk.core.errors import InvalidData
from cmdesk.store.interaction_import import BrokenRows, import_rows
from cmdesk.store.workspace import Workspace
from csv_samples import DATA, export_line, write_export


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Workspace]:
    with Workspace.create(tmp_path / "lea.cmdesk", ClientProfile(name="Léa", slug="lea")) as w:
        yield w


def parsed_file(ws: Workspace, path: Path, **options: object) -> ParsedRows:
    table = read_file(path)
    return parse_rows(table, propose_mapping(table), ws.profile().zone, **options)  # type: ignore[arg-type]


def parsed_text(ws: Workspace, text: str) -> ParsedRows:
    table = read_table(text.encode(), name="inline.csv")
    return parse_rows(table, propose_mapping(table), ws.profile().zone)


def counts(ws: Workspace) -> tuple[int, int]:
    with ws.reading() as db:
        interactions = db.execute("SELECT count(*) FROM interaction").fetchone()[0]
        contacts = db.execute("SELECT count(*) FROM contact").fetchone()[0]
    return interactions, contacts


def test_french_export_imported_with_contacts_tags_and_the_files_judgement(
    ws: Workspace,
) -> None:
    report = import_rows(ws, parsed_file(ws, DATA / "fr_excel_cp1252.csv"))
    assert (report.rows, report.imported, report.duplicates, report.contacts_created) == (
        5, 5, 0, 5,
    )  # fmt: skip
    assert report.changes.interactions and report.changes.contacts
    items = sorted(ws.interactions.page(), key=lambda i: i.occurred_at)
    first = items[0]
    assert first.text.startswith("Colis jamais reçu ;")
    assert (first.channel, first.type, first.sentiment, first.sentiment_by_user) == (
        "facebook", "complaint", "negative", True,
    )  # fmt: skip
    assert ws.interactions.get(first.id).tags == ("colis", "livraison")
    assert first.occurred_at.isoformat() == "2026-03-03T07:12:00+00:00"  # 08:12 in Paris
    ines = ws.contacts.get(first.contact_id or 0)
    assert (ines.name, ines.handles) == ("Inès Martin", (("facebook", "ines_m"),))
    # "Noël Dupré" is a name, not a handle; the phone caller too.
    names = {ws.contacts.get(i.contact_id or 0).name for i in items}
    assert {"Noël Dupré", "Françoise Lefèvre"} <= names
    # The formula-like message is stored as the text it is.
    assert items[-1].text.startswith("=HYPERLINK(")
    assert ws.activity(1)[0].action == "interaction.imported"


def test_importing_the_same_file_again_adds_nothing(ws: Workspace) -> None:
    for name in ("fr_excel_cp1252.csv", "utf8_bom_platform.csv", "excel_unicode_text_utf16.txt"):
        first = import_rows(ws, parsed_file(ws, DATA / name))
        assert first.imported == first.rows
    before = counts(ws)
    for name in ("fr_excel_cp1252.csv", "utf8_bom_platform.csv", "excel_unicode_text_utf16.txt"):
        again = import_rows(ws, parsed_file(ws, DATA / name))
        assert (again.imported, again.duplicates, again.contacts_created) == (0, again.rows, 0)
        assert not again.changes.interactions
    assert counts(ws) == before


def test_duplicates_within_the_file_and_against_what_was_logged_by_hand(ws: Workspace) -> None:
    ws.interactions.add(
        "Déjà noté à la main", channel="facebook", link="https://www.facebook.com/p/1"
    )
    parsed = parsed_text(
        ws,
        "Date;Réseau;Auteur;Message;Lien\n"
        "01/03/2026 10:00;Facebook;@a;Même lien qu'à la main;https://www.facebook.com/p/1\n"
        "01/03/2026 10:05;Facebook;@b;Pas de lien;\n"
        "01/03/2026 10:05;Facebook;@b;Pas  de lien;\n"  # same minute, text, author
        "01/03/2026 10:06;Facebook;@b;Pas de lien;\n"  # another minute: another message
        "01/03/2026 10:05;Facebook;@c;Pas de lien;\n"  # another author
        "01/03/2026 10:05;Instagram;@b;Pas de lien;\n"  # another channel
        "01/03/2026 11:00;Facebook;@d;Lien répété;https://www.facebook.com/p/2\n"
        "02/03/2026 11:00;Facebook;@e;Autre texte;https://www.facebook.com/p/2\n",
    )
    report = import_rows(ws, parsed)
    assert (report.imported, report.duplicates, report.duplicate_rows) == (5, 3, [2, 4, 9])
    # The duplicate's author was not created as a contact: @a only ever appears there.
    assert ws.contacts.find("@a") is None
    assert report.contacts_created == 3  # b (on Instagram too: the same handle), c, d


def test_a_broken_row_means_nothing_is_imported_unless_skipped(ws: Workspace) -> None:
    parsed = parsed_file(ws, DATA / "broken_rows.csv")
    with pytest.raises(BrokenRows) as caught:
        import_rows(ws, parsed)
    assert caught.value.message.startswith("7 rows cannot be imported, so nothing was imported.")
    assert "Row 3, column “Date”: “yesterday” is not a date" in caught.value.message
    assert len(caught.value.problems) == 7
    assert counts(ws) == (0, 0)
    report = import_rows(ws, parsed, skip_broken=True)
    assert (report.imported, report.skipped_broken, len(report.problems)) == (2, 7, 7)
    assert sorted(i.text for i in ws.interactions.page()) == [
        "Delivered on time, thank you", "Lovely staff",
    ]  # fmt: skip


def test_a_preview_cannot_be_imported(ws: Workspace) -> None:
    table = read_file(DATA / "fr_excel_cp1252.csv")
    shown = preview(table, propose_mapping(table), ws.profile().zone, rows=2)
    with pytest.raises(InvalidData, match="preview"):
        import_rows(ws, shown)


def test_contacts_are_matched_by_handle_email_or_name(ws: Workspace) -> None:
    known = ws.contacts.add("Inès Martin", handles=[("facebook", "ines_m")])
    mail = ws.contacts.add("Paul", email="paul@example.org")
    parsed = parsed_text(
        ws,
        "Date,Network,Author,Message\n"
        "2026-03-01 10:00,Facebook,@Ines_M,Un\n"
        "2026-03-01 10:01,E-mail,paul@example.org,Deux\n"
        "2026-03-01 10:02,Instagram,inès martin,Trois\n"
        "2026-03-01 10:03,E-mail,nouveau@example.org,Quatre\n"
        "2026-03-01 10:04,Mastodon,@zoe@piaille.fr,Cinq\n",
    )
    report = import_rows(ws, parsed)
    assert (report.contacts_matched, report.contacts_created) == (2, 2)
    by_text = {i.text: i.contact_id for i in ws.interactions.page()}
    assert by_text["Un"] == by_text["Trois"] == known.id
    assert by_text["Deux"] == mail.id
    assert ws.contacts.get(by_text["Quatre"] or 0).email == "nouveau@example.org"
    assert ws.contacts.get(by_text["Cinq"] or 0).handles == (("mastodon", "zoe@piaille.fr"),)


def test_an_ambiguous_author_is_a_broken_row(ws: Workspace) -> None:
    ws.contacts.add("Alex Martin")
    ws.contacts.add("Alex Martin", email="alex2@example.org")
    parsed = parsed_text(
        ws, "Date,Author,Message\n2026-03-01 10:00,Alex Martin,Un\n2026-03-01 10:01,Bob,Deux\n"
    )
    with pytest.raises(BrokenRows, match="Several contacts match “Alex Martin”"):
        import_rows(ws, parsed)
    assert counts(ws) == (0, 2)  # Bob was created in the transaction, and rolled back
    report = import_rows(ws, parsed, skip_broken=True)
    assert report.imported == 1 and report.problems[0].column == "Author"


def test_a_dry_run_counts_everything_and_writes_nothing(ws: Workspace, tmp_path: Path) -> None:
    parsed = parsed_file(ws, DATA / "fr_excel_cp1252.csv")
    ws.close()
    # Read-only, as while the app has the client open.
    with Workspace.open_readonly(tmp_path / "lea.cmdesk") as reader:
        dry = import_rows(reader, parsed, dry_run=True)
    assert (dry.imported, dry.contacts_created, dry.dry_run) == (5, 5, True)
    assert not dry.changes.interactions
    with Workspace.open(tmp_path / "lea.cmdesk") as writer:
        assert counts(writer) == (0, 0)
        real = import_rows(writer, parsed)
    assert (real.imported, real.contacts_created) == (dry.imported, dry.contacts_created)


def test_cancel_during_the_write_rolls_everything_back(ws: Workspace, tmp_path: Path) -> None:
    parsed = parsed_file(ws, write_export(tmp_path / "export.csv", 1500))
    cancel = threading.Event()
    seen: list[int] = []

    def progress(done: int, total: int, text: str) -> None:
        seen.append(done)
        if done >= 1000:
            cancel.set()  # after 1000 rows and their contacts were written

    with pytest.raises(ImportCancelled):
        import_rows(ws, parsed, progress=progress, cancel=cancel)
    assert seen == [0, 500, 1000]
    assert counts(ws) == (0, 0)
    assert ws.activity(1)[0].action == "client.created"
    report = import_rows(ws, parsed)  # the workspace is still usable
    assert report.imported == 1500


def test_fifty_thousand_rows_all_or_nothing(ws: Workspace, tmp_path: Path) -> None:
    rows = 50_000
    # A bad date on the last row: refused before anything is written.
    bad_date = export_line(rows - 1).replace("/2025 ", "/2O25 ", 1)
    parsed = parsed_file(ws, write_export(tmp_path / "bad.csv", rows, last_line=bad_date))
    assert parsed.broken_rows == [rows + 1]
    with pytest.raises(BrokenRows, match="1 row cannot be imported"):
        import_rows(ws, parsed)
    assert counts(ws) == (0, 0)
    # An author that matches two contacts is found only while writing, after 49,999 rows
    # went into the transaction: they are rolled back too.
    ws.contacts.add("Alex Martin")
    ws.contacts.add("Alex Martin", email="alex2@example.org")
    last = export_line(rows - 1).split(";")
    last[2] = "Alex Martin"
    parsed = parsed_file(
        ws, write_export(tmp_path / "ambiguous.csv", rows, last_line=";".join(last))
    )
    assert parsed.problems == []
    with pytest.raises(BrokenRows, match=f"Row {rows + 1}, column “Auteur”: Several contacts"):
        import_rows(ws, parsed)
    assert counts(ws) == (0, 2)
    with ws.reading() as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    # Told to skip it: the 49,999 others in one go.
    report = import_rows(ws, parsed, skip_broken=True)
    assert (report.imported, report.skipped_broken, report.duplicates) == (rows - 1, 1, 0)
    assert counts(ws) == (rows - 1, 2 + 3000)


def test_the_database_refuses_what_the_checks_let_through(ws: Workspace) -> None:
    # The shared insert writes through the schema's CHECKs: a value the parser never
    # produces fails loudly inside the transaction instead of vanishing from filters.
    from cmdesk.store.interactions import insert

    with pytest.raises(sqlite3.IntegrityError), ws.atomic() as db:
        insert(
            db, channel="facebook", occurred_at="2026-03-01T10:00:00+00:00", text="x", link="",
            type="rant", sentiment="", sentiment_reason="", sentiment_by_user=False,
            language="", stamp="2026-03-01T10:00:00+00:00",
        )  # fmt: skip
    assert counts(ws) == (0, 0)


def test_imported_interactions_go_through_the_rules_and_the_matrix(ws: Workspace) -> None:
    from cmdesk.core.rules import Actions, Conditions

    sav = ws.teams.add("SAV", kind="customer_service")
    ws.rules.add("Colis", Conditions(query="colis"), Actions(priority=2, tags=("transport",)))
    ws.escalation.set_route("complaint", sav.id)
    before = ws.interactions.add("Colis perdu, encore", channel="email")
    report = import_rows(ws, parsed_file(ws, DATA / "fr_excel_cp1252.csv"))
    assert report.changed_by_rules >= 1
    imported = [i for i in ws.interactions.page() if i.id != before.id]
    parcel = [i for i in imported if "colis" in i.text.casefold()]
    assert parcel and all(i.priority == 2 for i in parcel)
    assert all("transport" in ws.interactions.get(i.id).tags for i in parcel)
    complaints = [i for i in imported if i.type == "complaint"]
    assert complaints and all(i.team_id == sav.id for i in complaints)
    # What was there before the import is left as the rules left it then.
    assert ws.interactions.get(before.id).priority == 2


def test_the_summary_says_each_count_with_its_plural_in_both_languages() -> None:
    from cmdesk.i18n import set_language
    from cmdesk.store.interaction_import import ImportReport

    try:
        set_language("en")
        one = ImportReport(rows=1, imported=1, duplicates=1, contacts_created=1)
        assert one.summary() == "1 interaction imported, 1 duplicate skipped, 1 new contact."
        many = ImportReport(rows=1290, imported=1234, duplicates=56, contacts_created=0)
        assert many.summary() == (
            "1,234 interactions imported, 56 duplicates skipped, 0 new contacts."
        )
        dry = ImportReport(rows=1, imported=1, dry_run=True)
        assert dry.summary().startswith("Dry run, nothing written: 1 interaction would be")
        set_language("fr")
        assert one.summary() == "1 interaction importée, 1 doublon ignoré, 1 nouveau contact."
        # French groups thousands with a narrow no-break space, and 0 takes the singular.
        assert many.summary() == (
            "1\u202f234 interactions importées, 56 doublons ignorés, 0 nouveau contact."
        )
    finally:
        set_language("fr")
