"""Publishing in the app: the due-post timer off the GUI thread, the late posts at opening,
checking an unknown post, reconnecting an account, assisted publishing. Real workspace
files and the loopback Mastodon instance of tests/publish."""

from __future__ import annotations

import sys
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "publish"))
from loopback import Fault, LoopbackServer
from mastodon_server import INVALID_TOKEN, MastodonServer

from cmdesk.core.accounts import Account
from cmdesk.core.clock import utc_now
from cmdesk.core.posts import PostState
from cmdesk.core.publication import VariantState
from cmdesk.core.schedule import Slot
from cmdesk.i18n import set_language
from cmdesk.publish import mastodon as mastodon_api
from cmdesk.publish.connectors import factory
from cmdesk.store.home import create_client
from cmdesk.store.paths import Home
from cmdesk.store.secrets import MemorySecrets
from cmdesk.store.workspace import Workspace
from cmdesk.ui.dialogs import assisted
from cmdesk.ui.dialogs.late_posts import LatePostsDialog
from cmdesk.ui.publishing import PublishingRunner
from cmdesk.ui.tasks import TaskManager

S, V = PostState, VariantState
ZONE = ZoneInfo("Europe/Paris")
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81"
    b"\x84\x00\x00\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture
def mastodon() -> Iterator[MastodonServer]:
    with LoopbackServer() as server:
        yield MastodonServer(server)


@pytest.fixture
def secrets() -> MemorySecrets:
    return MemorySecrets(uuid.uuid4().hex)


@pytest.fixture
def client(gui_home: Home) -> Path:
    ws = create_client(gui_home, "Le Fournil", slug="fournil", timezone="Europe/Paris")
    path = ws.path
    ws.close()
    return path


def _local(moment: datetime) -> datetime:
    return moment.astimezone(ZONE).replace(tzinfo=None, microsecond=0)


def _post(ws: Workspace, text: str, channel: str, at: datetime, image: bool = False) -> int:
    post = ws.posts.create(text, [channel], actor="lea")
    if image:
        ws.posts.add_media(post.id, PNG, "Une miche dorée", filename="miche.png")
    ws.posts.schedule(post.id, _local(at), actor="lea")
    return post.id


def _mastodon(ws: Workspace, server: MastodonServer, secrets: MemorySecrets) -> Account:
    return ws.accounts.keep(mastodon_api.connect(server.url, server.personal_token(), secrets))


def _open(make_window, path: Path, secrets: MemorySecrets):  # type: ignore[no-untyped-def]
    window = make_window("en")
    assert window.open_workspace(path)
    window.publishing.connectors = lambda ws: factory(secrets)
    window.publishing.secrets = lambda ws: secrets
    notes: list[tuple[str, str]] = []
    window.publishing.notify.connect(lambda title, text: notes.append((title, text)))
    return window, notes


def test_the_window_sends_what_came_due_after_opening_and_lists_the_late_posts(
    make_window, client: Path, mastodon: MastodonServer, secrets: MemorySecrets
) -> None:
    now = utc_now()
    with Workspace.open(client) as ws:
        _mastodon(ws, mastodon, secrets)
        late = _post(ws, "Fermé pour congés", "mastodon", now - timedelta(days=2))
        soon = _post(ws, "Le pain est chaud", "mastodon", now - timedelta(minutes=1))
    window, _notes = _open(make_window, client, secrets)
    ws = window.workspace

    window.publishing.start_up()

    assert ws.posts.get(soon).state is S.PUBLISHED
    assert ws.posts.get(late).state is S.SCHEDULED  # waits for the user
    assert len(mastodon.statuses) == 1
    assert "1 published" in window.statusBar().currentMessage()

    dialog = window.publishing.show_late()
    assert isinstance(dialog, LatePostsDialog) and dialog.table.rowCount() == 1
    assert "Fermé pour congés" in dialog.table.item(0, 2).text()
    dialog.choose_all("now")
    dialog.apply()
    assert ws.posts.get(late).state is S.PUBLISHED
    assert len(mastodon.statuses) == 2
    assert window.publishing.show_late() is None  # nothing left


