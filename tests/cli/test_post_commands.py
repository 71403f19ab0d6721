"""posts and accounts from the command line, for people and scripts."""

from __future__ import annotations

from pathlib import Path

import pytest

from cmdesk.core.images import MAX_IMAGE_BYTES
from cmdesk.store.workspace import Workspace

PNG = b"\x89PNG\r\n\x1a\n" + b"\x01" * 100


@pytest.fixture
def client(cli) -> None:
    assert cli("clients", "create", "Boulangerie Léa", "--timezone", "Europe/Paris").code == 0


def test_create_schedule_list_and_show(cli, client, home: Path, tmp_path: Path) -> None:
    image = tmp_path / "galette.png"
    image.write_bytes(PNG)
    made = cli(
        "--json", "posts", "create", "--text", "La galette des rois est là 👑",
        "--channel", "mastodon", "--channel", "bluesky", "--title", "Épiphanie",
        "--link", "https://fournil.example/galette", "--at", "2027-01-06T09:00",
        "--image", str(image), "--alt", "Une galette dorée",
    )  # fmt: skip
    assert made.code == 0, made.err
    post = made.json
    assert (post["state"], post["wall_time"], post["zone"]) == (
        "scheduled", "2027-01-06T09:00:00", "Europe/Paris",
    )  # fmt: skip
    assert post["scheduled_at"] == "2027-01-06T08:00:00+00:00"
    assert [v["channel"] for v in post["variants"]] == ["mastodon", "bluesky"]
    assert [v["due_at"] for v in post["variants"]] == [post["scheduled_at"]] * 2
    assert post["media"] == [
        {"id": 1, "position": 0, "mime": "image/png", "alt": "Une galette dorée",
         "filename": "galette.png", "size": len(PNG)}
    ]  # fmt: skip
    idea = cli("posts", "create", "--text", "Une idée pour Pâques", "--idea")
    assert idea.code == 0 and "Idea" in idea.out

    listed = cli("--json", "posts", "list").json
    assert [(p["id"], p["state"]) for p in listed] == [(2, "idea"), (1, "scheduled")]
    assert [p["id"] for p in cli("--json", "posts", "list", "--state", "idea").json] == [2]
    text = cli("posts", "list").out
    assert "Mastodon, Bluesky" in text and "no date" in text and "Jan 6, 2027" in text

    shown = cli("--json", "posts", "show", "1").json
    assert [(h["action"], h["to_state"]) for h in shown["history"]] == [
        ("created", "draft"), ("image.added", ""), ("scheduled", "scheduled"),
    ]  # fmt: skip
    assert shown["media"][0]["alt"] == "Une galette dorée" and shown["comments"] == []
    page = cli("posts", "show", "1").out
    assert "Épiphanie" in page and "Une galette dorée" in page and "History:" in page
    with Workspace.open_readonly(home / "clients" / "boulangerie-lea.cmdesk") as ws:
        assert ws.posts.media(1, with_data=True)[0].data == PNG


def test_a_clock_change_time_is_refused_with_the_choices_then_taken(cli, client) -> None:
    args = ("posts", "create", "--text", "Heure d'hiver", "--channel", "mastodon")
    refused = cli(*args, "--at", "2026-10-25T02:30")
    assert refused.code == 4
    assert "happens twice in Europe/Paris" in refused.err
    assert "2026-10-25T02:30+02:00 / 2026-10-25T02:30+01:00" in refused.err
    assert cli("--json", "posts", "list").json == []  # nothing half-created
    gap = cli(*args, "--at", "2026-03-29T02:30")
    assert gap.code == 4 and "does not exist" in gap.err
    assert "2026-03-29T03:00+02:00 / 2026-03-29T03:30+02:00" in gap.err
    chosen = cli("--json", *args, "--at", "2026-10-25T02:30+01:00").json
    assert chosen["scheduled_at"] == "2026-10-25T01:30:00+00:00"
    assert "(UTC+01:00)" in cli("posts", "list").out  # which of the two 02:30


def test_bad_input_is_refused_clearly_and_changes_nothing(cli, client, tmp_path: Path) -> None:
    big = tmp_path / "photo.png"
    big.write_bytes(PNG + b"\x00" * MAX_IMAGE_BYTES)
    base = ("posts", "create", "--text", "Photo", "--channel", "instagram")
    too_big = cli(*base, "--image", str(big), "--alt", "Photo")
    assert too_big.code == 4 and "photo.png is too large" in too_big.err
    no_alt = cli(*base, "--image", str(big))
    assert no_alt.code == 2 and "--alt" in no_alt.err
    missing = cli(*base, "--image", str(tmp_path / "absent.png"), "--alt", "x")
    assert missing.code == 4 and "There is no file" in missing.err
    not_a_time = cli(*base, "--at", "mardi 9h")
    assert not_a_time.code == 2 and "not a date and time" in not_a_time.err
    no_channel = cli("posts", "create", "--text", "Quand ?", "--at", "2027-01-06T09:00")
    assert no_channel.code == 2
    assert cli("--json", "posts", "list").json == []
    assert cli("posts", "show", "7").code == 4


def test_accounts_list(cli, client, home: Path) -> None:
    assert cli("accounts", "list").out.strip() == "No publishing account yet."
    with Workspace.open(home / "clients" / "boulangerie-lea.cmdesk") as ws:
        ws.accounts.add("mastodon", "mastodon.social", "lea", label="Fournil (Mastodon)")
        ws.accounts.add("bluesky", "https://bsky.social", "fournil.bsky.social")
    listed = cli("--json", "accounts", "list").json
    assert listed == [
        {"id": 2, "network": "bluesky", "name": "fournil.bsky.social (Bluesky)", "label": "",
         "server": "https://bsky.social", "handle": "fournil.bsky.social",
         "needs_reconnect": False},
        {"id": 1, "network": "mastodon", "name": "Fournil (Mastodon)",
         "label": "Fournil (Mastodon)", "server": "https://mastodon.social", "handle": "lea",
         "needs_reconnect": False},
    ]  # fmt: skip
    assert "Fournil (Mastodon)" in cli("accounts", "list").out
    # A post to a network with one account goes through it.
    made = cli("--json", "posts", "create", "--text", "Bonjour", "--channel", "mastodon").json
    assert made["variants"][0]["account_id"] == 1
