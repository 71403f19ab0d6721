"""Réglages: the client's profile, this workspace's file and backups, app preferences."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from babel.dates import format_datetime
from PySide6.QtCore import QByteArray, Qt, QUrl, Signal
from PySide6.QtGui import QColor, QDesktopServices, QFont, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QColorDialog,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from cmdesk.core.client import ClientProfile, parse_keywords
from cmdesk.i18n import LANGUAGES, _, current_language, format_ago, ngettext
from cmdesk.store.backup import BackupInfo
from cmdesk.ui.icons import icon, render_svg, swatch
from cmdesk.ui.widgets.fields import (
    language_box,
    sector_box,
    sector_value,
    select_data,
    set_sector,
    timezone_box,
)

LOGO_FILTER = "Images (*.png *.jpg *.jpeg *.svg)"
MIME_BY_SUFFIX = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}
MIME_BY_SUFFIX[".svg"] = "image/svg+xml"


@dataclass(frozen=True)
class WorkspaceInfo:
    path: Path
    location_warning: str | None
    latest_backup: BackupInfo | None
    backup_count: int
    secrets: str  # where passwords go, in plain words
    secrets_ok: bool


def logo_pixmap(data: bytes | None, mime: str, size: int) -> QPixmap:
    if not data:
        return QPixmap()
    if mime == "image/svg+xml":
        return render_svg(data, size)
    pixmap = QPixmap()
    pixmap.loadFromData(QByteArray(data))
    return pixmap.scaled(
        size, size, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
    )


def heading_font(widget: QWidget) -> QFont:
    font = QFont(widget.font())
    font.setPointSizeF(font.pointSizeF() * 1.6)
    font.setBold(True)
    return font


class SettingsView(QWidget):
    save_requested = Signal(dict)
    backup_requested = Signal()
    restore_requested = Signal()
    archive_requested = Signal(bool)
    delete_requested = Signal()
    language_requested = Signal(str)
    theme_requested = Signal(str)
    proxy_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("view-settings")
        self.profile: ClientProfile | None = None
        self.info: WorkspaceInfo | None = None
        self._logo: tuple[bytes | None, str] = (None, "")
        self._colour = "#2f6f9f"
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        outer.addWidget(scroll)
        body = QWidget()
        body.setMaximumWidth(960)  # long fields are hard to read on a wide screen
        scroll.setWidget(body)
        page = QVBoxLayout(body)
        page.setContentsMargins(32, 24, 32, 24)
        page.setSpacing(16)
        title = QLabel(_("Settings"))
        title.setFont(heading_font(title))
        page.addWidget(title)
        page.addWidget(self._profile_box())
        page.addWidget(self._workspace_box())
        self.app_box = self._app_box()
        page.addWidget(self.app_box)
        page.addStretch(1)
        self.page = page
        QShortcut(QKeySequence.StandardKey.Save, self, self._save)

    # -- building ----------------------------------------------------------------------------

    def _profile_box(self) -> QGroupBox:
        box = QGroupBox(_("Client profile"))
        form = QFormLayout(box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.name = QLineEdit()
        self.language = language_box()
        self.timezone = timezone_box()
        self.sector = sector_box()
        self.keywords = QPlainTextEdit()
        self.keywords.setPlaceholderText(_("One keyword or phrase per line"))
        self.keywords.setFixedHeight(90)
        self.colour_button = QPushButton()
        self.colour_button.clicked.connect(self._pick_colour)
        logo_row = QHBoxLayout()
        self.logo_preview = QLabel()
        self.logo_preview.setFixedSize(56, 56)
        self.logo_preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.logo_preview.setStyleSheet("border: 1px solid palette(mid); border-radius: 6px;")
        choose = QPushButton(_("Choose…"))
        choose.clicked.connect(self._pick_logo)
        self.remove_logo = QPushButton(_("Remove"))
        self.remove_logo.clicked.connect(lambda: self._set_logo(None, ""))
        logo_row.addWidget(self.logo_preview)
        logo_row.addWidget(choose)
        logo_row.addWidget(self.remove_logo)
        logo_row.addStretch(1)
        self.notes = QPlainTextEdit()
        self.notes.setPlaceholderText(
            _("Who to talk to, objectives, tone of voice, what to avoid…")
        )
        self.notes.setMinimumHeight(110)
        form.addRow(_("Name"), self.name)
        form.addRow(_("Language"), self.language)
        form.addRow(_("Time zone"), self.timezone)
        form.addRow(_("Sector"), self.sector)
        form.addRow(_("Brand keywords"), self.keywords)
        form.addRow(_("Colour"), self.colour_button)
        form.addRow(_("Logo"), logo_row)
        form.addRow(_("Notes"), self.notes)
        self.profile_error = QLabel()
        self.profile_error.setWordWrap(True)
        self.profile_error.setStyleSheet("color: #c0392b;")
        self.profile_error.hide()
        form.addRow(self.profile_error)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.revert_button = QPushButton(_("Revert"))
        self.revert_button.clicked.connect(self._revert)
        self.save_button = QPushButton(_("Save (Ctrl+S)"))
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self._save)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.save_button)
        form.addRow(buttons)
        return box

    def _workspace_box(self) -> QGroupBox:
        box = QGroupBox(_("Workspace file and backups"))
        layout = QVBoxLayout(box)
        self.path_label = QLabel()
        self.path_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.path_label.setWordWrap(True)
        layout.addWidget(self.path_label)
        self.warning = QLabel()
        self.warning.setWordWrap(True)
        self.warning.setObjectName("location-warning")
        self.warning.setStyleSheet(
            "background: #fff3cd; color: #664d03; border: 1px solid #ffe69c; "
            "border-radius: 4px; padding: 8px;"
        )
        layout.addWidget(self.warning)
        self.backup_label = QLabel()
        self.backup_label.setWordWrap(True)
        layout.addWidget(self.backup_label)
        row = QHBoxLayout()
        self.show_folder = QPushButton(icon("folder"), _("Show in folder"))
        self.show_folder.clicked.connect(self._show_folder)
        self.backup_button = QPushButton(_("Back up now"))
        self.backup_button.clicked.connect(self.backup_requested)
        self.restore_button = QPushButton(_("Restore a backup…"))
        self.restore_button.clicked.connect(self.restore_requested)
        self.archive_button = QPushButton()
        self.archive_button.clicked.connect(
            lambda: self.archive_requested.emit(not (self.profile and self.profile.archived))
        )
        self.delete_button = QPushButton(_("Delete this client…"))
        self.delete_button.clicked.connect(self.delete_requested)
        for b in (
            self.show_folder,
            self.backup_button,
            self.restore_button,
            self.archive_button,
            self.delete_button,
        ):
            row.addWidget(b)
        row.addStretch(1)
        layout.addLayout(row)
        return box

    def _app_box(self) -> QGroupBox:
        box = QGroupBox(_("Application"))
        form = QFormLayout(box)
        self.app_language = QComboBox()
        for code, name in LANGUAGES.items():
            self.app_language.addItem(name, code)
        select_data(self.app_language, current_language())
        self.app_language.activated.connect(
            lambda _i: self.language_requested.emit(self.app_language.currentData())
        )
        self.theme = QComboBox()
        self.theme.addItem(_("Follow the system"), "system")
        self.theme.addItem(_("Light"), "light")
        self.theme.addItem(_("Dark"), "dark")
        self.theme.activated.connect(lambda _i: self.theme_requested.emit(self.theme.currentData()))
        self.secrets_label = QLabel()
        self.secrets_label.setWordWrap(True)
        self.proxy = QLineEdit()
        self.proxy.setPlaceholderText(_("the system's settings (leave empty)"))
        self.proxy.editingFinished.connect(lambda: self.proxy_requested.emit(self.proxy.text()))
        form.addRow(_("Interface language"), self.app_language)
        form.addRow(_("Theme"), self.theme)
        form.addRow(_("Proxy for feeds"), self.proxy)
        form.addRow(_("Passwords"), self.secrets_label)
        return box

    def add_box(self, box: QWidget) -> None:
        """A part of the client's settings built elsewhere (the teams), before the app's."""
        self.page.insertWidget(self.page.indexOf(self.app_box), box)

    # -- showing -----------------------------------------------------------------------------

    def set_theme(self, theme: str) -> None:
        select_data(self.theme, theme)

    def load(self, profile: ClientProfile, info: WorkspaceInfo) -> None:
        self.profile = profile
        self._revert()
        self.load_info(info)

    def load_info(self, info: WorkspaceInfo) -> None:
        self.info = info
        self.path_label.setText(_("File: {path}").format(path=info.path))
        self.warning.setText(info.location_warning or "")
        self.warning.setVisible(bool(info.location_warning))
        if info.latest_backup is None:
            text = _("No backup yet. One is made automatically each day the client is opened.")
        else:
            when = format_datetime(info.latest_backup.taken_at, "medium", locale=current_language())
            count = info.backup_count
            text = " ".join(
                (
                    _("Last backup: {when} ({ago}).").format(
                        when=when, ago=format_ago(info.latest_backup.taken_at)
                    ),
                    ngettext(
                        "{count} backup kept in {folder}",
                        "{count} backups kept in {folder}",
                        count,
                    ).format(count=count, folder=info.latest_backup.path.parent),
                )
            )
        self.backup_label.setText(text)
        self.secrets_label.setText(info.secrets)
        self.secrets_label.setStyleSheet("" if info.secrets_ok else "color: #b35900;")
        archived = bool(self.profile and self.profile.archived)
        self.archive_button.setText(
            _("Bring back from archive") if archived else _("Archive this client")
        )

    def _revert(self) -> None:
        p = self.profile
        if p is None:
            return
        self.name.setText(p.name)
        select_data(self.language, p.language)
        self.timezone.setCurrentText(p.timezone)
        set_sector(self.sector, p.sector)
        self.keywords.setPlainText("\n".join(p.keywords))
        self._set_colour(p.colour)
        self._set_logo(p.logo, p.logo_mime)
        self.notes.setPlainText(p.notes)
        self.profile_error.hide()

    def _set_colour(self, colour: str) -> None:
        self._colour = colour
        self.colour_button.setText(colour)
        self.colour_button.setIcon(swatch(colour, 16))

    def _set_logo(self, data: bytes | None, mime: str) -> None:
        self._logo = (data, mime)
        self.logo_preview.setPixmap(logo_pixmap(data, mime, 48))
        if not data:
            self.logo_preview.setText(_("none"))
        self.remove_logo.setEnabled(bool(data))

    def _pick_colour(self) -> None:
        colour = QColorDialog.getColor(QColor(self._colour), self, _("Client colour"))
        if colour.isValid():
            self._set_colour(colour.name())

    def _pick_logo(self) -> None:
        name, _filter = QFileDialog.getOpenFileName(self, _("Choose a logo"), "", LOGO_FILTER)
        if not name:
            return
        path = Path(name)
        mime = MIME_BY_SUFFIX.get(path.suffix.lower(), "")
        try:
            data = path.read_bytes()
        except OSError as exc:
            QMessageBox.warning(self, _("Logo"), str(exc))
            return
        self._set_logo(data, mime)

    def values(self) -> dict[str, Any]:
        data, mime = self._logo
        return {
            "name": self.name.text().strip(),
            "language": self.language.currentData(),
            "timezone": self.timezone.currentText().strip(),
            "sector": sector_value(self.sector),
            "keywords": parse_keywords(self.keywords.toPlainText()),
            "colour": self._colour,
            "notes": self.notes.toPlainText(),
            "logo": data,
            "logo_mime": mime,
        }

    def show_error(self, message: str) -> None:
        self.profile_error.setText(message)
        self.profile_error.setVisible(bool(message))

    def _save(self) -> None:
        self.show_error("")
        self.save_requested.emit(self.values())

    def _show_folder(self) -> None:
        if self.info is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.info.path.parent)))
