"""A CSV file as platforms and spreadsheets export it, read into a header and rows.

Excel on Windows saves "CSV" in Windows-1252 with ";" between columns when the system
is French, "CSV UTF-8" with a byte-order mark, and "Unicode text" as UTF-16 with tabs;
platforms export UTF-8 with ",". The encoding is read from the byte-order mark, else
the file is UTF-8 if it decodes as such (a legacy file almost never does by chance),
else Windows-1252, and the report says so. No statistical detector: charset-normalizer
3.4 names French Windows-1252 exports cp1250 or cp775 and reads "€" as "Ć".
"""

from __future__ import annotations

import codecs
import csv
import io
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from cmdesk.core.errors import InvalidData
from cmdesk.i18n import N_, _, current_language

# A social-media export of a few hundred thousand messages is tens of megabytes; past
# this, the file is read into memory for nothing.
MAX_FILE_BYTES = 256 * 1024 * 1024
DELIMITERS = (",", ";", "\t", "|")
_SNIFF_CHARS = 64 * 1024
_SNIFF_ROWS = 50
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8-sig", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16", "UTF-16"),
)
_CSV_ERRORS = {
    "field larger than field limit": N_(
        "a cell is longer than {limit} characters; often a quotation mark that is never closed"
    ),
    "unexpected end of data": N_("a quotation mark is opened and never closed"),
    "line contains nul": N_("it contains NUL characters: it is not a text file"),
    "expected after": N_("text follows a closing quotation mark"),
}


def number(value: int) -> str:
    """A count as the user's language writes it (131,072 / 131 072)."""
    from babel.numbers import format_decimal  # babel's locale data loads on first use only

    return str(format_decimal(value, locale=current_language()))


def quoted(text: str) -> str:
    """A column name in a message, in the language's quotation marks."""
    return _("“{text}”").format(text=text)


@dataclass(frozen=True)
class CsvTable:
    """A file's header and rows, with how it was read. Row numbers are those a
    spreadsheet shows (the header is row 1)."""

    name: str
    encoding: str  # the codec used, e.g. "utf-8-sig", "cp1252"
    encoding_label: str  # in plain words, for the report
    encoding_guessed: bool  # not Unicode: read as Windows-1252 or Latin-1
    delimiter: str
    header: tuple[str, ...]
    rows: tuple[tuple[int, tuple[str, ...]], ...]  # (row number, cells); blank rows left out

    @property
    def delimiter_label(self) -> str:
        return {",": _("comma"), ";": _("semicolon"), "\t": _("tab"), "|": _("pipe")}.get(
            self.delimiter, repr(self.delimiter)
        )


