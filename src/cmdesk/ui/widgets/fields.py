"""Form fields shared by the new-client dialog and the settings view."""

from __future__ import annotations

import zoneinfo
from collections.abc import Mapping
from functools import cache
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QCompleter, QWidget

from cmdesk.core.client import SECTORS
from cmdesk.i18n import LANGUAGES, _


@cache
def _zones() -> tuple[str, ...]:
    # Only Area/City names: the list people recognise (no "Etc/GMT+3" or "posixrules").
    return tuple(
        sorted(
            z
            for z in zoneinfo.available_timezones()
            if "/" in z and not z.startswith(("Etc/", "SystemV/", "posix", "right/"))
        )
    )


def timezone_box(parent: QWidget | None = None) -> QComboBox:
    box = QComboBox(parent)
    box.setEditable(True)
    box.addItems(_zones())
    box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    completer = QCompleter(_zones(), box)
    completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    completer.setFilterMode(Qt.MatchFlag.MatchContains)
    box.setCompleter(completer)
    return box


def language_box(parent: QWidget | None = None) -> QComboBox:
    box = QComboBox(parent)
    for code, name in LANGUAGES.items():
        box.addItem(name, code)
    return box


def sector_box(parent: QWidget | None = None) -> QComboBox:
    box = QComboBox(parent)
    box.setEditable(True)
    box.addItem("", "")
    for sector in SECTORS:
        box.addItem(_(sector), sector)
    return box


def sector_value(box: QComboBox) -> str:
    """The untranslated sector when one of the list was chosen, else the typed text."""
    text = box.currentText().strip()
    for i in range(box.count()):
        if box.itemText(i) == text:
            return str(box.itemData(i) or text)
    return text


def set_sector(box: QComboBox, value: str) -> None:
    index = box.findData(value)
    if index >= 0:
        box.setCurrentIndex(index)
    else:
        box.setEditText(value)


def select_data(box: QComboBox, value: str) -> None:
    index = box.findData(value)
    box.setCurrentIndex(max(index, 0))


def choice_box(labels: Mapping[Any, str], first: tuple[str, Any] | None = None) -> QComboBox:
    """A list of translated labels (untranslated in `labels`) carrying their values;
    `first` is an extra first entry, already translated ("Any type", "")."""
    box = QComboBox()
    if first is not None:
        box.addItem(*first)
    for value, label in labels.items():
        box.addItem(_(label), value)
    return box
