"""The Veille view on real workspaces: the paged list, keyboard actions, the reading pane."""

from __future__ import annotations

import http.server
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, QObject, Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices

from cmdesk.core.monitoring import FetchOutcome, IncomingEntry
from cmdesk.store.demo import build_demo
from cmdesk.store.home import create_client
from cmdesk.store.mentions import MentionFilter
from cmdesk.store.paths import Home
from cmdesk.ui.models.mentions import CACHE_ROWS, MentionListModel
from cmdesk.ui.tasks import SyncTaskManager
from cmdesk.ui.views.monitoring import FILTER_ROLE, MonitoringView
from cmdesk.ui.widgets.reader import Reader, SafeDocument
from parsing_server import report


@pytest.fixture
def demo_view(qtbot, gui_home: Home) -> Iterator[MonitoringView]:
    from cmdesk.store.workspace import Workspace

    ws = Workspace.open(build_demo(gui_home))
    view = MonitoringView(SyncTaskManager(), interactive=False)
    qtbot.addWidget(view)
    view.resize(1200, 700)
    view.set_workspace(ws)
    view.show()
    yield view
    view.set_workspace(None)
    ws.close()


def test_model_follows_qt_rules(qtmodeltester, demo_view: MonitoringView) -> None:
    qtmodeltester.check(demo_view.model, force_py=True)


def test_selecting_marks_read_and_keys_act_on_the_mention(demo_view: MonitoringView, qtbot) -> None:
    view = demo_view
    ws = view.ws
    assert ws is not None
    first = view.model.mention_id(0)
    assert ws.mentions.get(first).read  # shown in the pane: read
    view.table.setFocus()
    second = view.model.mention_id(1)
    assert not ws.mentions.get(second).read
    qtbot.keyClick(view.table, Qt.Key.Key_J)
    assert view._current is not None and view._current.id == second
    assert ws.mentions.get(second).read
    qtbot.keyClick(view.table, Qt.Key.Key_S)
    assert ws.mentions.get(second).starred
    assert view.model.data(view.model.index(1, 0)) == "★"
    qtbot.keyClick(view.table, Qt.Key.Key_M)
    assert not ws.mentions.get(second).read
    before = view.model.rowCount()
    qtbot.keyClick(view.table, Qt.Key.Key_E)
    assert ws.mentions.get(second).archived
    assert view.model.rowCount() == before - 1  # archived: out of the inbox


def test_search_and_sentiment_filters(demo_view: MonitoringView, qtbot) -> None:
    view = demo_view
    view.search.setText("decue")  # typed without the accent
    qtbot.waitUntil(lambda: view.model.rowCount() == 1, timeout=2000)
    assert "jamais prête" in view.title.text()
    view.search.setText("xyzzy")
    qtbot.waitUntil(lambda: view.model.rowCount() == 0, timeout=2000)
    assert "xyzzy" in view.empty.text()
    view.search.clear()
    qtbot.waitUntil(lambda: view.model.rowCount() > 10, timeout=2000)
    view.sentiment_filter.setCurrentIndex(view.sentiment_filter.findData("negative"))
    ws = view.ws
    assert ws is not None
    assert view.model.rowCount() == ws.mentions.count(MentionFilter(sentiment="negative")) > 2


def test_correcting_the_sentiment_is_kept(demo_view: MonitoringView) -> None:
    view = demo_view
    ws = view.ws
    assert ws is not None and view._current is not None
    mention_id = view._current.id
    view.sentiment_box.setCurrentIndex(view.sentiment_box.findData("positive"))
    view._sentiment_chosen(view.sentiment_box.currentIndex())
    assert ws.mentions.get(mention_id).sentiment == "positive"
    assert ws.mentions.get(mention_id).sentiment_by_user
    assert view.reason.text() == "set by hand"


def test_empty_workspace_explains_how_to_start(qtbot, gui_home: Home) -> None:
    ws = create_client(gui_home, "Vide")
    view = MonitoringView(SyncTaskManager())
    qtbot.addWidget(view)
    view.set_workspace(ws)
    assert view.list_stack.currentWidget() is view.empty
    assert "OPML" in view.empty.text()
    ws.close()


