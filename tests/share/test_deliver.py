"""Deliveries end to end: a real workspace, its interactions exported for a team, sent
through a real SMTP server (aiosmtpd, STARTTLS, AUTH) or a loopback webhook; every send
logged, never lost, never twice."""

from __future__ import annotations

import io
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import openpyxl
import pytest
from loopback import Answer, Fault, LoopbackServer

from certificates import Certificates
from cmdesk.core.client import ClientProfile
from cmdesk.core.delivery import Channel, Period, Schedule, SendState, Target, Timing
from cmdesk.core.errors import InvalidData
from cmdesk.core.schedule import Frequency
from cmdesk.share.deliver import (
    FAILED,
    RETRY,
    SENT,
    UNKNOWN,
    Senders,
    add_schedule,
    due_deliveries,
    send_due,
    send_now,
)
from cmdesk.share.mail import SmtpSettings
from cmdesk.store.deliveries import ClaimRefused
from cmdesk.store.secrets import MemorySecrets
from cmdesk.store.workspace import Workspace
from smtp_server import PASSWORD, USER, SmtpServer

S = SendState
CREATED = datetime(2026, 3, 9, 9, 0, tzinfo=UTC)  # Monday, after that morning's send
MONDAY = datetime(2026, 3, 16, 7, 30, tzinfo=UTC)  # 08:30 in Paris: week 11 is due
TEAM_MAIL = "qualite@fournil.example"


@pytest.fixture
def client(tmp_path: Path) -> Iterator[Workspace]:
    profile = ClientProfile(name="Fournil de Léa", slug="lea", timezone="Europe/Paris")
    with Workspace.create(tmp_path / "lea.cmdesk", profile) as ws:
        team = ws.teams.add("Qualité", kind="product", email=TEAM_MAIL)
        for text, when, team_id in (
            ("Semaine 10 : pain trop cuit", datetime(2026, 3, 8, 22, 30, tzinfo=UTC), team.id),
            ("Semaine 11 : croûte molle", datetime(2026, 3, 8, 23, 30, tzinfo=UTC), team.id),
            ("Semaine 11 : galette sèche", datetime(2026, 3, 12, 9, 0, tzinfo=UTC), team.id),
            ("Semaine 11, autre équipe", datetime(2026, 3, 12, 9, 0, tzinfo=UTC), None),
            ("Semaine 12 : trop tard", datetime(2026, 3, 15, 23, 0, tzinfo=UTC), team.id),
        ):
            ws.interactions.add(text, channel="email", occurred_at=when, team_id=team_id,
                                type="complaint")  # fmt: skip
        yield ws


def _senders(server: SmtpServer, password: str = PASSWORD) -> Senders:
    settings = SmtpSettings(
        server.host, server.port, "starttls", USER, USER, from_name="Léa",
        cafile=str(server.certificates.ca), timeout_s=5,
    )  # fmt: skip
    store = MemorySecrets(uuid.uuid4().hex)
    store.set(settings.secret_name, password)
    return Senders(smtp=settings, passwords=store)


def _weekly(ws: Workspace, kind: str = "export", **more: object) -> Schedule:
    team = ws.teams.find("Qualité")
    assert team is not None
    values: dict[str, object] = {
        "id": None, "kind": kind, "target": Target(team.id), "channel": Channel.EMAIL,
        "timing": Timing(Frequency.WEEKLY, 0, time(8, 0)), "created_at": CREATED,
    }  # fmt: skip
    values.update(more)
    return ws.deliveries.add(Schedule(**values))  # type: ignore[arg-type]


