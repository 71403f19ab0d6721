"""Rows written as CSV, XLSX or JSON: the exports of mentions, interactions, posts and
contacts, opened in a spreadsheet or read by another tool.

- CSV: UTF-8 with a byte-order mark (without it Excel reads "é" as "Ã©"), and ";" between
  values when the reader's language is French (a French Excel splits on ";" and would
  show a comma-separated file in one column).
- XLSX: written by XlsxWriter row by row in constant memory (a million mentions), dates
  as real dates, the heading row frozen and filterable.
- JSON: one document, the client and the filters first, then one object per row.

Text from the web (a mention's title, a customer's message) may start with "=", "+", "-"
or "@", which a spreadsheet would run as a formula ("CSV injection"): in CSV such a value
gets a leading apostrophe, as spreadsheets themselves do to show text; XLSX cells are
written as text, never as formulas.
"""

from __future__ import annotations

import csv
import json
import os
import threading
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from cmdesk.i18n import N_, _, current_language
from cmdesk.store.exports import Rows

FORMATS = ("csv", "xlsx", "json")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_XLSX_MAX_CELL = 32767  # characters in one cell: Excel's limit
_EVERY = 1000  # rows between two progress reports and cancel checks

Progress = Callable[[int, int], None]
_SHEETS = {
    "mentions": N_("Mentions"),
    "interactions": N_("Interactions"),
    "posts": N_("Posts"),
    "contacts": N_("Contacts"),
}


class Cancelled(Exception):
    """Stopped by the user: nothing was written."""


def default_delimiter() -> str:
    return ";" if current_language().startswith("fr") else ","


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    return value


def write_table(
    rows: Rows,
    path: Path,
    fmt: str,
    *,
    about: dict[str, Any] | None = None,
    delimiter: str | None = None,
    headings: Callable[[str], str] = _,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> int:
    """Write `rows` to `path` (replaced only once complete); returns the rows written.
    `about` (client, filters…) heads a JSON export; `headings` translates the column
    names (the reader's language, when it is not the user's)."""
    if fmt not in FORMATS:
        raise ValueError(fmt)
    path = Path(path)
    partial = path.with_name(f".{path.name}.part")
    try:
        if fmt == "csv":
            written = _csv(
                rows, partial, delimiter or default_delimiter(), headings, progress, cancel
            )
        elif fmt == "xlsx":
            written = _xlsx(rows, partial, headings, progress, cancel)
        else:
            written = _json(rows, partial, about or {}, progress, cancel)
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return written


def _tick(done: int, rows: Rows, progress: Progress | None, cancel: threading.Event | None) -> None:
    if done % _EVERY == 0:
        if cancel is not None and cancel.is_set():
            raise Cancelled(_("Stopped: nothing was written."))
        if progress is not None:
            progress(done, max(done, rows.count))


def _csv(
    rows: Rows,
    path: Path,
    delimiter: str,
    headings: Callable[[str], str],
    progress: Progress | None,
    cancel: threading.Event | None,
) -> int:
    done = 0
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow([headings(c.title) for c in rows.columns])
        for row in rows.rows:
            writer.writerow([_csv_value(v) for v in row])
            done += 1
            _tick(done, rows, progress, cancel)
    return done


def _xlsx(
    rows: Rows,
    path: Path,
    headings: Callable[[str], str],
    progress: Progress | None,
    cancel: threading.Event | None,
) -> int:
    import xlsxwriter  # ~60 ms: only when writing XLSX

    book = xlsxwriter.Workbook(
        str(path),
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,  # Excel allows 65,530 links a sheet: links as text
            "strings_to_numbers": False,
            "remove_timezone": True,
        },
    )
    try:
        sheet = book.add_worksheet(headings(_SHEETS.get(rows.kind, rows.kind))[:31])
        bold = book.add_format({"bold": True, "bg_color": "#EEEEEE"})
        when = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
        widths = {"time": 17, "number": 9, "link": 40, "text": 30}
        for index, column in enumerate(rows.columns):
            sheet.set_column(index, index, widths.get(column.kind, 30))
            sheet.write_string(0, index, headings(column.title), bold)
        sheet.freeze_panes(1, 0)
        done = 0
        for done, row in enumerate(rows.rows, start=1):
            for index, value in enumerate(row):
                if value is None or value == "":
                    continue
                if isinstance(value, datetime):
                    sheet.write_datetime(done, index, value.replace(tzinfo=None), when)
                elif isinstance(value, bool | int | float):
                    sheet.write_number(done, index, value)
                else:
                    sheet.write_string(done, index, str(value)[:_XLSX_MAX_CELL])
            _tick(done, rows, progress, cancel)
        sheet.autofilter(0, 0, max(done, 1), len(rows.columns) - 1)
    finally:
        book.close()
    return done


def _json(
    rows: Rows,
    path: Path,
    about: dict[str, Any],
    progress: Progress | None,
    cancel: threading.Event | None,
) -> int:
    keys = [c.key for c in rows.columns]
    done = 0
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        head = {"export": rows.kind, **about}
        handle.write(json.dumps(head, ensure_ascii=False)[:-1] + ', "rows": [\n')
        for row in rows.rows:
            if done:
                handle.write(",\n")
            item = {k: _json_value(v) for k, v in zip(keys, row, strict=True)}
            handle.write(json.dumps(item, ensure_ascii=False))
            done += 1
            _tick(done, rows, progress, cancel)
        handle.write("\n]}\n")
    return done
