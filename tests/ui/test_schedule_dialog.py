"""The "Schedule…" dialog and the posting slots editor on a real workspace in Paris: a date
and time, the queue's next free slot, repeats, the clocks' changes, refusals; slots added
and removed, in Settings too."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest
from calendar_support import S, answer_dialog, paris_workspace, pick
from PySide6.QtCore import QDate, Qt, QTime
from PySide6.QtWidgets import QDialogButtonBox, QLabel

from cmdesk.core.clock import utc_now
from cmdesk.core.schedule import Frequency, Slot, to_local
from cmdesk.store.workspace import Workspace
from cmdesk.ui.dialogs.schedule import DstChoiceDialog, ScheduleDialog
from cmdesk.ui.tasks import SyncTaskManager
from cmdesk.ui.views.posting_slots import PostingSlotsEditor


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Workspace]:
    with paris_workspace(tmp_path) as workspace:
        yield workspace


def dialog_for(qtbot, ws: Workspace, post_id: int) -> ScheduleDialog:
    dialog = ScheduleDialog(ws, SyncTaskManager(), ws.posts.get(post_id), interactive=False)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def set_when(dialog: ScheduleDialog, wall: datetime) -> None:
    dialog.at_time.setChecked(True)
    dialog.date.setDate(QDate(wall.year, wall.month, wall.day))
    dialog.time.setTime(QTime(wall.hour, wall.minute))


def ok(dialog: ScheduleDialog):
    return dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)


def test_a_draft_is_scheduled_at_a_date_and_time_of_the_clients_zone(qtbot, ws) -> None:
    post = ws.posts.create("Le pain de Pâques", ["mastodon", "bluesky"])
    dialog = dialog_for(qtbot, ws, post.id)
    tomorrow = to_local(utc_now(), "Europe/Paris").date() + timedelta(days=1)
    assert dialog.wall() == datetime.combine(tomorrow, time(9, 0))  # the default
    zone_labels = [w.text() for w in dialog.findChildren(QLabel) if "Europe/Paris" in w.text()]
    assert zone_labels == ["(Europe/Paris time)"]
    assert ok(dialog).text() == "Schedule"
    wall = datetime(2030, 6, 4, 18, 30)
    set_when(dialog, wall)
    saved: list = []
    dialog.scheduled.connect(saved.append)
    qtbot.mouseClick(ok(dialog), Qt.MouseButton.LeftButton)
    stored = ws.posts.get(post.id)
    assert stored.state is S.SCHEDULED and stored.wall_time == wall
    assert stored.scheduled_at == datetime(2030, 6, 4, 16, 30, tzinfo=UTC)  # summer time
    assert saved == [stored] and dialog.result() == dialog.DialogCode.Accepted
    assert stored.recurrence is None and not stored.evergreen

    # Opened again, it shows the post's time and moves it.
    again = dialog_for(qtbot, ws, post.id)
    assert again.wall() == wall
    set_when(again, wall + timedelta(days=1))
    again.save()
    assert ws.posts.get(post.id).wall_time == wall + timedelta(days=1)


def test_repeats_and_evergreen_are_stored_with_the_time(qtbot, ws) -> None:
    post = ws.posts.create("Le pain du vendredi", ["mastodon"])
    dialog = dialog_for(qtbot, ws, post.id)
    assert not dialog.interval.isEnabled()
    set_when(dialog, datetime(2030, 10, 18, 9, 0))
    dialog.repeat.setCurrentIndex(dialog.repeat.findData(Frequency.WEEKLY))
    assert dialog.interval.isEnabled()
    dialog.interval.setValue(2)
    dialog.evergreen.setChecked(True)
    dialog.save()
    stored = ws.posts.get(post.id)
    assert stored.recurrence is not None and stored.evergreen
    assert (stored.recurrence.frequency, stored.recurrence.interval) == (Frequency.WEEKLY, 2)
    # Every two weeks at 09:00 on the clock, across the change to winter time.
    assert stored.recurrence.occurrences(stored.scheduled_at, 1) == [
        datetime(2030, 11, 1, 8, 0, tzinfo=UTC)
    ]
    again = dialog_for(qtbot, ws, post.id)
    assert again.repeat.currentData() is Frequency.WEEKLY and again.interval.value() == 2
    again.repeat.setCurrentIndex(again.repeat.findData(None))
    again.evergreen.setChecked(False)
    again.save()
    assert ws.posts.get(post.id).recurrence is None


def test_add_to_queue_takes_the_channels_next_free_slot(qtbot, ws) -> None:
    post = ws.posts.create("Dans la file", ["bluesky", "mastodon"])
    dialog = dialog_for(qtbot, ws, post.id)
    dialog.in_queue.setChecked(True)
    assert not dialog.date.isEnabled() and dialog.channel.isEnabled()
    assert "no posting slot" in dialog.slot_label.text()
    assert "Settings" in dialog.slot_label.text()
    ws.posts.add_slot("mastodon", Slot.parse("tue 09:00"))
    ws.posts.add_slot("mastodon", Slot.parse("thu 09:00"))
    taken = ws.posts.create("Déjà là", ["mastodon"])
    first = ws.posts.add_to_queue(taken.id)
    dialog.channel.setCurrentIndex(dialog.channel.findData("mastodon"))
    expected = ws.posts.next_slot("mastodon", post_id=post.id)
    assert expected.choices[0] != first.scheduled_at
    assert dialog.slot_label.text().startswith("Next free slot: ")
    assert dialog.slot_label.text().endswith("9:00\u202fAM")
    dialog.save()
    stored = ws.posts.get(post.id)
    assert stored.state is S.SCHEDULED and stored.scheduled_at == expected.choices[0]
    assert stored.wall_time is not None and stored.wall_time.time() == time(9, 0)
    assert stored.wall_time.weekday() in (1, 3)


def test_an_idea_only_gets_a_date_on_the_calendar(qtbot, ws) -> None:
    idea = ws.posts.create("Une idée", ["instagram"], state=S.IDEA)
    dialog = dialog_for(qtbot, ws, idea.id)
    assert ok(dialog).text() == "Put on the calendar"
    assert "Idea" in dialog.note.text() and "approved" in dialog.note.text()
    set_when(dialog, datetime(2026, 1, 15, 10, 0))  # in the past: an idea is not sent
    dialog.save()
    stored = ws.posts.get(idea.id)
    assert stored.state is S.IDEA and stored.wall_time == datetime(2026, 1, 15, 10, 0)
    # From the queue too, without scheduling it.
    ws.posts.add_slot("instagram", Slot.parse("fri 17:30"))
    dialog = dialog_for(qtbot, ws, idea.id)
    dialog.in_queue.setChecked(True)
    dialog.save()
    stored = ws.posts.get(idea.id)
    assert stored.state is S.IDEA and stored.wall_time is not None
    assert stored.wall_time.weekday() == 4 and stored.wall_time.time() == time(17, 30)
    # Without a channel there is no queue to join.
    loose = ws.posts.create("Sans réseau", state=S.IDEA)
    assert not dialog_for(qtbot, ws, loose.id).in_queue.isEnabled()


def test_a_time_in_the_past_or_refused_keeps_the_dialog_open_with_the_reason(qtbot, ws) -> None:
    post = ws.posts.create("Trop tard", ["mastodon"])
    dialog = dialog_for(qtbot, ws, post.id)
    set_when(dialog, datetime(2025, 1, 1, 9, 0))
    dialog.save()
    assert "passed" in dialog.error.text() and dialog.isVisible()
    assert ws.posts.get(post.id).scheduled_at is None
    # The store's refusal, in the dialog: a post without a channel cannot be scheduled.
    bare = ws.posts.create("Sans réseau")
    dialog = dialog_for(qtbot, ws, bare.id)
    set_when(dialog, datetime(2030, 1, 1, 9, 0))
    dialog.save()
    assert "at least one channel" in dialog.error.text() and dialog.isVisible()
    assert ok(dialog).isEnabled()
    assert ws.posts.get(bare.id).scheduled_at is None


def test_a_time_the_clocks_skip_or_repeat_asks_first(qtbot, ws) -> None:
    post = ws.posts.create("La nuit du changement", ["mastodon"])
    dialog = dialog_for(qtbot, ws, post.id)
    set_when(dialog, datetime(2030, 3, 31, 2, 30))  # Paris skips 02:00-03:00 that night
    seen: list = []
    answer_dialog(DstChoiceDialog, pick(0), seen)
    dialog.save()
    explanation = seen[0].findChildren(QLabel)[0].text()
    assert "the clocks go forward from 2:00\u202fAM to 3:00\u202fAM" in explanation
    stored = ws.posts.get(post.id)
    assert stored.scheduled_at == datetime(2030, 3, 31, 1, 0, tzinfo=UTC)
    assert stored.wall_time == datetime(2030, 3, 31, 3, 0)

    dialog = dialog_for(qtbot, ws, post.id)
    set_when(dialog, datetime(2030, 10, 27, 2, 30))  # and shows 02:00-03:00 twice there
    answer_dialog(DstChoiceDialog, pick(1), seen)
    dialog.save()
    stored = ws.posts.get(post.id)
    assert stored.scheduled_at == datetime(2030, 10, 27, 1, 30, tzinfo=UTC)
    # Cancelled: the dialog stays, nothing is written.
    dialog = dialog_for(qtbot, ws, post.id)
    set_when(dialog, datetime(2030, 10, 27, 2, 45))
    answer_dialog(DstChoiceDialog, lambda d: d.reject(), seen)
    dialog.save()
    assert len(seen) == 3 and dialog.isVisible()
    assert ws.posts.get(post.id).scheduled_at == stored.scheduled_at


def slots_editor(qtbot, ws: Workspace) -> PostingSlotsEditor:
    tasks = SyncTaskManager()
    editor = PostingSlotsEditor(tasks, interactive=False)
    tasks.changes.connect(editor.on_changes)
    qtbot.addWidget(editor)
    editor.set_workspace(ws)
    with qtbot.waitActive(editor):
        editor.show()
        editor.activateWindow()
    return editor


def cells(editor: PostingSlotsEditor) -> list[tuple[str, ...]]:
    table = editor.table
    return [tuple(table.item(r, c).text() for c in range(3)) for r in range(table.rowCount())]


def test_slots_are_added_and_removed_and_the_queue_uses_them(qtbot, ws) -> None:
    editor = slots_editor(qtbot, ws)
    assert cells(editor) == [] and not editor.remove_button.isEnabled()
    assert "Europe/Paris" in editor.hint.text()
    for channel, day, clock in (("mastodon", 1, (9, 0)), ("mastodon", 3, (9, 0)),
                                ("bluesky", 0, (18, 0))):  # fmt: skip
        editor.channel.setCurrentIndex(editor.channel.findData(channel))
        editor.day.setCurrentIndex(editor.day.findData(day))
        editor.time.setTime(QTime(*clock))
        qtbot.mouseClick(editor.add_button, Qt.MouseButton.LeftButton)
    assert ws.posts.slots() == [
        ("bluesky", Slot(0, time(18, 0))),
        ("mastodon", Slot(1, time(9, 0))),
        ("mastodon", Slot(3, time(9, 0))),
    ]
    assert cells(editor) == [
        ("Mastodon", "Tuesday", "09:00"),
        ("Mastodon", "Thursday", "09:00"),
        ("Bluesky", "Monday", "18:00"),
    ]
    # The next free slot of each channel, once per channel.
    assert editor.table.item(0, 3).text().endswith("9:00\u202fAM")
    assert editor.table.item(1, 3).text() == ""
    messages: list[str] = []
    editor.message.connect(messages.append)
    editor.add()  # Monday 18:00 on Bluesky again
    assert messages == ["This slot is already there."] and len(ws.posts.slots()) == 3

    post = ws.posts.create("Un", ["mastodon"])
    now = datetime(2030, 3, 25, 12, 0, tzinfo=UTC)  # a Monday
    assert ws.posts.add_to_queue(post.id, now=now).wall_time == datetime(2030, 3, 26, 9, 0)

    editor.table.selectRow(0)
    qtbot.mouseClick(editor.remove_button, Qt.MouseButton.LeftButton)
    assert [s for _c, s in ws.posts.slots("mastodon")] == [Slot(3, time(9, 0))]
    second = ws.posts.create("Deux", ["mastodon"])
    assert ws.posts.add_to_queue(second.id, now=now).wall_time == datetime(2030, 3, 28, 9, 0)
    editor.table.selectRow(1)
    editor.table.setFocus()
    qtbot.keyClick(editor.table, Qt.Key.Key_Delete)
    assert ws.posts.slots() == [("mastodon", Slot(3, time(9, 0)))]


def test_the_slots_editor_is_in_the_settings_of_the_open_client(qtbot, make_window, ws) -> None:
    ws.posts.add_slot("x", Slot.parse("wed 12:00"))
    path = ws.path
    ws.close()
    window = make_window("en")
    assert window.open_workspace(path)
    editor = window.slots_editor
    assert editor.parent() is not None and editor.ws is window.workspace
    assert cells(editor) == [("X", "Wednesday", "12:00")]
    editor.channel.setCurrentIndex(editor.channel.findData("x"))
    editor.day.setCurrentIndex(editor.day.findData(4))
    editor.add()
    assert cells(editor)[-1] == ("X", "Friday", "09:00")
    assert window.workspace.posts.slots("x")[-1] == ("x", Slot(4, time(9, 0)))
