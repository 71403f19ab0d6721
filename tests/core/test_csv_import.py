"""CSV exports read and checked before anything is imported: encodings, delimiters,
column mapping, and a report naming every broken row."""

from __future__ import annotations

import codecs
import threading
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from cmdesk.core.csv_import import (
    ImportCancelled,
    ParsedRows,
    check_mapping,
    parse_rows,
    preview,
    propose_mapping,
    read_file,
    read_table,
)
from cmdesk.core.errors import InvalidData
from csv_samples import DATA

PARIS = ZoneInfo("Europe/Paris")


def parse(data: bytes, **mapping: str) -> ParsedRows:
    table = read_table(data, name="test.csv")
    return parse_rows(table, {**propose_mapping(table), **mapping}, PARIS)


def problems(parsed: ParsedRows) -> list[tuple[int, str, str]]:
    return [(p.row, p.column, p.reason) for p in parsed.problems]


# -- the sample exports ------------------------------------------------------------------------


def test_french_excel_export_semicolons_and_windows_1252() -> None:
    table = read_file(DATA / "fr_excel_cp1252.csv")
    assert (table.encoding, table.encoding_guessed, table.delimiter) == ("cp1252", True, ";")
    assert table.header[2] == "Réseau"
    mapping = propose_mapping(table)
    assert mapping == {
        "text": "Message", "date": "Date", "time": "Heure", "channel": "Réseau",
        "link": "Lien", "author": "Auteur", "author_name": "Nom", "type": "Type",
        "sentiment": "Sentiment", "tags": "Étiquettes",
    }  # fmt: skip
    parsed = parse_rows(table, mapping, PARIS)
    assert parsed.problems == []
    assert any("Windows-1252" in note for note in parsed.notes)
    first, second, third, fourth, fifth = parsed.candidates
    # A ";" and a "€" inside a quoted message, read back as written.
    assert first.text.startswith("Colis jamais reçu ; service client injoignable")
    assert "15€" in first.text
    assert (first.channel, first.type, first.sentiment, first.sentiment_from_file) == (
        "facebook", "complaint", "negative", True,
    )  # fmt: skip
    assert (first.author, first.author_name, first.tags) == (
        "@ines_m", "Inès Martin", ("livraison", "colis"),
    )  # fmt: skip
    assert first.occurred_at == datetime(2026, 3, 3, 8, 12, tzinfo=PARIS)
    # A line break inside a quoted cell stays in the message (as \n, not Excel's \r\n).
    assert (
        second.text
        == ("Le flan pâtissier de samedi était une merveille,\nmerci à toute l'équipe ").strip()
    )
    assert second.occurred_at == datetime(2026, 3, 3, 9, 40, tzinfo=PARIS)  # "09h40"
    # Type and sentiment left blank: proposed from the text, with the reason.
    assert (second.type, second.sentiment, second.sentiment_from_file) == (
        "praise", "positive", False,
    )  # fmt: skip
    assert second.type_reason
    assert third.channel == "review_site"  # "Avis Google"
    assert 'le pain est "très bon"' in third.text  # doubled quotes
    assert (fourth.channel, fourth.type, fourth.link) == ("phone", "question", "")
    # A formula-like cell is text, kept as written: never evaluated, never cut.
    assert fifth.text.startswith('=HYPERLINK("http://exemple.invalid";"cliquez")')
    assert (fifth.channel, fifth.type) == ("x", "suggestion")


def test_utf8_with_bom_and_times_in_utc_by_the_header() -> None:
    table = read_file(DATA / "utf8_bom_platform.csv")
    assert (table.encoding, table.encoding_guessed, table.delimiter) == ("utf-8-sig", False, ",")
    assert table.header[0] == "Date (UTC)"  # no BOM glued to the first name
    parsed = parse_rows(table, propose_mapping(table), PARIS)
    assert parsed.problems == []
    lea, camille, agency = parsed.candidates
    # "2026-03-10 09:30:00" has no zone: UTC, as the column's name says, not Paris.
    assert agency.occurred_at == datetime(2026, 3, 10, 9, 30, tzinfo=UTC)
    assert (lea.channel, lea.author, lea.status) == ("mastodon", "@lea@piaille.fr", "closed")
    assert (camille.channel, camille.sentiment, camille.status) == ("bluesky", "negative", "new")
    assert (agency.author, agency.author_name, agency.status) == (
        "", "Agence Durand", "waiting_team",
    )  # fmt: skip