def test_a_million_rows_scroll_with_a_bounded_cache(qtbot, tmp_path: Path) -> None:
    # 12,000 rows stand for the million: the cache bound is what is checked.
    home = Home(tmp_path / "h")
    ws = create_client(home, "Gros")
    source = ws.sources.add("https://big.example/feed")
    now = datetime(2026, 1, 1, tzinfo=UTC)
    entries = tuple(
        IncomingEntry(
            guid=str(n),
            url=f"https://big.example/{n}",
            title=f"Article {n}",
            published=now - timedelta(minutes=n),
        )
        for n in range(12_000)
    )
    ws.mentions.record_refresh(FetchOutcome(source_id=source.id, ok=True, entries=entries), now)
    model = MentionListModel()
    model.set_workspace(ws)
    while model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())
    assert model.rowCount() == 12_000
    for row in range(0, 12_000, 7):
        assert model.data(model.index(row, 1)) == f"Article {row}"
    assert model.cached_rows <= CACHE_ROWS
    ws.close()


class _Handler(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.urls.append(url.toString())


def test_reading_pane_loads_nothing_and_opens_only_web_links(qtbot, tmp_path: Path) -> None:
    hits: list[str] = []

    class Spy(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Spy)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"\x89PNG not really")
    base = f"http://127.0.0.1:{server.server_port}"
    handler = _Handler()
    for scheme in ("http", "https", "mailto"):
        QDesktopServices.setUrlHandler(scheme, handler, "open")
    try:
        reader = Reader()
        qtbot.addWidget(reader)
        reader.show()
        before = SafeDocument.requests
        reader.setHtml(
            f'<p><img src="{base}/pixel.png"><img src="file://{secret}">'
            '<img src="data:image/png;base64,iVBORw0KGgo="><img src="secret.png"></p>'
            f'<a href="{base}/article">web</a> <a href="javascript:alert(1)">js</a>'
            f'<a href="file://{secret}">file</a>'
        )
        reader.grab()  # lays the document out and paints it: images are asked for now
        qtbot.wait(200)
        assert SafeDocument.requests - before == 4  # each image asked of us once, refused
        image = reader.document().resource(2, QUrl(f"file://{secret}"))
        assert image.width() == 1  # the blank, not the file
        reader.setHtml(
            f'<html><head><link rel="stylesheet" href="{base}/style.css">'
            f'<link rel="stylesheet" href="file://{secret}"></head>'
            f'<body style="background: url({base}/bg.png)"><p>x</p></body></html>'
        )
        reader.grab()
        qtbot.wait(200)
        assert hits == []  # nothing fetched from the network
        refused: list[str] = []
        reader.link_refused.connect(refused.append)
        for url in (f"{base}/article", "javascript:alert(1)", f"file://{secret}"):
            reader.anchorClicked.emit(QUrl(url))
        assert handler.urls == [f"{base}/article"]
        assert refused == ["javascript:alert(1)", f"file://{secret}"]
        assert hits == []  # opening a link goes to the browser, not to the pane
    finally:
        for scheme in ("http", "https", "mailto"):
            QDesktopServices.unsetUrlHandler(scheme)
        server.shutdown()


def test_opml_import_and_export_from_the_view(demo_view: MonitoringView, tmp_path: Path) -> None:
    view = demo_view
    ws = view.ws
    assert ws is not None
    exported = tmp_path / "sources.opml"
    view.export_opml(str(exported))
    assert exported.read_bytes().count(b"xmlUrl=") == len(ws.sources.all())
    extra = tmp_path / "extra.opml"
    extra.write_text(
        '<opml version="2.0"><body><outline text="Nouveau" xmlUrl="https://new.example/feed"/>'
        '<outline text="Lyon Gourmand" xmlUrl="https://www.lyon-gourmand.example/feed/"/>'
        "</body></opml>"
    )
    view.import_opml(str(extra))
    assert ws.sources.find("https://new.example/feed") is not None
    names = [view.tree.topLevelItem(i).text(0) for i in range(view.tree.topLevelItemCount())]
    assert "Sources" in names
    before = len(ws.sources.all())
    bad = tmp_path / "bad.opml"
    bad.write_text("<html>not a list</html>")
    view.import_opml(str(bad))
    assert len(ws.sources.all()) == before  # nothing imported
    assert "not an OPML" in view.last_error