def _line_of(data: bytes, position: int) -> int:
    return data.count(b"\n", 0, position) + 1


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 saved without its mark: NUL bytes on the even (big-endian) or odd
    (little-endian) positions of a mostly-ASCII text."""
    sample = data[:4096]
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if odd > len(sample) // 4 and even == 0:
        return "utf-16-le"
    if even > len(sample) // 4 and odd == 0:
        return "utf-16-be"
    return None


def decode(data: bytes, encoding: str | None = None) -> tuple[str, str, str, bool]:
    """(text, codec, label, guessed): the file's text, read with `encoding` when given."""
    if encoding:
        try:
            codec = codecs.lookup(encoding).name
        except LookupError:
            raise InvalidData(_("Unknown encoding: {name}").format(name=encoding)) from None
        if codec == "utf-8" and data.startswith(codecs.BOM_UTF8):
            codec = "utf-8-sig"
        try:
            return data.decode(codec), codec, codec.upper(), False
        except UnicodeDecodeError as exc:
            found = decode(data)[2]
            raise InvalidData(
                _(
                    "The file is not in {encoding}: line {line} has a byte it cannot "
                    "read. It looks like {found}: leave the encoding out to read it so."
                ).format(encoding=encoding, line=_line_of(data, exc.start), found=found)
            ) from None
    for bom, codec, label in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec), codec, label, False
            except UnicodeDecodeError as exc:
                raise InvalidData(
                    _("The file starts as {encoding} but line {line} is not.").format(
                        encoding=label, line=_line_of(data, exc.start)
                    )
                ) from None
    if b"\x00" in data:
        codec16 = _utf16_without_bom(data)
        if codec16 is None:
            raise InvalidData(_("This is not a text file (it contains NUL bytes)."))
        try:
            return data.decode(codec16), codec16, "UTF-16", False
        except UnicodeDecodeError:
            raise InvalidData(_("This is not a text file (it contains NUL bytes).")) from None
    try:
        return data.decode("utf-8"), "utf-8", "UTF-8", False
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
        return text, "cp1252", _("Windows-1252 (Western European)"), True
    except UnicodeDecodeError:
        # Five byte values are unassigned in Windows-1252: then it is ISO Latin-1.
        return data.decode("latin-1"), "latin-1", _("Latin-1 (ISO-8859-1)"), True


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the first rows into the same number of columns, the
    most columns first. Parsed, not counted: a ";" inside a quoted message does not
    vote."""
    sample = text[:_SNIFF_CHARS]
    if len(text) > _SNIFF_CHARS:  # a cut row would skew its count
        sample = sample[: sample.rfind("\n") + 1] or sample
    best, best_score = ",", (0.0, 0)
    for delimiter in DELIMITERS:
        reader = csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter)
        counts: list[int] = []
        try:
            for row in reader:
                if any(cell.strip() for cell in row):
                    counts.append(len(row))
                if len(counts) >= _SNIFF_ROWS:
                    break
        except csv.Error:
            continue
        if not counts or counts[0] < 2:
            continue
        width, agree = Counter(counts).most_common(1)[0]
        score = (agree / len(counts), width)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _csv_reason(exc: csv.Error) -> str:
    message = str(exc).lower()
    for key, reason in _CSV_ERRORS.items():
        if key in message:
            return _(reason).format(limit=number(csv.field_size_limit()))
    return str(exc)


def _names(header: list[str]) -> tuple[str, ...]:
    """Column names as the mapping uses them: trimmed, blanks named by position, and
    repeated names told apart ("Message (2)")."""
    names: list[str] = []
    for position, cell in enumerate(header, start=1):
        name = " ".join(cell.split()) or _("Column {n}").format(n=position)
        base, copy = name, 2
        while name in names:
            name, copy = f"{base} ({copy})", copy + 1
        names.append(name)
    return tuple(names)


def read_table(
    data: bytes, *, name: str = "", encoding: str | None = None, delimiter: str | None = None
) -> CsvTable:
    """Decode and split a CSV file's bytes. Raises InvalidData, naming the line, when
    the file cannot be read at all (not text, a quotation mark never closed)."""
    if not data.strip():
        raise InvalidData(_("The file is empty."))
    if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise InvalidData(
            _(
                "This is a spreadsheet workbook (.xlsx or .xls), not a CSV file: open it "
                "and save it as CSV first."
            )
        )
    text, codec, label, guessed = decode(data, encoding)
    if delimiter is not None and len(delimiter) != 1:
        raise InvalidData(_("The delimiter must be one character, e.g. ; or ,"))
    delimiter = delimiter or sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    header: list[str] | None = None
    rows: list[tuple[int, tuple[str, ...]]] = []
    number = 0
    try:
        for cells in reader:
            number += 1
            if not any(cell.strip() for cell in cells):
                continue
            if header is None:
                header = cells
                number = 1  # blank lines above the header do not count
            else:
                rows.append((number, tuple(cells)))
    except csv.Error as exc:
        raise InvalidData(
            _("Row {row} (line {line} of the file) cannot be read: {reason}.").format(
                row=number + 1, line=reader.line_num, reason=_csv_reason(exc)
            )
        ) from None
    if header is None:
        raise InvalidData(_("The file is empty."))
    return CsvTable(name, codec, label, guessed, delimiter, _names(header), tuple(rows))


def read_file(path: Path, *, encoding: str | None = None, delimiter: str | None = None) -> CsvTable:
    path = Path(path)
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise InvalidData(
            _("The file is too large to import ({size} MB; the limit is {limit} MB).").format(
                size=size // 2**20, limit=MAX_FILE_BYTES // 2**20
            )
        )
    return read_table(path.read_bytes(), name=path.name, encoding=encoding, delimiter=delimiter)
