"""The frame the list sections share: a search bar over the list, and the list table."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QModelIndex, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from cmdesk.i18n import _


def view_bar(view: QWidget) -> tuple[QVBoxLayout, QHBoxLayout]:
    """The view's layout with an empty bar on top; returns (layout, bar)."""
    root = QVBoxLayout(view)
    root.setContentsMargins(0, 0, 0, 0)
    root.setSpacing(0)
    bar = QHBoxLayout()
    bar.setContentsMargins(8, 6, 8, 6)
    root.addLayout(bar)
    return root, bar


def search_bar(view: QWidget, placeholder: str) -> tuple[QVBoxLayout, QHBoxLayout, QLineEdit]:
    """The view's layout with a bar on top holding a search box; returns (layout, bar,
    search box) for the view to add its filters and list."""
    root, bar = view_bar(view)
    search = QLineEdit()
    search.setClearButtonEnabled(True)
    search.setPlaceholderText(placeholder)
    bar.addWidget(search, 1)
    return root, bar, search


def list_table(model: Any, *, several: bool = True) -> QTableView:
    """A compact table of whole rows, one line each."""
    table = QTableView()
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(
        QAbstractItemView.SelectionMode.ExtendedSelection
        if several
        else QAbstractItemView.SelectionMode.SingleSelection
    )
    table.setShowGrid(False)
    table.setWordWrap(False)
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(26)
    return table


def search_timer(view: QWidget, search: QLineEdit, apply: Callable[[], Any]) -> QTimer:
    """Apply the search a moment after the last key, not at every letter typed."""
    timer = QTimer(view)
    timer.setSingleShot(True)
    timer.setInterval(150)
    timer.timeout.connect(apply)
    search.textChanged.connect(lambda _t: timer.start())
    return timer


def show_rows(view: Any, rows: int, keep: int | None, row: int) -> None:
    """A paged list's table with its count ("120+ shown" while more can be fetched) and a
    row selected: `keep`'s when it is still listed, else the one at `row`. `view` has
    `list_stack`, `table`, `model` (with `row_of`) and `count_label`."""
    view.list_stack.setCurrentWidget(view.table)
    more = "+" if view.model.canFetchMore(QModelIndex()) else ""
    view.count_label.setText(_("{count} shown").format(count=f"{rows}{more}"))
    found = view.model.row_of(keep) if keep is not None else None
    view.table.selectRow(found if found is not None else min(max(row, 0), rows - 1))


def select_listed(view: Any, item_id: int) -> bool:
    """Select `item_id` in a paged list, fetching pages until it is listed (or none is
    left), and scroll to it. `view` has `table` and `model` (with `row_of`)."""
    while view.model.row_of(item_id) is None and view.model.canFetchMore(QModelIndex()):
        view.model.fetchMore(QModelIndex())
    row = view.model.row_of(item_id)
    if row is None:
        return False
    view.table.selectRow(row)
    view.table.scrollTo(view.model.index(row, 0))
    return True