def test_utf16_unicode_text_from_excel_with_tabs() -> None:
    table = read_file(DATA / "excel_unicode_text_utf16.txt")
    assert (table.encoding, table.delimiter) == ("utf-16", "\t")
    parsed = parse_rows(table, propose_mapping(table), PARIS)
    assert parsed.problems == []
    assert [(c.author, c.author_name) for c in parsed.candidates] == [
        ("paul_r", "Paul Roux"), ("sophie.k", "Sophie K."), ("paul_r", "Paul Roux"),
    ]  # fmt: skip
    assert parsed.candidates[0].occurred_at == datetime(2026, 3, 12, 10, 15, tzinfo=PARIS)
    assert parsed.candidates[1].text.endswith("❤️")
    # No channel column: guessed from each link.
    assert [c.channel for c in parsed.candidates] == ["facebook", "instagram", "facebook"]


def test_utf16_without_its_byte_order_mark() -> None:
    text = "Date\tMessage\n2026-03-01\tÇa marche très bien\n"
    for codec in ("utf-16-le", "utf-16-be"):
        parsed = parse(text.encode(codec))
        assert [c.text for c in parsed.candidates] == ["Ça marche très bien"]


def test_american_dates_are_read_month_first_and_said_so() -> None:
    table = read_file(DATA / "us_month_first.csv")
    parsed = parse_rows(table, propose_mapping(table), PARIS)
    assert parsed.date_order == "mdy"
    assert [c.occurred_at for c in parsed.candidates] == [
        datetime(2026, 3, 4, 9, 15, tzinfo=PARIS), datetime(2026, 3, 14, 14, 30, tzinfo=PARIS),
    ]  # fmt: skip
    assert any("month/day/year" in note for note in parsed.notes)
    # Told day first, the file's 3/14 has no month 14: reported, not swapped.
    forced = parse_rows(table, propose_mapping(table), PARIS, date_order="dmy")
    assert problems(forced) == [
        (3, "Timestamp", "“3/14/2026 2:30 pm” has no month 14 (dates are read as day/month/year)")
    ]


# -- broken rows -------------------------------------------------------------------------------


def test_every_broken_row_is_reported_with_its_column_and_reason() -> None:
    table = read_file(DATA / "broken_rows.csv")
    parsed = parse_rows(table, propose_mapping(table), PARIS)
    found = problems(parsed)
    assert [(row, column) for row, column, _reason in found] == [
        (3, "Date"), (4, "Date"), (5, "Message"), (6, ""), (7, ""), (8, "Link"), (9, "Network"),
    ]  # fmt: skip
    reasons = [reason for _row, _column, reason in found]
    assert "“yesterday” is not a date" in reasons[0]
    assert reasons[1] == "31/02/2026 is not a day of the calendar"
    assert reasons[2] == "the message is empty"
    assert reasons[3] == "it has 6 cells where the header has 5"
    assert reasons[4] == "it has 2 cells where the header has 5"
    assert "“javascript:alert(1)” is not a web address" in reasons[5]
    assert "channel: “MySpace” is not a value cmdesk knows" in reasons[6]
    assert "Facebook" in reasons[6]
    assert [c.row for c in parsed.candidates] == [2, 10]
    assert parsed.broken_rows == [3, 4, 5, 6, 7, 8, 9]
    described = parsed.problems[0].describe()
    assert described.startswith("Row 3, column “Date”: “yesterday”")


def test_a_row_can_have_several_problems() -> None:
    parsed = parse(b"Date,Message,Sentiment\n2026-02-30,,angry\n", sentiment="Sentiment")
    assert problems(parsed) == [
        (2, "Date", "30/02/2026 is not a day of the calendar"),
        (2, "Message", "the message is empty"),
        (2, "Sentiment", "sentiment: “angry” is not a value cmdesk knows (known: negative, "
         "neutral, positive)"),
    ]  # fmt: skip


def test_trailing_empty_cells_are_not_a_ragged_row() -> None:
    parsed = parse(b"Date;Message\n2026-03-01;Bonjour;;\n")
    assert parsed.problems == [] and len(parsed.candidates) == 1


def test_future_dates_and_oversized_cells_are_refused() -> None:
    huge = "x" * 100_001
    parsed = parse(
        f'Date,Message,Author\n2099-01-01,Bonjour,@a\n2026-01-01,"{huge}",@b\n'
        f"2026-01-01,Hi,{'a' * 201}\n".encode()
    )
    assert [(r, c) for r, c, _ in problems(parsed)] == [(2, "Date"), (3, "Message"), (4, "Author")]
    assert "in the future" in parsed.problems[0].reason
    assert "longer than 100,000 characters" in parsed.problems[1].reason


