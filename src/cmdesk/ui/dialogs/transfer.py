"""What leaves the window as files, and what comes back: a list exported with the filters on
screen (CSV, XLSX, JSON), the whole workspace as JSON, a new client from such a file, and
the handover folder of a client.

Each runs on the task pool with its progress and Cancel in the status bar; a cancel or a
failure leaves no file behind (the engine writes beside the destination and moves the
file into place once complete). What was made is then offered to be opened.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QStandardPaths, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from cmdesk.i18n import N_, _, ngettext
from cmdesk.share import tables
from cmdesk.share.handover import hand_over
from cmdesk.store import portable
from cmdesk.store.exports import Rows
from cmdesk.store.home import unique_slug
from cmdesk.store.workspace import Workspace
from cmdesk.ui.tasks import Cancelled, TaskContext, TaskHandle
from cmdesk.ui.widgets.feedback import failure_reporter

TABLE_FILTERS = {
    "xlsx": N_("Excel workbooks (*.xlsx)"),
    "csv": N_("CSV files (*.csv)"),
    "json": N_("JSON files (*.json)"),
}
WORKSPACE_FILTER = N_("cmdesk workspace exports (*.json)")


def documents() -> Path:
    return Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation))


def ask_save_path(
    parent: QWidget, title: str, proposed: Path, filters: dict[str, str]
) -> Path | None:
    """The file to write, asked with a file dialog that proposes `proposed`; `filters` maps
    each suffix offered to its (untranslated) filter. A name typed without one of these
    suffixes gets the suffix of the filter chosen."""
    labels = {suffix: _(label) for suffix, label in filters.items()}
    chosen, picked = QFileDialog.getSaveFileName(
        parent,
        title,
        str(proposed),
        ";;".join(labels.values()),
        labels.get(proposed.suffix.lower().lstrip("."), ""),
    )
    if not chosen:
        return None
    path = Path(chosen)
    if path.suffix.lower().lstrip(".") not in labels:
        suffix = next((f for f, label in labels.items() if label == picked), next(iter(labels)))
        path = path.with_name(f"{path.name}.{suffix}")
    return path


def offer_to_open(parent: QWidget, title: str, text: str, path: Path, *, folder: bool) -> None:
    """Say what was written, with a button to open it (a file, or the folder it is in)."""
    box = QMessageBox(QMessageBox.Icon.Information, title, text, parent=parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    open_file = None if folder else box.addButton(_("Open it"), QMessageBox.ButtonRole.AcceptRole)
    open_folder = box.addButton(_("Open the folder"), QMessageBox.ButtonRole.ActionRole)
    box.addButton(QMessageBox.StandardButton.Close)
    box.exec()
    if open_file is not None and box.clickedButton() is open_file:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
    elif box.clickedButton() is open_folder:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path if folder else path.parent)))


def filters_of(flt: object, **more: Any) -> dict[str, Any]:
    """The filters that narrow a list (its dataclass's fields that are set), for the head
    of a JSON export."""
    assert dataclasses.is_dataclass(flt) and not isinstance(flt, type)
    found = {**dataclasses.asdict(flt), **more}
    return {
        k: v.isoformat(timespec="seconds") if isinstance(v, datetime) else v
        for k, v in found.items()
        if v not in (None, "", False)
    }


def export_list(
    view: Any,
    kind: str,
    rows: Callable[[Workspace], Rows],
    filters: dict[str, Any],
    path: Path | None = None,
) -> TaskHandle | None:
    """Export what `view` (a section with `ws`, `tasks`, `message`, `interactive`) lists
    with its filters: `rows(ws)` is called on the task pool."""
    ws = view.ws
    if ws is None:
        return None
    slug = ws.profile().slug
    if path is None:
        proposed = documents() / f"{slug}-{kind}.xlsx"
        path = ask_save_path(view, _("Export the list"), proposed, TABLE_FILTERS)
        if path is None:
            return None
    target = path
    fmt = target.suffix.lower().lstrip(".")
    about = {"client": ws.profile().name, "filters": filters}

    def work(ctx: TaskContext) -> int:
        try:
            return tables.write_table(
                rows(ws), target, fmt, about=about, progress=ctx.progress, cancel=ctx.cancel_event
            )
        except tables.Cancelled:
            raise Cancelled from None

    def done(count: int) -> None:
        text = ngettext(
            "{count} row written to {path}.", "{count} rows written to {path}.", count
        ).format(count=count, path=target)
        view.message.emit(text)
        if view.interactive:
            offer_to_open(view, _("Export the list"), text, target, folder=False)

    return view.tasks.run(
        _("Exporting {file}").format(file=target.name),
        work,
        done,
        failure_reporter(view, _("Nothing was exported")),
    )


class ClientFiles:
    """The Client menu's whole-workspace entries, for the main window."""

    def __init__(self, window: Any) -> None:
        self.window = window
        self.imported: Path | None = None  # the last client made from an export
        self.handed_over: Path | None = None

    def _report(self, title: str) -> Callable[[BaseException], None]:
        window = self.window

        def show(exc: BaseException) -> None:
            from cmdesk.ui.widgets.panel import error_text

            window._message(title, error_text(exc))

        return show

    def export_workspace(self, path: Path | None = None) -> TaskHandle | None:
        window = self.window
        ws: Workspace | None = window.workspace
        if ws is None:
            return None
        if path is None:
            proposed = documents() / f"{ws.profile().slug}.json"
            path = ask_save_path(
                window, _("Export the whole workspace"), proposed, {"json": WORKSPACE_FILTER}
            )
            if path is None:
                return None
        target = path

        def work(ctx: TaskContext) -> portable.PortableSummary:
            try:
                return portable.export_workspace(
                    ws, target, progress=ctx.progress, cancel=ctx.cancel_event
                )
            except portable.Cancelled:
                raise Cancelled from None

        def done(summary: portable.PortableSummary) -> None:
            text = _("The whole workspace ({rows} rows) is in {path}. It holds no password.")
            text = text.format(rows=summary.rows, path=target)
            window._status_message(text)
            if window.interactive:
                offer_to_open(window, _("Export the whole workspace"), text, target, folder=True)

        return window.tasks.run(
            _("Exporting the workspace"), work, done, self._report(_("Nothing was exported"))
        )

    def import_workspace(self, source: Path | None = None) -> TaskHandle | None:
        window = self.window
        if source is None:
            chosen, _f = QFileDialog.getOpenFileName(
                window, _("Import a workspace"), str(documents()), _(WORKSPACE_FILTER)
            )
            if not chosen:
                return None
            source = Path(chosen)
        home, file = window.home, source

        def work(ctx: TaskContext) -> tuple[str, Path, int]:
            header = next(portable.read_export(file))
            name = str(header[1].get("client") or file.stem)
            home.ensure()
            target = home.workspace_path(unique_slug(home, name))
            try:
                summary = portable.import_workspace(
                    file, target, name=name, slug=target.stem,
                    progress=ctx.progress, cancel=ctx.cancel_event,
                )  # fmt: skip
            except portable.Cancelled:
                raise Cancelled from None
            return name, target, summary.rows

        def done(result: tuple[str, Path, int]) -> None:
            name, target, rows = result
            self.imported = target
            text = _(
                "New client “{name}” ({slug}) made from {file}: {rows} rows. Publishing accounts "
                "must be connected again (passwords are never exported)."
            ).format(name=name, slug=target.stem, file=file.name, rows=rows)
            window._status_message(text)
            if not window.interactive:
                return
            box = QMessageBox(QMessageBox.Icon.Information, _("Import a workspace"), text)
            box.setParent(window, box.windowFlags())
            switch = box.addButton(_("Open it now"), QMessageBox.ButtonRole.AcceptRole)
            box.addButton(_("Later"), QMessageBox.ButtonRole.RejectRole)
            box.exec()
            if box.clickedButton() is switch:
                window.open_workspace(target)

        return window.tasks.run(
            _("Importing {file}").format(file=file.name),
            work,
            done,
            self._report(_("Nothing was imported")),
        )

    def hand_over(self, folder: Path | None = None) -> TaskHandle | None:
        window = self.window
        ws: Workspace | None = window.workspace
        if ws is None:
            return None
        if folder is None:
            chosen = QFileDialog.getExistingDirectory(
                window, _("Where to put the handover folder"), str(documents())
            )
            if not chosen:
                return None
            folder = handover_folder(Path(chosen), ws.profile().slug)
        target = folder

        def work(ctx: TaskContext) -> Any:
            def progress(done: int, total: int) -> None:
                ctx.check()  # a cancel here: hand_over removes what it began
                ctx.progress(done, total)

            return hand_over(ws, target, progress=progress)

        def done(made: Any) -> None:
            self.handed_over = made.folder
            lines = [
                _("Handover folder ready: {folder}").format(folder=made.folder),
                "",
                "• " + made.workspace.name + "  — " + _("the client's file, without passwords"),
                "• " + made.playbook.name + "  — " + _("the playbook"),
                "• " + made.guide.name + "  — " + _("a guide for the recipient"),
            ]
            if made.accounts_removed:
                lines += ["", _("Accounts left out (to connect again by the recipient): {accounts}")
                          .format(accounts=", ".join(made.accounts_removed))]  # fmt: skip
            text = "\n".join(lines)
            window._status_message(lines[0])
            if window.interactive:
                offer_to_open(window, _("Hand over this client"), text, made.folder, folder=True)

        return window.tasks.run(
            _("Preparing the handover"), work, done, self._report(_("The handover was not made"))
        )


def handover_folder(chosen: Path, slug: str) -> Path:
    """`chosen` if it is empty, else a new folder inside it named after the client."""
    if not chosen.exists() or not any(chosen.iterdir()):
        return chosen
    base = chosen / _("{client}-handover").format(client=slug)
    folder, n = base, 1
    while folder.exists() and any(folder.iterdir()):
        n += 1
        folder = base.with_name(f"{base.name}-{n}")
    return folder
