"""Webhooks posted to a real HTTP server on 127.0.0.1, with the payload each service
documents, its limits, and what each failure means for the message."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from loopback import Answer, Fault, LoopbackServer, Request

from cmdesk.core.delivery import (
    Attachment,
    Document,
    MaybeSent,
    NotSent,
    check_webhook_url,
    guess_webhook_format,
)
from cmdesk.core.errors import InvalidData
from cmdesk.share import webhooks

DOC = Document(
    subject="Fournil de Léa — retours de la semaine",
    text="Livraison : 4 plaintes <@here> & 2 questions\n",
    html="<p>Livraison</p>",
    attachments=(Attachment("semaine.csv", "text/csv", b"id;texte\n1;ok\n"),),
)
HOOK = "/hooks/T000/B000/secret"


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as running:
        running.route("POST", HOOK, lambda r: Answer(200, b"ok"))
        running.route("POST", "/discord", lambda r: Answer(204))
        running.route("POST", "/workflows", lambda r: Answer(202))
        yield running


def _last(server: LoopbackServer, path: str = HOOK) -> Request:
    return server.requests("POST", path)[-1]


def test_slack_blocks_with_escaped_text(server: LoopbackServer) -> None:
    assert webhooks.post(server.url + HOOK, "slack", DOC) == "HTTP 200"
    body = _last(server).json()
    assert body["text"] == DOC.subject
    header, section = body["blocks"]
    assert header["type"] == "header" and header["text"]["text"] == DOC.subject
    # A customer's "<@here>" does not ping the channel; the files are named, not lost.
    assert "&lt;@here&gt; &amp; 2 questions" in section["text"]["text"]
    assert "semaine.csv" in section["text"]["text"]


def test_slack_splits_a_long_text_in_sections_of_3000() -> None:
    long = Document("S", "\n".join(f"ligne {n} " + "x" * 80 for n in range(200)), "")
    blocks = webhooks.slack(long)["blocks"][1:]
    assert len(blocks) > 1
    assert all(len(b["text"]["text"]) <= 3000 for b in blocks)


def test_mattermost_markdown(server: LoopbackServer) -> None:
    webhooks.post(server.url + HOOK, "mattermost", DOC)
    text = _last(server).json()["text"]
    assert text.startswith("#### " + DOC.subject) and "4 plaintes" in text
    assert len(webhooks.mattermost(Document("S", "x" * 20000, ""))["text"]) == 16383


def test_teams_gets_an_adaptive_card(server: LoopbackServer) -> None:
    assert webhooks.post(server.url + "/workflows", "teams", DOC) == "HTTP 202"
    body = _last(server, "/workflows").json()
    assert body["type"] == "message"
    [attachment] = body["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = attachment["content"]
    assert card["type"] == "AdaptiveCard" and card["version"] == "1.4"
    assert card["body"][0]["text"] == DOC.subject and card["body"][0]["wrap"]
    assert "4 plaintes" in card["body"][1]["text"]
    huge = webhooks.teams(Document("S", "x" * 100_000, ""))
    assert len(json.dumps(huge)) < 28_000


def test_discord_content_limit_embeds_files_and_no_mentions(server: LoopbackServer) -> None:
    assert webhooks.post(server.url + "/discord", "discord", DOC) == "HTTP 204"
    request = _last(server, "/discord")
    assert request.headers["content-type"].startswith("multipart/form-data")
    form = request.form()
    payload = json.loads(form["payload_json"][0])
    assert payload["allowed_mentions"] == {"parse": []}
    assert payload["content"].startswith(f"**{DOC.subject}**")
    assert form["files[0]"] == [b"id;texte\n1;ok\n"]

    long = webhooks.discord(Document("S", "y" * 9000, ""))
    assert len(long["content"]) <= 2000
    assert all(len(e["description"]) <= 4096 for e in long["embeds"])
    assert sum(len(e["description"]) + len(e.get("title", "")) for e in long["embeds"]) <= 6000


def test_plain_json_carries_everything(server: LoopbackServer) -> None:
    about = {"kind": "export", "period": {"key": "2026-W11"}, "client": "Léa"}
    webhooks.post(server.url + HOOK, "json", DOC, about)
    body = _last(server).json()
    assert body["period"] == {"key": "2026-W11"} and body["subject"] == DOC.subject
    [item] = body["attachments"]
    assert base64.b64decode(item["data"]) == DOC.attachments[0].data


def test_429_retry_after_is_honoured(server: LoopbackServer) -> None:
    server.fault("POST", HOOK, Fault(status=429, body=b"rate_limited",
                                     headers={"Retry-After": "120"}))  # fmt: skip
    before = datetime.now(UTC)
    with pytest.raises(NotSent) as caught:
        webhooks.post(server.url + HOOK, "slack", DOC)
    assert caught.value.transient
    assert caught.value.retry_after is not None
    assert caught.value.retry_after - before >= timedelta(seconds=119)


def test_a_refusal_keeps_the_service_words(server: LoopbackServer) -> None:
    server.fault("POST", HOOK, Fault(status=404, body=b"no_service"))
    with pytest.raises(NotSent, match="no_service") as caught:
        webhooks.post(server.url + HOOK, "slack", DOC)
    assert not caught.value.transient


def test_a_server_error_or_silence_is_unknown(server: LoopbackServer) -> None:
    server.fault("POST", HOOK, Fault(status=500, body=b"rollup_error"))
    with pytest.raises(MaybeSent):
        webhooks.post(server.url + HOOK, "slack", DOC)
    server.fault("POST", HOOK, Fault(delay_s=2))
    with pytest.raises(MaybeSent, match="did not answer in time"):
        webhooks.post(server.url + HOOK, "slack", DOC, read_s=0.3)
    server.fault("POST", HOOK, Fault(lose_answer=True))
    with pytest.raises(MaybeSent):
        webhooks.post(server.url + HOOK, "slack", DOC)


def test_unreachable_is_transient() -> None:
    with LoopbackServer() as gone:
        url = gone.url
    with pytest.raises(NotSent, match="could not be reached") as caught:
        webhooks.post(url + HOOK, "slack", DOC)
    assert caught.value.transient


def test_too_large_and_bad_addresses_are_refused(server: LoopbackServer) -> None:
    big = Document("S", "t", "", (Attachment("big.bin", "application/octet-stream",
                                             b"0" * (9 * 2**20)),))  # fmt: skip
    with pytest.raises(NotSent, match="too large for a webhook"):
        webhooks.post(server.url + "/discord", "discord", big)
    assert server.requests("POST", "/discord") == []
    for bad in ("ftp://example.org/hook", "file:///etc/passwd", "hooks.slack.com/x", ""):
        with pytest.raises(InvalidData, match="not a webhook address"):
            check_webhook_url(bad)
    with pytest.raises(InvalidData, match="not secure"):
        check_webhook_url("http://chat.example.org/hooks/abc")
    assert check_webhook_url("http://127.0.0.1:9/hooks/x") == "http://127.0.0.1:9/hooks/x"


def test_the_service_is_guessed_from_the_address() -> None:
    assert guess_webhook_format("https://hooks.slack.com/services/T/B/x") == "slack"
    assert guess_webhook_format("https://discord.com/api/webhooks/1/x") == "discord"
    assert guess_webhook_format(
        "https://prod-12.westeurope.logic.azure.com:443/workflows/abc/triggers/manual/paths/"
        "invoke?api-version=2016-06-01&sig=x"
    ) == "teams"  # fmt: skip
    assert guess_webhook_format("https://chat.fournil.example/hooks/xyz") == "mattermost"
    assert guess_webhook_format("https://n8n.fournil.example/webhook/1") == "json"