def test_blank_rows_are_skipped_and_rows_keep_their_spreadsheet_numbers() -> None:
    parsed = parse(b"\n\nDate;Message\n\n2026-03-01;Un\n;\n2026-03-02;Deux\n")
    assert [(c.row, c.text) for c in parsed.candidates] == [(3, "Un"), (5, "Deux")]
    assert parsed.total_rows == 2


# -- the file as a whole -----------------------------------------------------------------------


def test_missing_required_columns_are_named() -> None:
    table = read_file(DATA / "missing_date.csv")
    with pytest.raises(InvalidData) as caught:
        parse_rows(table, propose_mapping(table), PARIS)
    assert caught.value.message == (
        "No column of the file was chosen for: date (date). "
        "Its columns: “Auteur”, “Commentaire”, “Lien”."
    )
    with pytest.raises(InvalidData, match=r"for: message \(text\), date \(date\)"):
        parse(b"Foo;Bar\n1;2\n")
    with pytest.raises(InvalidData, match="The file has no column “Texte”"):
        check_mapping({"text": "Texte", "date": "Date"}, read_table(b"Date;Message\n"))
    with pytest.raises(InvalidData, match="Unknown fields: colour"):
        check_mapping({"colour": "Date"}, read_table(b"Date;Message\n"))


def test_wrong_encoding_is_refused_with_the_line_and_what_it_looks_like() -> None:
    data = (DATA / "fr_excel_cp1252.csv").read_bytes()
    with pytest.raises(InvalidData) as caught:
        read_table(data, encoding="utf-8")
    assert "not in utf-8: line 1 has a byte" in caught.value.message
    assert "It looks like Windows-1252" in caught.value.message
    # Told the right encoding, it is read as such (not guessed).
    table = read_table(data, encoding="cp1252")
    assert table.encoding == "cp1252" and not table.encoding_guessed
    with pytest.raises(InvalidData, match="Unknown encoding: klingon"):
        read_table(data, encoding="klingon")
    # Bytes Windows-1252 leaves unassigned: Latin-1, and said so.
    latin = read_table("Date;Message\n2026-03-01;Ã\x81 bientôt\n".encode("latin-1"))
    assert latin.encoding == "latin-1" and latin.encoding_guessed


def test_what_is_not_a_csv_file_is_refused() -> None:
    with pytest.raises(InvalidData, match="spreadsheet workbook"):
        read_table(b"PK\x03\x04\x14\x00\x06\x00rest of a zip")
    with pytest.raises(InvalidData, match="not a text file"):
        read_table(bytes(range(256)) * 4)
    with pytest.raises(InvalidData, match="empty"):
        read_table(b" \r\n\r\n")
    with pytest.raises(InvalidData, match="The file starts as UTF-16"):
        read_table(codecs.BOM_UTF16_LE + b"D\x00a\x00\x00\xdc")


def test_a_quote_never_closed_stops_the_file_with_its_row() -> None:
    with pytest.raises(InvalidData) as caught:
        read_table(b'Date;Message\n2026-03-01;"Bonjour\n2026-03-02;Suite\n')
    assert caught.value.message == (
        "Row 2 (line 3 of the file) cannot be read: a quotation mark is opened and never closed."
    )
    with pytest.raises(InvalidData, match="text follows a closing quotation mark"):
        read_table(b'Date;Message\n2026-03-01;"Bonjour" toi\n')


def test_a_huge_cell_is_refused_not_loaded() -> None:
    data = b'Date;Message\n2026-03-01;"' + b"A" * 200_000 + b'"\n'
    with pytest.raises(InvalidData, match=r"Row 2 .* longer than 131,072 characters"):
        read_table(data)


@pytest.mark.parametrize(
    ("text", "delimiter"),
    [
        ("Date;Message\n2026-03-01;Bonjour, merci, à bientôt\n", ";"),
        ('Date,Message\n2026-03-01,"Bonjour; merci; ciao"\n', ","),
        ("Date\tMessage\n2026-03-01\tBonjour, merci; ciao\n", "\t"),
        ("Date|Message\n2026-03-01|Bonjour, merci\n", "|"),
    ],
)
def test_the_delimiter_is_the_one_that_splits_rows_evenly(text: str, delimiter: str) -> None:
    table = read_table(text.encode())
    assert table.delimiter == delimiter
    assert table.header == ("Date", "Message")


def test_a_delimiter_given_wins() -> None:
    table = read_table(b"Date;Message\n2026-03-01;Un, deux\n", delimiter=",")
    assert table.header == ("Date;Message",)
    with pytest.raises(InvalidData, match="one character"):
        read_table(b"Date;Message\n", delimiter=";;")