def test_sources_dialog_edits_and_removes(demo_view: MonitoringView, qtbot) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    from cmdesk.ui.dialogs.sources import SourcesDialog

    ws = demo_view.ws
    assert ws is not None
    dialog = SourcesDialog(ws, demo_view.tasks)
    qtbot.addWidget(dialog)
    first = dialog.current()
    assert first is not None and dialog.state.text()  # state in plain words
    dialog.title.setText("Alerte renommée")
    dialog.interval.setValue(120)
    dialog._save()
    assert ws.sources.get(first.id).title == "Alerte renommée"
    assert ws.sources.get(first.id).refresh_minutes == 120
    dialog.url.setText("not a url")
    seen: list[str] = []

    def close_warning() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            seen.append(box.text())
            box.close()

    QTimer.singleShot(100, close_warning)
    dialog._save()
    assert seen and "not a web address" in seen[0]
    count = len(ws.sources.all())

    def confirm() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            next(b for b in box.buttons() if "Stop" in b.text()).click()

    QTimer.singleShot(100, confirm)
    dialog._remove()
    assert len(ws.sources.all()) == count - 1
    assert dialog.changed


def test_add_a_site_then_refresh_shows_its_mentions(qtbot, gui_home: Home) -> None:
    from cmdesk.ui.dialogs.add_source import AddSourceDialog
    from feed_server import FeedServer, Route, rss

    ws = create_client(gui_home, "Neuf")
    tasks = SyncTaskManager()
    view = MonitoringView(tasks, interactive=False, auto_refresh=False)
    qtbot.addWidget(view)
    view.set_workspace(ws)
    feed = rss("Le blog", [("1", "Réclamation livraison", "Colis jamais reçu"),
                           ("2", "Bravo", "Merci pour l'accueil")])  # fmt: skip
    with FeedServer() as server:
        server.route("/feed", Route(body=feed))
        server.route("/", Route(
            body=b'<html><head><link rel="alternate" type="application/rss+xml" href="/feed">'
                 b"</head></html>", content_type="text/html"))  # fmt: skip
        dialog = AddSourceDialog(tasks, [])
        qtbot.addWidget(dialog)
        dialog.value.setText(server.url("/"))
        dialog.category.setCurrentText("Blogs")
        dialog.look_up()
        assert dialog.add_button.isEnabled(), dialog.status_label.text()
        assert "Le blog" in dialog.status_label.text()
        wanted = dialog.source()
        assert wanted is not None and wanted.url == server.url("/feed")
        view.add_found_source(wanted)
    assert [s.category for s in ws.sources.all()] == ["Blogs"]
    assert view.model.rowCount() == 2
    assert {view.model.data(view.model.index(r, 4)) for r in (0, 1)} == {"negative", "positive"}
    ws.close()


def test_refresh_failures_are_shown_in_plain_words(qtbot, gui_home: Home) -> None:
    ws = create_client(gui_home, "Panne")
    view = MonitoringView(SyncTaskManager(), interactive=False, auto_refresh=False)
    qtbot.addWidget(view)
    view.set_workspace(ws)
    messages: list[str] = []
    view.message.connect(messages.append)
    view.refresh_now()
    assert "no source" in messages[-1]
    ws.sources.add("http://127.0.0.1:9/feed")  # discard port: nothing listens
    view.on_changes(view_changes())
    view.refresh_now()
    assert "1 failed" in messages[-1]
    source = ws.sources.all()[0]
    assert source.failures == 1 and "refused" in source.last_error
    items = [view.tree.topLevelItem(i) for i in range(view.tree.topLevelItemCount())]
    sources_item = next(i for i in items if i.text(0) == "Sources")
    assert sources_item.child(0).text(0).startswith("⚠")
    assert "refused" in sources_item.child(0).toolTip(0)
    ws.close()


