"""The Deliveries box in Settings: a schedule added from the form, sent now to a loopback
webhook, its log line; the mail server saved without its password; and the dialog that
offers what came due while cmdesk was closed."""

from __future__ import annotations

import json
import sys
import uuid
from datetime import UTC, datetime, time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from cmdesk.core.client import ClientProfile
from cmdesk.core.delivery import Channel, Schedule, SendState, Target, Timing
from cmdesk.core.schedule import Frequency
from cmdesk.share.deliver import Senders, due_deliveries
from cmdesk.store.paths import Home
from cmdesk.store.secrets import MemorySecrets
from cmdesk.store.workspace import Workspace
from cmdesk.ui.dialogs.due_deliveries import DueDeliveriesDialog
from cmdesk.ui.tasks import SyncTaskManager
from cmdesk.ui.views.deliveries import DeliveriesBox

# The connector tests' loopback HTTP server stands in for the webhook.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "publish"))


@pytest.fixture
def ws(tmp_path: Path):
    profile = ClientProfile(name="Fournil de Léa", slug="lea", timezone="Europe/Paris")
    with Workspace.create(tmp_path / "lea.cmdesk", profile) as w:
        w.teams.add("Qualité", kind="product", email="qualite@fournil.example")
        yield w


def _box(qtbot, ws: Workspace, home: Home) -> DeliveriesBox:
    tasks = SyncTaskManager()
    box = DeliveriesBox(tasks, home, interactive=False)
    tasks.changes.connect(box.on_changes)
    qtbot.addWidget(box)
    box.senders = Senders(passwords=MemorySecrets(uuid.uuid4().hex))
    box.set_workspace(ws)
    return box


def test_a_delivery_added_sent_now_and_logged(qtbot, ws: Workspace, tmp_path: Path) -> None:
    from loopback import Answer, LoopbackServer

    box = _box(qtbot, ws, Home(tmp_path / "home"))
    with LoopbackServer() as server:
        server.route("POST", "/hook", lambda r: Answer(200, b"ok"))
        box.kind.setCurrentIndex(box.kind.findData("export"))
        box.target.setCurrentIndex(box.target.findText("Qualité"))
        box.channel.setCurrentIndex(box.channel.findData("slack"))
        box.address.setText(server.url + "/hook")
        box.add()
        assert "cannot carry files" in box.last_error  # and nothing was added
        assert ws.deliveries.schedules() == [] and box.address.text() != ""
        box.channel.setCurrentIndex(box.channel.findData("json"))
        box.every.setCurrentIndex(box.every.findData("monthly"))
        box.monthday.setValue(2)
        box.add()
        [schedule] = ws.deliveries.schedules()
        assert schedule.timing.describe() == "on day 2 of every month at 08:00"
        assert box.table.rowCount() == 1 and box.table.item(0, 1).text() == "Qualité"
        box.table.selectRow(0)
        box.send_selected()
        [request] = server.requests("POST", "/hook")
        assert json.loads(request.body)["kind"] == "export"
    [record] = ws.deliveries.log()
    assert record.state is SendState.SENT
    assert box.log_table.rowCount() == 1 and box.log_table.item(0, 4).text() == "sent"


def test_the_mail_server_is_saved_without_its_password(
    qtbot, ws: Workspace, tmp_path: Path
) -> None:
    home = Home(tmp_path / "home")
    box = _box(qtbot, ws, home)
    box.smtp_host.setText("smtp.fournil.example")
    box.smtp_security.setCurrentIndex(box.smtp_security.findData("none"))
    box.smtp_user.setText("lea@fournil.example")
    box.smtp_password.setText("secret-du-four")
    box.save_smtp()
    assert "never sends a password over an unencrypted connection" in box.last_error
    box.smtp_security.setCurrentIndex(box.smtp_security.findData("starttls"))
    assert box.smtp_port.value() == 587
    box.save_smtp()
    saved = (tmp_path / "home" / "smtp.json").read_text()
    assert "starttls" in saved and "secret-du-four" not in saved
    assert box.senders is not None and box.senders.passwords is not None
    assert box.senders.passwords.get("lea@fournil.example@smtp.fournil.example") == (
        "secret-du-four"
    )
    assert box.smtp_password.text() == ""
    again = DeliveriesBox(SyncTaskManager(), home, interactive=False)
    qtbot.addWidget(again)
    assert again.smtp_host.text() == ""  # read when first shown, not before the window paints
    again.show()
    assert (again.smtp_host.text(), again.smtp_port.value()) == ("smtp.fournil.example", 587)


def test_what_came_due_while_closed_is_offered(qtbot, ws: Workspace) -> None:
    team = ws.teams.find("Qualité")
    assert team is not None
    ws.deliveries.add(Schedule(
        None, "export", Target(team.id), Channel.EMAIL, Timing(Frequency.WEEKLY, 0, time(8)),
        created_at=datetime(2026, 2, 23, 9, 0, tzinfo=UTC),
    ))  # fmt: skip
    waiting = due_deliveries(ws, datetime(2026, 3, 23, 6, 30, tzinfo=UTC))
    assert len(waiting) == 3
    dialog = DueDeliveriesDialog(waiting)
    qtbot.addWidget(dialog)
    assert dialog.list.count() == 3
    dialog.list.item(1).setCheckState(Qt.CheckState.Unchecked)
    dialog.skip_button.click()
    assert dialog.action == "skip"
    assert [d.period for d in dialog.chosen()] == [waiting[0].period, waiting[2].period]


def test_the_box_is_in_the_settings(make_window, gui_home: Home) -> None:
    window = make_window("en")
    assert window.deliveries_box.parent() is not None
    assert window.deliveries_box in window._parts()