def test_the_run_happens_off_the_gui_thread(
    qtbot, client: Path, mastodon: MastodonServer, secrets: MemorySecrets
) -> None:
    ws = Workspace.open(client)
    try:
        _mastodon(ws, mastodon, secrets)
        post_id = _post(ws, "Pendant que l'instance réfléchit", "mastodon", utc_now())
        mastodon.server.fault("POST", "/api/v1/statuses", Fault(delay_s=1.5))
        parent = QWidget()
        qtbot.addWidget(parent)
        tasks = TaskManager()
        runner = PublishingRunner(
            tasks, parent, interactive=False, auto=False, connectors=lambda w: factory(secrets)
        )
        runner.set_workspace(ws, now=utc_now() - timedelta(minutes=1))
        ticks: list[int] = []
        timer = QTimer()
        timer.timeout.connect(lambda: ticks.append(1))
        timer.start(50)
        runner.poll()
        assert runner.running is not None  # returned at once, the send goes on elsewhere
        qtbot.waitUntil(lambda: runner.running is None, timeout=15_000)
        timer.stop()
        assert len(ticks) >= 10  # the event loop kept turning during the 1.5 s call
        assert ws.posts.get(post_id).state is S.PUBLISHED
        tasks.wait()
    finally:
        ws.close()


def test_late_posts_rescheduled_to_a_time_or_the_next_slot_or_skipped(qtbot, client: Path) -> None:
    set_language("fr")
    now = utc_now()
    with Workspace.open(client) as ws:
        ws.posts.add_slot("bluesky", Slot(2, datetime(2000, 1, 1, 8, 30).time()))
        ids = [
            _post(ws, f"Publication {n}", "bluesky", now - timedelta(days=3, hours=n))
            for n in range(3)
        ]
        late = ws.posts.due(now - timedelta(minutes=5), 100)
        dialog = LatePostsDialog(ws, late)
        qtbot.addWidget(dialog)
        assert (
            dialog.windowTitle()
            == "Publications arrivées à échéance pendant que cmdesk était fermé"
        )
        rows = {post.id: row for row, (post, _ids) in enumerate(dialog.rows)}
        target = datetime(2031, 6, 3, 10, 15)
        dialog.choices[rows[ids[0]]].setCurrentIndex(dialog.choices[0].findData("time"))
        assert dialog.times[rows[ids[0]]].isEnabled()
        from PySide6.QtCore import QDateTime

        dialog.times[rows[ids[0]]].setDateTime(QDateTime(2031, 6, 3, 10, 15, 0))
        dialog.choices[rows[ids[1]]].setCurrentIndex(dialog.choices[0].findData("slot"))
        dialog.choices[rows[ids[2]]].setCurrentIndex(dialog.choices[0].findData("skip"))
        decided: list = []
        dialog.decided.connect(decided.append)
        dialog.apply()
        from cmdesk.ui.dialogs.late_posts import carry_out

        carry_out(ws, decided[0])
        moved = ws.posts.get(ids[0])
        assert moved.wall_time == target and moved.state is S.SCHEDULED
        slotted = ws.posts.get(ids[1])
        assert slotted.wall_time is not None and slotted.wall_time.weekday() == 2
        assert slotted.scheduled_at is not None and slotted.scheduled_at > now
        assert ws.posts.get(ids[2]).state is S.DRAFT
        assert ws.posts.due(now, 100) == []

        # A time that does not exist in Paris is refused in the dialog, in plain words.
        again = _post(ws, "Encore", "bluesky", now - timedelta(days=1))
        dialog = LatePostsDialog(ws, [v for v in ws.posts.due(now, 10) if v.post_id == again])
        qtbot.addWidget(dialog)
        dialog.choose_all("time")
        dialog.times[0].setDateTime(QDateTime(2031, 3, 30, 2, 30, 0))
        dialog.apply()
        assert dialog.problem.isVisibleTo(dialog) and "n’existe pas" in dialog.problem.text()


