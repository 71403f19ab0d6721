"""The CSV import's settings: how the file is read, and which column holds which field.

`ReadingForm` shows what was detected (encoding, separator, the order of day and month)
and lets the user overrule it; `MappingForm` holds one list of the file's columns per
cmdesk field, the proposal chosen, the required fields marked. Neither reads the file:
the dialog does, off the GUI thread, and hands them the table.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QWidget

from cmdesk.core.csv_dates import DAY_FIRST, MONTH_FIRST
from cmdesk.core.csv_import import FIELD_LABELS, FIELDS, REQUIRED, CsvTable
from cmdesk.core.interactions import CHANNEL_LABELS
from cmdesk.i18n import N_, _
from cmdesk.ui.widgets.fields import choice_box, select_data

# Overrides offered: what Excel and the platforms actually write.
ENCODINGS = {
    "utf-8": "UTF-8",
    "cp1252": N_("Windows-1252 (Excel's “CSV” on Windows)"),
    "utf-16": N_("UTF-16 (Excel's “Unicode text”)"),
    "latin-1": "Latin-1 (ISO-8859-1)",
}
DELIMITERS = {
    ",": N_("comma ( , )"),
    ";": N_("semicolon ( ; )"),
    "\t": N_("tab"),
    "|": N_("pipe ( | )"),
}
ORDERS = {
    DAY_FIRST: N_("day first (31/12/2026)"),
    MONTH_FIRST: N_("month first (12/31/2026)"),
}
_SAMPLE_ROWS = 20


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


class ReadingForm(QWidget):
    """Encoding, separator, date order and the channel of rows that do not say theirs."""

    reread = Signal()  # the encoding or the separator changed: read the file again
    changed = Signal()  # the date order or the default channel changed

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        form = QFormLayout(self)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.encoding = choice_box(ENCODINGS, ("", None))
        self.delimiter = choice_box(DELIMITERS, ("", None))
        self.order = choice_box(ORDERS)
        self.order_hint = QLabel()
        self.order_hint.setWordWrap(True)
        self.order_hint.setEnabled(False)  # greyed: an explanation, not a value
        self.channel = choice_box(CHANNEL_LABELS, (_("from the link, else “other”"), ""))
        self.channel.setToolTip(_("For the rows whose channel neither a column nor the link tells"))
        for box in (self.encoding, self.delimiter, self.order, self.channel):
            # As wide as their longest entry: "as detected: Windows-1252 (Western European)".
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        form.addRow(_("Encoding"), self.encoding)
        form.addRow(_("Separator"), self.delimiter)
        form.addRow(_("Dates"), self.order)
        form.addRow("", self.order_hint)
        form.addRow(_("Channel"), self.channel)
        self.order_chosen = False  # the user's choice wins over what the file suggests
        self.encoding.activated.connect(lambda _i: self.reread.emit())
        self.delimiter.activated.connect(lambda _i: self.reread.emit())
        self.order.activated.connect(self._order_chosen)
        self.channel.activated.connect(lambda _i: self.changed.emit())

    def reset(self) -> None:
        """A new file: nothing overridden."""
        self.encoding.setCurrentIndex(0)
        self.delimiter.setCurrentIndex(0)
        self.order_chosen = False

    def show_table(self, table: CsvTable) -> None:
        """Say what the file was read as, in the first entry of each list."""
        self.encoding.setItemText(
            0, _("as detected: {encoding}").format(encoding=table.encoding_label)
        )
        self.delimiter.setItemText(
            0, _("as detected: {delimiter}").format(delimiter=table.delimiter_label)
        )

    def show_detected_order(self, order: str, certain: bool) -> None:
        if not self.order_chosen:
            select_data(self.order, order)
        if self.order_chosen:
            self.order_hint.setText(_("Your choice."))
        elif certain:
            self.order_hint.setText(_("Read from the file's dates."))
        else:
            self.order_hint.setText(
                _("Every date of the file could be read either way: check them in the preview.")
            )

    def encoding_value(self) -> str | None:
        return self.encoding.currentData() or None

    def delimiter_value(self) -> str | None:
        return self.delimiter.currentData() or None

    def date_order(self) -> str:
        return str(self.order.currentData())

    def default_channel(self) -> str:
        return str(self.channel.currentData() or "")

    def _order_chosen(self, _index: int) -> None:
        self.order_chosen = True
        self.order_hint.setText(_("Your choice."))
        self.changed.emit()


class MappingForm(QWidget):
    """One list of the file's columns per field; `changed` on every choice."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        form = QFormLayout(self)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.boxes: dict[str, QComboBox] = {}
        self.labels: dict[str, QLabel] = {}
        for name in FIELDS:
            text = _capitalised(_(FIELD_LABELS[name]))
            label = QLabel(f"{text} *" if name in REQUIRED else text)
            label.setWordWrap(True)
            if name in REQUIRED:
                font = label.font()
                font.setBold(True)
                label.setFont(font)
                label.setToolTip(_("Required: every row must have one"))
            box = QComboBox()
            box.setObjectName(f"map-{name}")
            box.setMinimumContentsLength(14)
            box.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            box.currentIndexChanged.connect(self._changed)
            label.setBuddy(box)
            form.addRow(label, box)
            self.boxes[name] = box
            self.labels[name] = label
        self._filling = False

    def set_table(self, table: CsvTable, mapping: dict[str, str]) -> None:
        """The file's columns in every list, each field on its column in `mapping`."""
        self._filling = True
        samples = self._samples(table)
        for name, box in self.boxes.items():
            box.clear()
            box.addItem(_("— not imported —"), "")
            for column in table.header:
                box.addItem(column, column)
                if samples.get(column):
                    box.setItemData(
                        box.count() - 1,
                        _("For example: {value}").format(value=samples[column]),
                        Qt.ItemDataRole.ToolTipRole,
                    )
            select_data(box, mapping.get(name, ""))
        self._filling = False
        self._mark()

    def mapping(self) -> dict[str, str]:
        return {name: box.currentData() for name, box in self.boxes.items() if box.currentData()}

    def choose(self, name: str, column: str) -> None:
        """Put `name` on `column` ("" to leave it out), as the user would."""
        select_data(self.boxes[name], column)

    def missing(self) -> list[str]:
        chosen = self.mapping()
        return [name for name in REQUIRED if name not in chosen]

    def _changed(self, _index: int) -> None:
        if not self._filling:
            self._mark()
            self.changed.emit()

    def _mark(self) -> None:
        missing = set(self.missing())
        for name in REQUIRED:
            # Red until chosen: the Import button stays disabled meanwhile.
            self.labels[name].setStyleSheet("color: #c0392b;" if name in missing else "")

    @staticmethod
    def _samples(table: CsvTable) -> dict[str, str]:
        found: dict[str, str] = {}
        for _row, cells in table.rows[:_SAMPLE_ROWS]:
            for column, cell in zip(table.header, cells, strict=False):
                if column not in found and cell.strip():
                    line = " ".join(cell.split())
                    found[column] = line if len(line) <= 60 else line[:59] + "…"
        return found