def test_period_filter_narrows_the_list(demo_view: MonitoringView) -> None:
    from cmdesk.ui.views.monitoring import PERIODS

    assert demo_view.ws is not None
    everything = demo_view.model.rowCount()
    counts = {}
    for index, (days, _label) in enumerate(PERIODS):
        demo_view.period_filter.setCurrentIndex(index)
        counts[days] = demo_view.model.rowCount()
    # The demo's mentions span about two weeks, the newest a few hours old.
    assert counts[0] == counts[365] == counts[30] == everything
    assert 0 < counts[1] < counts[7] < everything
    demo_view.period_filter.setCurrentIndex(2)
    demo_view.search.setText("fournil")
    demo_view._apply_filter()
    flt = demo_view._filter()
    assert flt.query == "fournil" and flt.since is not None
    assert demo_view.model.rowCount() == demo_view.ws.mentions.count(flt)


def test_tree_menu_refreshes_one_source_or_one_category(qtbot, gui_home: Home) -> None:
    from feed_server import FeedServer, Route, rss

    ws = create_client(gui_home, "Menus")
    view = MonitoringView(SyncTaskManager(), interactive=False, auto_refresh=False)
    qtbot.addWidget(view)
    with FeedServer() as server:
        urls = {}
        for name in ("a", "b", "c"):
            body = rss(name, [(f"{name}-1", f"Article {name}", "Texte")])
            urls[name] = server.route(f"/{name}.xml", Route(body=body))
        ws.sources.add(urls["a"], category="Presse")
        ws.sources.add(urls["b"], category="Presse")
        lone = ws.sources.add(urls["c"])
        view.set_workspace(ws)

        def labels(item):  # type: ignore[no-untyped-def]
            return [label for label, _run in view.tree_actions(item)]

        def run(item, label: str) -> None:  # type: ignore[no-untyped-def]
            dict(view.tree_actions(item))[label]()

        items = view._items()
        folder = next(i for i in items if i.text(0) == "Presse")
        run(folder, "Refresh this category now")
        assert (server.hits["/a.xml"], server.hits["/b.xml"], server.hits["/c.xml"]) == (1, 1, 0)
        source_item = next(
            i for i in view._items() if i.data(0, FILTER_ROLE) == ("source", lone.id)
        )
        assert labels(source_item) == ["Refresh this source now", "Manage sources…"]
        run(source_item, "Refresh this source now")
        assert (server.hits["/a.xml"], server.hits["/c.xml"]) == (1, 1)
        everything = next(i for i in view._items() if i.text(0) == "Sources")
        run(everything, "Refresh all sources now")
        assert [server.hits[f"/{n}.xml"] for n in "abc"] == [2, 2, 2]
        assert ws.mentions.count() == 3
        state = next(i for i in view._items() if i.text(0) == "Inbox")
        assert labels(state) == []
    view.set_workspace(None)
    ws.close()


def view_changes():  # type: ignore[no-untyped-def]
    from cmdesk.core.changes import Changes

    return Changes(sources=True)


def test_topic_dialog_builds_tests_and_saves(demo_view: MonitoringView, qtbot) -> None:
    from cmdesk.core.query import FIELDS
    from cmdesk.ui.dialogs.topic import FIELD_LABELS, TopicDialog, build_query

    assert set(FIELD_LABELS) - {""} == set(FIELDS)
    ws = demo_view.ws
    assert ws is not None
    dialog = TopicDialog(ws)
    qtbot.addWidget(dialog)
    save = dialog.buttons.button(dialog.buttons.StandardButton.Save)
    assert not save.isEnabled()  # nothing to test yet
    dialog.query.setText("(colis")
    dialog.run_test()
    assert "character 1" in dialog.test.text() and not save.isEnabled()
    dialog.any_words.setText("colis livraison")
    dialog.none_words.setText("rapide")
    dialog.write_query()
    assert dialog.query.text() == "(colis OR livraison) AND NOT rapide"
    assert dialog.test.text() == "1 stored mention matches this query."
    assert save.isEnabled()
    dialog.name.setText("Colis")
    dialog.priority.setCurrentIndex(2)
    demo_view.save_topic(None, dialog.values())
    topic = next(t for t in ws.topics.all() if t.name == "Colis")
    assert topic.priority == 2
    names = [i.text(0) for i in demo_view._items()]
    assert "Colis (urgent)" in names
    demo_view._select_tree(("topic", topic.id))
    demo_view._apply_filter()
    assert demo_view.model.rowCount() == 1
    assert build_query("", "", "", "") is None


