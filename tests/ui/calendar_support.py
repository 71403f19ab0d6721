"""What the calendar's tests share: a client in Paris, a calendar view over it that follows
the workspace's changes like in the app, posts in the states the calendar shows, and a
hand on the modal dialogs the view opens."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from PySide6.QtCore import QPoint, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from cmdesk.core.client import ClientProfile
from cmdesk.core.posts import PostState
from cmdesk.core.publication import Post
from cmdesk.store.workspace import Workspace
from cmdesk.ui.tasks import SyncTaskManager
from cmdesk.ui.views.calendar import CalendarView

S = PostState


def paris_workspace(folder: Path, zone: str = "Europe/Paris") -> Workspace:
    profile = ClientProfile(name="Le Fournil", slug="fournil", timezone=zone)
    return Workspace.create(folder / "fournil.cmdesk", profile)


def calendar_view(qtbot, ws: Workspace) -> CalendarView:
    """A calendar with its tasks run inline, refreshed by the Changes its writes produce
    (as the main window's workspace_changed does), shown and active."""
    tasks = SyncTaskManager()
    view = CalendarView(tasks, interactive=False)
    tasks.changes.connect(view.on_changes)
    qtbot.addWidget(view)
    view.resize(1200, 800)
    view.set_workspace(ws)
    with qtbot.waitActive(view):
        view.show()
        view.activateWindow()
    return view


def dated(ws: Workspace, text: str, wall: datetime, channels=("mastodon",), state=S.DRAFT) -> Post:
    """A post at `wall` (the client's zone): scheduled, or only dated (idea, draft)."""
    post = ws.posts.create(text, list(channels), state=S.IDEA if state is S.IDEA else S.DRAFT)
    if state is S.SCHEDULED:
        return ws.posts.schedule(post.id, wall)
    ws.posts.reschedule(post.id, wall)
    if state not in (S.IDEA, S.DRAFT):
        ws.posts.set_state(post.id, state)
    return ws.posts.get(post.id)


def published(ws: Workspace, text: str, wall: datetime) -> Post:
    post = dated(ws, text, wall, state=S.SCHEDULED)
    for variant in post.variants:
        ws.posts.claim(variant.id, now=datetime.now().astimezone() + timedelta(days=3650))
        ws.posts.confirm(variant.id, "1", "https://piaille.fr/@fournil/1")
    return ws.posts.get(post.id)


def centre_of_day(view: CalendarView, day) -> QPoint:
    return view.month.cell_rect((day - view.month.first).days).center()


def answer_dialog(kind: type, act: Callable[[QWidget], None], seen: list) -> None:
    """Act on the next modal dialog of `kind` once it is open (its exec() blocks the
    test); `seen` gets the dialog, to look at after."""

    def attempt(tries: int = 0) -> None:
        found = [w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible()]
        if found:
            seen.append(found[0])
            act(found[0])
        elif tries < 100:
            QTimer.singleShot(20, lambda: attempt(tries + 1))

    QTimer.singleShot(0, attempt)


def pick(option: int, accept: bool = True) -> Callable[[QWidget], None]:
    """For answer_dialog: choose an option of the clock-change question, then OK or Cancel."""

    def act(dialog) -> None:
        dialog.options[option].setChecked(True)
        dialog.accept() if accept else dialog.reject()

    return act


def option_texts(dialog) -> list[str]:
    """The question's options, with Babel's narrow spaces ("3:00\u202fAM") as plain ones."""
    return [b.text().replace("\u202f", " ") for b in dialog.options]