def test_blank_and_repeated_header_names_can_still_be_chosen() -> None:
    table = read_table(b"Date;Message;;Message\n2026-03-01;Un;x;Deux\n")
    assert table.header == ("Date", "Message", "Column 3", "Message (2)")
    parsed = parse_rows(table, {"date": "Date", "text": "Message (2)"}, PARIS)
    assert [c.text for c in parsed.candidates] == ["Deux"]


# -- mapping -----------------------------------------------------------------------------------


def test_a_column_of_the_wrong_kind_is_not_proposed() -> None:
    # Platforms' "Type" is the kind of post, not complaint/question: left unmapped.
    table = read_table(
        b"Date,Type,Message,Network,Source\n"
        b"2026-03-01,Comment,Hello,Facebook,lemonde.fr\n2026-03-02,Post,Hi,Facebook,x.com\n"
    )
    mapping = propose_mapping(table)
    assert mapping == {"text": "Message", "date": "Date", "channel": "Network"}
    forced = parse_rows(table, {**mapping, "type": "Type"}, PARIS)
    assert [p.reason.split(" (")[0] for p in forced.problems] == [
        "type: “Comment” is not a value cmdesk knows", "type: “Post” is not a value cmdesk knows",
    ]  # fmt: skip


def test_english_and_french_names_of_other_tools() -> None:
    header = (
        b"Created at;Network;Screen name;Full name;Post text;Post URL;Tonality;Statut;"
        b"Priority;Direction;Labels\n"
    )
    row = (
        "2026-03-01 10:00;Twitter;jdoe;Jane Doe;Hello;https://x.com/jdoe/status/1;Positif;"
        "En cours;Urgent;Sortant;vip|presse\n"
    )
    parsed = parse(header + row.encode())
    assert parsed.mapping == {
        "text": "Post text", "date": "Created at", "channel": "Network", "link": "Post URL",
        "author": "Screen name", "author_name": "Full name", "sentiment": "Tonality",
        "direction": "Direction", "status": "Statut", "priority": "Priority", "tags": "Labels",
    }  # fmt: skip
    [item] = parsed.candidates
    assert (item.sentiment, item.status, item.priority, item.direction, item.tags) == (
        "positive", "in_progress", 2, "out", ("vip", "presse"),
    )  # fmt: skip


def test_channel_from_the_column_then_the_link_then_the_users_choice() -> None:
    table = read_table(
        b"Date;Message;Lien;Canal\n"
        b"2026-03-01;Un;https://www.instagram.com/p/1/;Facebook\n"
        b"2026-03-01;Deux;https://www.instagram.com/p/2/;\n"
        b"2026-03-01;Trois;;\n"
        b"2026-03-01;Quatre;;YouTube\n"
    )
    mapping = propose_mapping(table)
    assert [c.channel for c in parse_rows(table, mapping, PARIS).candidates] == [
        "facebook", "instagram", "other", "other",
    ]  # fmt: skip
    chosen = parse_rows(table, mapping, PARIS, default_channel="email").candidates
    assert [c.channel for c in chosen] == ["facebook", "instagram", "email", "other"]


# -- preview, progress, cancel -----------------------------------------------------------------


def test_preview_parses_only_the_first_rows(tmp_path: Path) -> None:
    from csv_samples import export_line, write_export

    table = read_file(write_export(tmp_path / "big.csv", 2000, last_line="bad;row"))
    shown = preview(table, propose_mapping(table), PARIS, rows=20)
    assert (len(shown.candidates), shown.problems, shown.complete) == (20, [], False)
    assert shown.total_rows == 2000
    assert shown.candidates[0].text == export_line(0).split(";")[3]
    full = parse_rows(table, propose_mapping(table), PARIS)
    assert full.complete and full.broken_rows == [2001]


def test_progress_is_reported_and_cancel_stops(tmp_path: Path) -> None:
    from csv_samples import write_export

    table = read_file(write_export(tmp_path / "big.csv", 1200))
    seen: list[tuple[int, int]] = []
    parse_rows(
        table, propose_mapping(table), PARIS, progress=lambda d, t, _text: seen.append((d, t))
    )
    assert seen == [(500, 1200), (1000, 1200), (1200, 1200)]
    cancel = threading.Event()

    def cancel_at_first_report(done: int, total: int, text: str) -> None:
        cancel.set()

    with pytest.raises(ImportCancelled, match="nothing was imported"):
        parse_rows(
            table, propose_mapping(table), PARIS, progress=cancel_at_first_report, cancel=cancel
        )


def test_a_header_without_rows_is_an_empty_import_not_an_error() -> None:
    parsed = parse(b"Date;Message\r\n")
    assert (parsed.total_rows, parsed.candidates, parsed.problems) == (0, [], [])