def test_the_weekly_export_goes_to_the_team_with_its_week_only(
    client: Workspace, starttls: SmtpServer
) -> None:
    schedule = _weekly(client)
    assert due_deliveries(client, MONDAY - timedelta(hours=1)) == []
    [due] = due_deliveries(client, MONDAY)
    assert (due.period.key, due.schedule.id) == ("2026-W11", schedule.id)

    summary = send_due(client, _senders(starttls), MONDAY)

    assert [(o.result, o.period) for o in summary.outcomes] == [(SENT, "2026-W11")]
    [got] = starttls.handler.received
    assert got.recipients == [TEAM_MAIL]
    message = got.message
    # Written in the client's language (French here), the week named as people say it.
    assert message["Subject"] == "Fournil de Léa — interactions de Qualité, 9–15 mars 2026"
    plain = message.get_body(("plain",))
    assert plain is not None and "2 interactions de Qualité" in plain.get_content()

    [sheet] = list(message.iter_attachments())
    assert sheet.get_filename() == "lea-interactions-2026-W11.xlsx"
    book = openpyxl.load_workbook(io.BytesIO(sheet.get_payload(decode=True)))
    texts = sorted(str(row[10]) for row in book.active.iter_rows(min_row=2, values_only=True))
    # Monday 00:30 in Paris is in week 11; Sunday 23:30 in Paris (22:30 UTC) is not.
    assert texts == ["Semaine 11 : croûte molle", "Semaine 11 : galette sèche"]
    [record] = client.deliveries.log()
    assert (record.state, record.period, record.address, record.attempts) == (
        S.SENT, "2026-W11", TEAM_MAIL, 1)  # fmt: skip
    assert message["Message-ID"] in record.detail

    # The same week is never sent again: not by the next run, not by "send now".
    assert send_due(client, _senders(starttls), MONDAY + timedelta(days=1)).outcomes == []
    with pytest.raises(ClaimRefused, match="already handled"):
        send_now(client, _senders(starttls), schedule.id or 0, Period.parse("2026-W11"))
    assert len(starttls.handler.received) == 1


def test_a_server_down_is_retried_later_and_a_refusal_waits_for_the_user(
    client: Workspace, starttls: SmtpServer, certs: Certificates
) -> None:
    schedule = _weekly(client)
    down = _senders(starttls)
    assert down.smtp is not None
    down.smtp = SmtpSettings(**{**down.smtp.__dict__, "port": 9})  # nothing listens there
    [outcome] = send_due(client, down, MONDAY).outcomes
    assert outcome.result == RETRY and outcome.retry_at == MONDAY + timedelta(minutes=5)
    assert "could not be reached" in outcome.message
    # Not before its retry time; then by itself.
    assert send_due(client, _senders(starttls), MONDAY + timedelta(minutes=1)).outcomes == []
    [again] = send_due(client, _senders(starttls), MONDAY + timedelta(minutes=6)).outcomes
    assert again.result == SENT
    [record] = client.deliveries.log()
    assert (record.state, record.attempts, record.error) == (S.SENT, 2, "")

    # A wrong password is not a passing trouble: failed, kept, not retried by itself.
    [wrong] = send_due(client, _senders(starttls, "wrong"), MONDAY + timedelta(days=7)).outcomes
    assert wrong.result == FAILED and "refused the user name or the password" in wrong.message
    later = MONDAY + timedelta(days=7, hours=5)
    assert send_due(client, _senders(starttls), later).outcomes == []
    assert [r.state for r in client.deliveries.needing_attention()] == [S.FAILED]
    # The user fixes the password and sends it again: it goes, once.
    retried = send_now(
        client, _senders(starttls), schedule.id or 0, Period.parse("2026-W12"), later
    )
    assert retried.result == SENT
    assert starttls.handler.received[-1].message["Subject"].endswith("16–22 mars 2026")
    assert client.deliveries.needing_attention() == []


def test_an_answer_lost_after_the_message_left_is_unknown_and_never_resent(
    client: Workspace, starttls: SmtpServer
) -> None:
    _weekly(client)
    starttls.handler.data_delay_s = 3
    senders = _senders(starttls)
    assert senders.smtp is not None
    senders.smtp = SmtpSettings(**{**senders.smtp.__dict__, "timeout_s": 0.8})
    [outcome] = send_due(client, senders, MONDAY).outcomes
    assert outcome.result == UNKNOWN and "may have arrived" in outcome.message
    starttls.handler.data_delay_s = 0
    assert send_due(client, _senders(starttls), MONDAY + timedelta(days=1)).outcomes == []
    [record] = client.deliveries.needing_attention()
    assert record.state is S.UNKNOWN
    client.deliveries.resolve_unknown(record.id, arrived=True)
    assert client.deliveries.get_record(record.id).state is S.SENT