def test_an_unknown_post_is_checked_against_the_accounts_latest_posts(
    make_window, client: Path, mastodon: MastodonServer, secrets: MemorySecrets
) -> None:
    with Workspace.open(client) as ws:
        account = _mastodon(ws, mastodon, secrets)
        first = _post(ws, "Réponse perdue", "mastodon", utc_now() - timedelta(minutes=2))
        second = _post(ws, "Deuxième réponse perdue", "mastodon", utc_now() - timedelta(minutes=1))
    window, notes = _open(make_window, client, secrets)
    ws = window.workspace
    window.publishing.cutoff = utc_now() - timedelta(hours=1)
    mastodon.server.fault(
        "POST", "/api/v1/statuses", Fault(lose_answer=True), Fault(lose_answer=True)
    )
    window.publishing.publish_now([v.id for p in (first, second) for v in ws.posts.get(p).variants])
    assert {ws.posts.get(p).state for p in (first, second)} == {S.UNKNOWN}
    assert any("Check whether a post went out" in title for title, _text in notes)

    dialog = window.publishing.show_unknown()
    assert dialog.picker.count() == 2 and dialog.recent.count() == 2
    dialog.recent.setCurrentRow(1)  # newest first: the first post sent is second
    assert dialog.url.text() == mastodon.statuses[0]["url"]
    dialog.went_out.click()
    variant = ws.posts.get(first).variants[0]
    assert (variant.state, variant.url) == (V.PUBLISHED, mastodon.statuses[0]["url"])
    assert variant.remote_id == mastodon.statuses[0]["id"]

    # The network cannot be reached: said plainly, and "did not go out" still works.
    ws.accounts.update(account.id, server="http://127.0.0.1:9")
    dialog.load_recent()
    assert "could not be reached" in dialog.status.text()
    dialog.did_not.click()
    assert ws.posts.get(second).variants[0].state is V.FAILED
    assert ws.posts.get(second).state is S.FAILED
    assert len(mastodon.server.requests("POST", "/api/v1/statuses")) == 2  # never re-sent


def test_a_refused_token_asks_to_reconnect_and_the_new_token_goes_to_the_keyring(
    make_window, client: Path, mastodon: MastodonServer, secrets: MemorySecrets
) -> None:
    with Workspace.open(client) as ws:
        account = _mastodon(ws, mastodon, secrets)
        post_id = _post(ws, "Refusé puis repris", "mastodon", utc_now())
    window, notes = _open(make_window, client, secrets)
    ws = window.workspace
    window.publishing.cutoff = utc_now() - timedelta(hours=1)
    old = mastodon.tokens.copy().pop()
    mastodon.tokens.discard(old)
    mastodon.server.fault("POST", "/api/v1/statuses", Fault(status=401, body=INVALID_TOKEN))

    window.publishing.poll()

    assert ws.posts.get(post_id).state is S.FAILED
    assert ws.accounts.get(account.id).needs_reconnect
    assert ("Reconnect this account", notes[-1][1]) == notes[-1]
    assert "reconnect this account" in window.statusBar().currentMessage()
    dialog = window.publishing.show_reconnect()
    assert dialog.again.isVisibleTo(dialog) and "1 post" in dialog.again.text()
    assert not dialog.ok.isEnabled()
    dialog.secret.setText("not-a-token")
    dialog.reconnect()
    assert "no longer accepts" in dialog.problem.text()
    assert ws.accounts.get(account.id).needs_reconnect

    fresh = mastodon.personal_token()
    dialog.secret.setText(fresh)
    dialog.reconnect()
    assert fresh in (secrets.get(account.secret_name) or "")
    assert not ws.accounts.get(account.id).needs_reconnect
    assert ws.posts.get(post_id).state is S.PUBLISHED  # sent again with the new token
    assert len(mastodon.statuses) == 1


