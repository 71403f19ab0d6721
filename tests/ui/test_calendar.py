"""The editorial calendar on a real workspace in Paris: posts at their local day and hour,
month and week, filters, moving posts by dragging (and what is refused), the clocks'
changes, the posts without a date, undo."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from calendar_support import (
    S,
    answer_dialog,
    calendar_view,
    centre_of_day,
    dated,
    option_texts,
    paris_workspace,
    pick,
    published,
)
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QDrag, QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from cmdesk.core.clock import utc_now
from cmdesk.core.schedule import to_local
from cmdesk.store.workspace import Workspace
from cmdesk.ui.dialogs.schedule import DstChoiceDialog
from cmdesk.ui.views.calendar import Loaded, Move, drop_wall, month_start


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Workspace]:
    with paris_workspace(tmp_path) as workspace:
        yield workspace


def test_posts_are_on_their_day_and_hour_in_the_clients_zone(qtbot, ws: Workspace) -> None:
    # 00:30 in Paris on 11 March is still 10 March in UTC: the calendar shows Paris.
    night = dated(ws, "Minuit passé", datetime(2026, 3, 11, 0, 30))
    assert night.scheduled_at == datetime(2026, 3, 10, 23, 30, tzinfo=UTC)
    morning = dated(ws, "Le pain du matin", datetime(2026, 3, 12, 9, 15), state=S.SCHEDULED)
    dated(ws, "Le mois d'après", datetime(2026, 4, 20, 9, 0))
    view = calendar_view(qtbot, ws)
    view.go_to(date(2026, 3, 1))
    grid = view.month
    assert grid.first == date(2026, 2, 23)  # the Monday before the 1st
    assert grid.target_at(grid.card_of(night.id).rect.center()) == date(2026, 3, 11)
    assert grid.target_at(grid.card_of(morning.id).rect.center()) == date(2026, 3, 12)
    assert {c.entry.post_id for c in grid.cards} == {night.id, morning.id}
    assert view.count_label.text() == "2 posts"
    assert view.title.text() == "March 2026"

    view.go_to(date(2026, 3, 11))
    view.show_week()
    week = view.week
    assert week.first == date(2026, 3, 9)
    assert week.target_at(week.card_of(night.id).rect.center()) == datetime(2026, 3, 11, 0, 0)
    assert week.target_at(week.card_of(morning.id).rect.center()) == datetime(2026, 3, 12, 9, 0)
    assert view.title.text() == "Mar 9\u2009–\u200915, 2026"  # thin spaces, as CLDR writes it

    # Another client zone: the same instants fall elsewhere on the clock.
    view.on_changes(ws.update_profile(timezone="America/Montreal"))
    assert week.target_at(week.card_of(night.id).rect.center()) == datetime(2026, 3, 10, 19, 0)


def test_only_the_range_on_screen_is_read_off_the_gui_thread(qtbot, ws: Workspace) -> None:
    for day in range(1, 29):
        dated(ws, f"Février {day}", datetime(2026, 2, day, 10, 0))
        dated(ws, f"Mars {day}", datetime(2026, 3, day, 10, 0))
    view = calendar_view(qtbot, ws)
    runs: list[str] = []
    view.tasks.task_started.connect(lambda handle: runs.append(handle.label))
    view.go_to(date(2026, 3, 20))
    assert runs == ["Reading the calendar"]
    start, end = view.visible_range()
    assert (start, end) == (
        datetime(2026, 2, 22, 23, 0, tzinfo=UTC),  # Monday 23 February, midnight in Paris
        datetime(2026, 4, 5, 22, 0, tzinfo=UTC),  # after Sunday 5 April (summer time)
    )
    read = {p.text for p in view.dated}
    assert "Février 22" not in read and {"Février 23", "Mars 10", "Mars 28"} <= read
    # Filters apply to what was read: no new read.
    view.state_filter.setCurrentIndex(view.state_filter.findData("idea"))
    assert runs == ["Reading the calendar"] and view.month.cards == []


def test_an_answer_for_a_range_no_longer_shown_is_dropped(qtbot, ws: Workspace) -> None:
    march = dated(ws, "Mars", datetime(2026, 3, 10, 10, 0))
    view = calendar_view(qtbot, ws)
    view.go_to(date(2026, 3, 1))
    stale = view.generation
    view.go_to(date(2026, 5, 1))
    view._loaded(Loaded(stale, date(2026, 2, 23), [ws.posts.get(march.id)], []))
    assert view.month.cards == [] and view.loaded_first == date(2026, 4, 27)


def test_month_and_week_switch_and_keys_move_through_time(qtbot, ws: Workspace) -> None:
    view = calendar_view(qtbot, ws)
    today = to_local(utc_now(), "Europe/Paris").date()
    assert view.mode == "month" and view.stack.currentWidget() is view.month
    qtbot.keyClick(view.month, Qt.Key.Key_PageDown)
    following = date(today.year + today.month // 12, today.month % 12 + 1, 1)
    assert view.anchor == following
    qtbot.keyClick(view.month, Qt.Key.Key_PageUp)
    qtbot.keyClick(view.month, Qt.Key.Key_PageUp)
    assert view.anchor.month == (today.month - 2) % 12 + 1
    qtbot.keyClick(view.month, Qt.Key.Key_T)
    assert view.anchor == today
    qtbot.keyClick(view.month, Qt.Key.Key_W)
    assert view.mode == "week" and view.stack.currentWidget() is view.week_scroll
    assert view.week_button.isChecked() and not view.month_button.isChecked()
    qtbot.keyClick(view.week, Qt.Key.Key_PageDown)
    assert view.anchor == today + timedelta(weeks=1)
    assert view.week.first == today + timedelta(weeks=1) - timedelta(days=today.weekday())
    view.month_button.click()
    assert view.mode == "month" and view.month.first == month_start(view.anchor)
    view.next_button.click()
    view.today_button.click()
    assert view.anchor == today


def test_a_crowded_day_shows_more_and_opens_its_week(qtbot, ws: Workspace) -> None:
    for hour in range(8, 20):
        dated(ws, f"À {hour} h", datetime(2026, 3, 12, hour, 0))
    view = calendar_view(qtbot, ws)
    view.go_to(date(2026, 3, 1))
    ((rect, day, count),) = view.month.more
    shown = sum(1 for c in view.month.cards if c.entry.wall.date() == day)
    assert day == date(2026, 3, 12) and shown + count == 12
    qtbot.mouseClick(view.month, Qt.MouseButton.LeftButton, pos=rect.center())
    assert view.mode == "week" and view.week.first == date(2026, 3, 9)
    assert len(view.week.cards) == 12


def test_filters_by_channel_and_state_in_the_calendar_and_the_list(qtbot, ws: Workspace) -> None:
    toot = dated(ws, "Sur Mastodon", datetime(2026, 3, 10, 9, 0), ["mastodon"], S.SCHEDULED)
    both = dated(ws, "Sur les deux", datetime(2026, 3, 11, 9, 0), ["mastodon", "bluesky"])
    sky = dated(ws, "Sur Bluesky", datetime(2026, 3, 12, 9, 0), ["bluesky"], S.IDEA)
    idea = ws.posts.create("Idée Bluesky", ["bluesky"], state=S.IDEA)
    loose = ws.posts.create("Idée sans réseau", state=S.IDEA)
    view = calendar_view(qtbot, ws)
    view.go_to(date(2026, 3, 1))

    def shown() -> tuple[set[int], set[int]]:
        listed = {
            view.undated_list.item(i).data(Qt.ItemDataRole.UserRole + 1)
            for i in range(view.undated_list.count())
        }
        return {c.entry.post_id for c in view.month.cards}, listed - {None}

    assert shown() == ({toot.id, both.id, sky.id}, {idea.id, loose.id})
    view.channel_filter.setCurrentIndex(view.channel_filter.findData("bluesky"))
    assert shown() == ({both.id, sky.id}, {idea.id})
    view.state_filter.setCurrentIndex(view.state_filter.findData("idea"))
    assert shown() == ({sky.id}, {idea.id})
    view.channel_filter.setCurrentIndex(0)
    assert shown() == ({sky.id}, {idea.id, loose.id})
    view.state_filter.setCurrentIndex(view.state_filter.findData("scheduled"))
    assert shown() == ({toot.id}, set())
    assert view.undated_list.item(0).text() == "Every post has a date."
    # The legend names the channels present, in their colours.
    assert "Mastodon" in view.legend.text() and "Bluesky" in view.legend.text()


def test_dropping_a_post_on_a_day_or_an_hour_moves_it_and_ctrl_z_puts_it_back(
    qtbot, ws: Workspace
) -> None:
    in_a_week = to_local(utc_now(), "Europe/Paris").date() + timedelta(days=7)
    wall = datetime.combine(in_a_week, datetime.min.time()).replace(hour=9, minute=45)
    post = dated(ws, "Le pain de la semaine", wall, ["mastodon"], S.SCHEDULED)
    view = calendar_view(qtbot, ws)
    view.go_to(in_a_week)
    messages: list[str] = []
    view.message.connect(messages.append)
    target = in_a_week + timedelta(days=2)
    # The same path as a drop: the grid says where, the view moves it.
    assert view.month.drop_at(post.id, centre_of_day(view, target))
    moved = ws.posts.get(post.id)
    assert moved.wall_time == wall + timedelta(days=2) and moved.state is S.SCHEDULED
    assert moved.variants[0].due_at == moved.scheduled_at  # the runner follows
    assert view.month.target_at(view.month.card_of(post.id).rect.center()) == target
    assert "moved to" in messages[-1] and "Ctrl+Z" in messages[-1]

    view.show_week()
    view.go_to(target)
    slot = view.week.slot_rect((target - view.week.first).days, 14).center()
    assert view.week.drop_at(post.id, slot)
    assert ws.posts.get(post.id).wall_time == datetime.combine(target, datetime.min.time()).replace(
        hour=14, minute=45
    )  # the hour changes, the minutes stay
    history = [h.action for h in ws.posts.history(post.id)]
    assert history.count("rescheduled") == 2

    qtbot.keyClick(view.week, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert ws.posts.get(post.id).wall_time == wall + timedelta(days=2)
    qtbot.keyClick(view.week, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    back = ws.posts.get(post.id)
    assert back.wall_time == wall and back.scheduled_at == post.scheduled_at
    qtbot.keyClick(view.week, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert messages[-1] == "Nothing to undo."


def platform_drag(monkeypatch, target, pos: QPoint, started: list) -> None:
    """Replace the platform's drag loop (QDrag.exec, which does nothing offscreen) by the
    events it sends to the widget under the mouse: enter, move, drop at `pos`."""

    def loop(drag: QDrag, action=Qt.DropAction.MoveAction, *rest) -> Qt.DropAction:
        data = drag.mimeData()
        started.append((data, action))
        buttons, keys = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
        enter = QDragEnterEvent(pos, action, data, buttons, keys)
        QApplication.sendEvent(target, enter)
        if not enter.isAccepted():
            return Qt.DropAction.IgnoreAction
        move = QDragMoveEvent(pos, action, data, buttons, keys)
        QApplication.sendEvent(target, move)
        drop = QDropEvent(QPointF(pos), action, data, buttons, keys)
        QApplication.sendEvent(target, drop)
        return action if drop.isAccepted() else Qt.DropAction.IgnoreAction

    monkeypatch.setattr(QDrag, "exec", loop)


def mouse_drag(qtbot, widget, start: QPoint) -> None:
    qtbot.mousePress(widget, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(widget, start + QPoint(QApplication.startDragDistance() + 5, 3))
    qtbot.mouseRelease(widget, Qt.MouseButton.LeftButton, pos=start)


def test_a_real_drag_from_a_card_to_another_day(qtbot, ws: Workspace, monkeypatch) -> None:
    """Mouse press and move on a card start a drag carrying the post, and its drop on
    another day moves it (the platform's drag loop replaced by the events it sends)."""
    post = dated(ws, "Glissée", datetime(2026, 3, 10, 9, 0))
    view = calendar_view(qtbot, ws)
    view.go_to(date(2026, 3, 1))
    grid = view.month
    started: list = []
    platform_drag(monkeypatch, grid, centre_of_day(view, date(2026, 3, 19)), started)
    mouse_drag(qtbot, grid, grid.card_of(post.id).rect.center())
    assert [a for _d, a in started] == [Qt.DropAction.MoveAction]
    assert ws.posts.get(post.id).wall_time == datetime(2026, 3, 19, 9, 0)
    assert grid.target_at(grid.card_of(post.id).rect.center()) == date(2026, 3, 19)
    # Onto the list of posts without a date: the draft loses its date.
    rect = view.undated_list.viewport().rect()
    platform_drag(monkeypatch, view.undated_list.viewport(), rect.center(), started)
    mouse_drag(qtbot, grid, grid.card_of(post.id).rect.center())
    assert ws.posts.get(post.id).scheduled_at is None
    assert view.undated_list.item(0).text() == "Glissée"


def test_a_refused_move_says_why_and_the_post_stays(qtbot, ws: Workspace) -> None:
    gone = published(ws, "Déjà publiée", datetime(2026, 3, 10, 9, 0))
    view = calendar_view(qtbot, ws)
    view.go_to(date(2026, 3, 1))
    messages: list[str] = []
    view.message.connect(messages.append)
    before = ws.posts.history(gone.id)
    view.month.drop_at(gone.id, centre_of_day(view, date(2026, 3, 20)))
    assert "cannot be changed" in view.last_error and "Published" in view.last_error
    assert messages[-1].startswith("The post was not moved")
    assert ws.posts.get(gone.id).scheduled_at == gone.scheduled_at
    assert ws.posts.history(gone.id) == before
    assert view.month.target_at(view.month.card_of(gone.id).rect.center()) == date(2026, 3, 10)

    # A scheduled post dragged into the past would go out at once: refused before writing.
    soon = to_local(utc_now(), "Europe/Paris") + timedelta(days=2)
    post = dated(ws, "Bientôt", soon.replace(second=0, microsecond=0), state=S.SCHEDULED)
    view.go_to(soon.date())
    view.move_post(post.id, soon.replace(microsecond=0) - timedelta(days=5))
    assert "passed" in view.last_error
    assert ws.posts.get(post.id).scheduled_at == post.scheduled_at
    # A draft may go anywhere: it is not sent.
    draft = dated(ws, "Brouillon", soon.replace(second=0, microsecond=0))
    view.move_post(draft.id, soon.replace(second=0, microsecond=0) - timedelta(days=5))
    assert ws.posts.get(draft.id).wall_time == soon.replace(second=0, microsecond=0) - timedelta(
        days=5
    )


def test_a_drop_on_the_hour_the_clocks_skip_asks_which_time(qtbot, ws: Workspace) -> None:
    post = dated(ws, "Nuit du changement", datetime(2026, 3, 28, 9, 30), ["mastodon"])
    view = calendar_view(qtbot, ws)
    view.go_to(date(2026, 3, 29))
    view.show_week()
    sunday = (date(2026, 3, 29) - view.week.first).days
    assert view.week.changes[(date(2026, 3, 29), 2)].value == "gap"
    assert "does not exist" in view.week.tooltip_at(view.week.slot_rect(sunday, 2).center())
    seen: list[DstChoiceDialog] = []
    answer_dialog(DstChoiceDialog, pick(1), seen)
    view.week.drop_at(post.id, view.week.slot_rect(sunday, 2).center())
    (dialog,) = seen
    assert dialog.windowTitle() == "This time does not exist"
    assert option_texts(dialog) == [
        "At 3:00 AM, as soon as the clocks have gone forward",
        "At 3:30 AM (2:30 AM by the clocks before the change)",
    ]
    moved = ws.posts.get(post.id)
    assert moved.scheduled_at == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    assert moved.wall_time == datetime(2026, 3, 29, 3, 30)
    # Cancelled: nothing moves.
    answer_dialog(DstChoiceDialog, pick(0, accept=False), seen)
    view.week.drop_at(post.id, view.week.slot_rect(sunday, 2).center())
    assert len(seen) == 2 and ws.posts.get(post.id).scheduled_at == moved.scheduled_at


def test_a_drop_on_the_hour_that_happens_twice_asks_which_one(qtbot, ws: Workspace) -> None:
    post = dated(ws, "Heure d'hiver", datetime(2026, 10, 24, 2, 15), ["bluesky"])
    view = calendar_view(qtbot, ws)
    view.go_to(date(2026, 10, 25))
    view.show_week()
    seen: list[DstChoiceDialog] = []
    answer_dialog(DstChoiceDialog, pick(1), seen)
    view.move_post(post.id, drop_wall(datetime(2026, 10, 25, 2, 0), post.wall_time))
    (dialog,) = seen
    assert option_texts(dialog) == [
        "2:15 AM the first time (summer time)",
        "2:15 AM the second time (winter time)",
    ]
    moved = ws.posts.get(post.id)
    assert moved.scheduled_at == datetime(2026, 10, 25, 1, 15, tzinfo=UTC)
    assert moved.wall_time == datetime(2026, 10, 25, 2, 15)
    # Undo puts it back at its own time, without asking again.
    view.undo()
    assert ws.posts.get(post.id).wall_time == datetime(2026, 10, 24, 2, 15)
    # Undoing a move away from the second 02:15 goes back to that instant, not the first.
    view.undo_stack.append(Move(post.id, moved.wall_time, "Europe/Paris", moved.scheduled_at))
    view.undo()
    assert ws.posts.get(post.id).scheduled_at == datetime(2026, 10, 25, 1, 15, tzinfo=UTC)


def test_ideas_without_a_date_are_dragged_onto_the_calendar_and_back(
    qtbot, ws: Workspace, monkeypatch
) -> None:
    idea = ws.posts.create("Une idée pour mars", ["instagram"], state=S.IDEA)
    draft = dated(ws, "Daté pour rien", datetime(2026, 3, 3, 11, 0))
    view = calendar_view(qtbot, ws)
    view.go_to(date(2026, 3, 1))
    items = [view.undated_list.item(i) for i in range(view.undated_list.count())]
    assert [i.text() for i in items] == ["Une idée pour mars"]
    # Dragged from the list onto a day: the idea gets that day at 09:00. The list offers
    # a copy, so a refused drop never takes its row away.
    started: list = []
    platform_drag(monkeypatch, view.month, centre_of_day(view, date(2026, 3, 17)), started)
    rect = view.undated_list.visualItemRect(items[0])
    mouse_drag(qtbot, view.undated_list.viewport(), rect.center())
    assert [a for _d, a in started] == [Qt.DropAction.CopyAction]
    placed = ws.posts.get(idea.id)
    assert placed.wall_time == datetime(2026, 3, 17, 9, 0) and placed.state is S.IDEA
    assert view.undated_list.item(0).text() == "Every post has a date."
    assert view.month.card_of(idea.id) is not None

    # A dated post dropped on the list loses its date.
    view.take_date_off(draft.id)
    assert ws.posts.get(draft.id).scheduled_at is None
    assert view.undated_list.item(0).text() == "Daté pour rien"
    view.undo()
    assert ws.posts.get(draft.id).wall_time == datetime(2026, 3, 3, 11, 0)
    # A scheduled post keeps its time: the store says why.
    on = dated(ws, "Programmée", datetime(2030, 3, 3, 11, 0), state=S.SCHEDULED)
    view.go_to(date(2030, 3, 1))
    view.take_date_off(on.id)
    assert "unschedule it first" in view.last_error
    assert ws.posts.get(on.id).scheduled_at is not None


def test_double_click_opens_the_post(qtbot, ws: Workspace) -> None:
    post = dated(ws, "À ouvrir", datetime(2026, 3, 10, 9, 0))
    idea = ws.posts.create("Idée à ouvrir", state=S.IDEA)
    view = calendar_view(qtbot, ws)
    view.go_to(date(2026, 3, 1))
    opened: list[int] = []
    view.open_post.connect(opened.append)
    qtbot.mouseDClick(
        view.month, Qt.MouseButton.LeftButton, pos=view.month.card_of(post.id).rect.center()
    )
    item = view.undated_list.item(0)
    rect = view.undated_list.visualItemRect(item)
    # A double click comes after a click: the list opens the item it was pressed on.
    qtbot.mouseClick(view.undated_list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(view.undated_list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseClick(
        view.month, Qt.MouseButton.LeftButton, pos=view.month.card_of(post.id).rect.center()
    )
    qtbot.keyClick(view.month, Qt.Key.Key_Return)
    assert opened == [post.id, idea.id, post.id]


def test_a_workspace_of_thousands_of_posts_stays_quick(qtbot, ws: Workspace) -> None:
    import time

    with ws.atomic():
        for i in range(3000):
            post = ws.posts.create(f"Publication {i}", ["mastodon", "bluesky"][: 1 + i % 2])
            ws.posts.reschedule(post.id, datetime(2026, 1, 1, 8, 0) + timedelta(hours=7 * i))
    view = calendar_view(qtbot, ws)
    started = time.perf_counter()
    view.go_to(date(2026, 3, 1))
    view.month.grab()  # painted
    month_time = time.perf_counter() - started
    assert 140 <= len(view.dated) <= 150  # six weeks of a post every seven hours
    started = time.perf_counter()
    for _i in range(4):
        view.go(1)
        view.month.grab()
    assert month_time < 0.5 and (time.perf_counter() - started) / 4 < 0.5