def test_a_claim_cut_off_by_a_crash_becomes_unknown_at_the_next_opening(
    client: Workspace,
) -> None:
    schedule = _weekly(client)
    period = Period.parse("2026-W11")
    client.deliveries.claim(schedule, period, address=TEAM_MAIL)
    path = client.path
    client.lock.release()  # the process dies: the lock goes with it, the row stays
    client.db.close()
    with Workspace.open(path) as reopened:
        [record] = reopened.deliveries.log()
        assert record.state is S.UNKNOWN and "check with the recipients" in record.error
        assert due_deliveries(reopened, MONDAY) == []
        with pytest.raises(ClaimRefused):
            reopened.deliveries.claim(schedule, period, address=TEAM_MAIL)
        reopened.deliveries.resolve_unknown(record.id, arrived=False)
        assert reopened.deliveries.get_record(record.id).state is S.FAILED


def test_skipping_and_what_is_offered(client: Workspace, starttls: SmtpServer) -> None:
    schedule = _weekly(client)
    weeks_later = MONDAY + timedelta(weeks=2)
    assert [d.period.key for d in due_deliveries(client, weeks_later)] == [
        "2026-W11", "2026-W12", "2026-W13"]  # fmt: skip
    client.deliveries.skip(schedule, Period.parse("2026-W12"))
    assert [d.period.key for d in due_deliveries(client, weeks_later)] == ["2026-W11", "2026-W13"]
    # What came due before the app opened is offered, not sent by its timer.
    opened = weeks_later - timedelta(minutes=1)
    assert send_due(client, _senders(starttls), weeks_later, due_after=opened).outcomes == []
    # What comes due while it runs goes by itself.
    opened = weeks_later - timedelta(days=1)
    [sent] = send_due(client, _senders(starttls), weeks_later, due_after=opened).outcomes
    assert (sent.period, sent.result) == ("2026-W13", SENT)
    client.deliveries.set_enabled(schedule.id or 0, False)
    assert due_deliveries(client, weeks_later) == []


def test_webhooks_from_the_team_and_files_where_they_fit(client: Workspace) -> None:
    with LoopbackServer() as server:
        server.route("POST", "/hook", lambda r: Answer(200, b"ok"))
        url = server.url + "/hook"
        team = client.teams.find("Qualité")
        assert team is not None
        slack = Schedule(None, "export", Target(team.id), Channel.WEBHOOK,
                         Timing(Frequency.WEEKLY), address=url, webhook_format="slack")  # fmt: skip
        with pytest.raises(InvalidData, match="Slack cannot carry files"):
            add_schedule(client, slack)
        assert client.deliveries.schedules() == []  # refused whole
        schedule = _weekly(client, channel=Channel.WEBHOOK, address=url, webhook_format="json")
        [outcome] = send_due(client, Senders(), MONDAY).outcomes
        assert (outcome.schedule_id, outcome.result) == (schedule.id, SENT)
        sent = [r.json() for r in server.requests("POST", "/hook")]
        assert [b["period"]["key"] for b in sent] == ["2026-W11"]
        assert sent[0]["attachments"][0]["filename"].endswith(".xlsx")
        [record] = [r for r in client.deliveries.log() if r.schedule_id == schedule.id]
        assert record.address == "http://127.0.0.1/…"  # never the secret path
        server.fault("POST", "/hook", Fault(status=429, headers={"Retry-After": "600"}))
        [busy] = send_due(client, Senders(), MONDAY + timedelta(weeks=1)).outcomes
        assert busy.result == RETRY and busy.retry_at is not None
        assert busy.retry_at >= MONDAY + timedelta(weeks=1, minutes=10)
