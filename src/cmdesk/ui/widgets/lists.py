"""The frame the list sections share: a search bar over the list, and the list table."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)


def top_bar(view: QWidget) -> tuple[QVBoxLayout, QHBoxLayout]:
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
    root, bar = top_bar(view)
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