def test_topic_builder_writes_operators_in_the_interface_language(
    demo_view: MonitoringView, qtbot
) -> None:
    from cmdesk.i18n import current_language, set_language
    from cmdesk.ui.dialogs.topic import TopicDialog

    assert demo_view.ws is not None
    before = current_language()
    set_language("fr")
    try:
        dialog = TopicDialog(demo_view.ws)
        qtbot.addWidget(dialog)
        dialog.any_words.setText("colis livraison")
        dialog.none_words.setText("rapide")
        dialog.write_query()
        assert dialog.query.text() == "(colis OU livraison) ET SAUF rapide"
        dialog.run_test()  # the French text is a valid query with the same count
        assert dialog.test.text().startswith("1 ")
    finally:
        set_language(before)


def test_alerts_are_listed_and_marked_as_seen(demo_view: MonitoringView) -> None:
    ws = demo_view.ws
    assert ws is not None
    topic = ws.topics.add("Urgent", "crise", priority=2)
    source = ws.sources.all()[0]
    raised: list[list[object]] = []
    demo_view.alerts_raised.connect(raised.append)
    with ws.atomic():
        ws.topics._raise("match", topic.id, "Mention urgente : crise", "", [], None)
    demo_view.on_changes(view_changes())
    alerts_item = next(i for i in demo_view._items() if i.text(0).startswith("Alerts"))
    assert alerts_item.text(0) == "Alerts (1)"
    demo_view._select_tree(("alerts", 0))
    demo_view._apply_filter()
    assert demo_view.list_stack.currentWidget() is demo_view.alerts_panel
    assert "crise" in demo_view.alerts_list.item(0).text()
    demo_view.acknowledge_alerts()
    assert ws.topics.alerts() == []
    assert demo_view.list_stack.currentWidget() is demo_view.empty
    assert source.id  # the demo's sources are untouched


def test_refresh_goes_through_the_proxy_of_the_preferences(qtbot, gui_home: Home) -> None:
    from feed_server import FeedServer, Route, rss

    ws = create_client(gui_home, "Proxy")
    view = MonitoringView(SyncTaskManager(), interactive=False, auto_refresh=False)
    qtbot.addWidget(view)
    view.set_workspace(ws)
    with FeedServer() as proxy:
        # feeds.invalid cannot be reached: only a proxy that answers for it can.
        proxy.route("http://feeds.invalid/feed", Route(body=rss("Loin", [("1", "Bonjour", "x")])))
        ws.sources.add("http://feeds.invalid/feed")
        view.proxy = proxy.url("")
        view.refresh_now()
    assert ws.mentions.count() == 1
    ws.close()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="no server off Linux")
def test_the_parsing_server_starts_once_a_workspace_with_sources_is_shown(
    tmp_path: Path,
) -> None:
    # In a fresh program: in this one an earlier refresh may have started it.
    code = """
    import sys
    from pathlib import Path
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication
    from cmdesk.core.client import ClientProfile
    from cmdesk.store.workspace import Workspace
    from cmdesk.ui.tasks import SyncTaskManager
    from cmdesk.ui.views.monitoring import MonitoringView, PREPARE_PARSING_MS
    app = QApplication([])
    ws = Workspace.create(Path(sys.argv[1]), ClientProfile(name="Léa", slug="lea"))
    if sys.argv[2] == "with-source":
        ws.sources.add("http://127.0.0.1:9/feed.xml")
    view = MonitoringView(SyncTaskManager(), interactive=False, auto_refresh=True)
    view.set_workspace(ws)
    view.catch_up.stop()  # no refresh: only what happens before it
    QTimer.singleShot(PREPARE_PARSING_MS + 300, app.quit)
    app.exec()
    """
    path = tmp_path / "lea.cmdesk"
    assert report(code, str(path), "with-source") == "True True"
    path.unlink()
    assert report(code, str(path), "empty", poll=0) == "False False"