def test_assisted_publishing_copies_the_text_offers_the_image_and_records_the_address(
    make_window, client: Path, secrets: MemorySecrets, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Workspace.open(client) as ws:
        post_id = _post(ws, "Nouvelle miche au levain #pain", "instagram", utc_now(), image=True)
    window, notes = _open(make_window, client, secrets)
    ws = window.workspace
    window.publishing.cutoff = utc_now() - timedelta(hours=1)

    window.publishing.poll()
    assert notes[-1][0] == "Time to publish by hand" and "Instagram" in notes[-1][1]
    window.publishing.poll()
    assert len(notes) == 1  # announced once

    opened: list = []
    monkeypatch.setattr(assisted.QDesktopServices, "openUrl", lambda url: opened.append(url))
    dialog = window.publishing.show_by_hand()
    assert QGuiApplication.clipboard().text() == "Nouvelle miche au levain #pain"
    [image] = dialog.images
    [url] = image.mime_data().urls()
    assert Path(url.toLocalFile()).read_bytes() == PNG
    dialog.open_button.click()
    assert [u.toString() for u in opened] == ["https://www.instagram.com/"]
    assert assisted.safe_web_url("javascript:alert(1)") is None
    assert assisted.safe_web_url("file:///etc/passwd") is None

    dialog.url.setText("https://x.com/fournil/status/1")
    assert not dialog.mark_button.isEnabled() and "Instagram" in dialog.problem.text()
    dialog.url.setText("https://www.instagram.com/p/C0ffee/")
    assert dialog.mark_button.isEnabled()
    dialog.mark_button.click()
    variant = ws.posts.get(post_id).variants[0]
    assert (variant.state, variant.url) == (V.PUBLISHED, "https://www.instagram.com/p/C0ffee/")
    assert ws.posts.history(post_id)[-2].action == "by_hand"
    folder = dialog.folder
    dialog.close()
    assert not folder.exists()  # the copies of the images are removed


def test_a_tick_starts_no_run_for_posts_that_only_wait(
    make_window, client: Path, secrets: MemorySecrets
) -> None:
    now = utc_now()
    with Workspace.open(client) as ws:
        ws.accounts.add("bluesky", "https://bsky.social", "fournil.bsky.social")
        _post(ws, "Dans deux heures", "bluesky", now + timedelta(hours=2))
        _post(ws, "Oubliée pendant les vacances", "instagram", now - timedelta(days=3))
    window, _notes = _open(make_window, client, secrets)
    started: list = []
    window.tasks.task_started.connect(started.append)
    window.publishing.poll()
    assert started == []  # a Bluesky post waits for its time, a late one for the user
    with Workspace.open_readonly(client) as ro:
        assert {p.state for p in ro.posts.page()} == {S.SCHEDULED}


def test_switching_client_waits_for_a_send_in_progress(
    qtbot, gui_home: Home, client: Path, mastodon: MastodonServer, secrets: MemorySecrets
) -> None:
    from cmdesk.ui.main_window import MainWindow
    from cmdesk.ui.settings import Preferences

    with Workspace.open(client) as ws:
        _mastodon(ws, mastodon, secrets)
        post_id = _post(ws, "Envoyée pendant le changement de client", "mastodon", utc_now())
    other = create_client(gui_home, "Autre", slug="autre")
    other_path = other.path
    other.close()
    window = MainWindow(
        gui_home, Preferences.in_home(gui_home.root), TaskManager(), interactive=False
    )
    qtbot.addWidget(window)
    assert window.open_workspace(client)
    window.publishing.connectors = lambda ws: factory(secrets)
    window.publishing.cutoff = utc_now() - timedelta(hours=1)
    mastodon.server.fault("POST", "/api/v1/statuses", Fault(delay_s=1.0))
    window.publishing.poll()
    assert window.publishing.running is not None
    qtbot.waitUntil(lambda: bool(mastodon.server.requests("POST", "/api/v1/statuses")))
    assert window.open_workspace(other_path)  # while the instance takes its time
    window.close()
    with Workspace.open(client) as ws:  # no "unknown" left by the switch
        assert ws.posts.get(post_id).state is S.PUBLISHED
