"""interactions, contacts and teams from the command line, for people and scripts."""

from __future__ import annotations

import pytest


@pytest.fixture
def client(cli) -> None:
    assert cli("clients", "create", "Boulangerie Léa").code == 0


def test_add_guesses_from_the_link_and_matches_the_contact(cli, client) -> None:
    first = cli(
        "--json", "interactions", "add", "--text", "Colis jamais reçu, très déçue",
        "--link", "https://www.instagram.com/p/Cx1/", "--contact", "@Ines_M",
    )  # fmt: skip
    assert first.code == 0, first.err
    data = first.json
    assert (data["channel"], data["type"], data["sentiment"], data["status"]) == (
        "instagram", "complaint", "negative", "new",
    )  # fmt: skip
    assert data["contact_created"] is True
    contact_id = data["contact_id"]
    # The same handle again: the same contact, not a new one.
    again = cli(
        "--json", "interactions", "add", "--channel", "instagram",
        "--text", "Merci pour le geste !", "--contact", "ines_m", "--type", "praise",
    ).json  # fmt: skip
    assert (again["contact_id"], again["contact_created"], again["type"]) == (
        contact_id, False, "praise",
    )  # fmt: skip
    text = cli("interactions", "add", "--channel", "phone", "--text", "Vous livrez à Lyon ?")
    assert text.code == 0 and "question" in text.out

    listed = cli("--json", "interactions", "list").json
    assert [i["channel"] for i in listed] == ["phone", "instagram", "instagram"]
    assert [i["id"] for i in cli("--json", "interactions", "list", "--type", "complaint").json] == [
        data["id"]
    ]
    assert len(cli("--json", "interactions", "list", "--limit", "1").json) == 1
    assert cli("--json", "interactions", "list", "--status", "closed").json == []
    assert "Colis jamais reçu" in cli("interactions", "list").out

    contacts = cli("--json", "contacts", "list").json
    assert contacts == [
        {"id": contact_id, "name": "", "email": "",
         "handles": [{"network": "instagram", "handle": "ines_m"}], "tags": []}
    ]  # fmt: skip
    assert "@ines_m" in cli("contacts", "list").out


def test_a_channel_or_a_link_is_needed(cli, client) -> None:
    result = cli("interactions", "add", "--text", "Bonjour")
    assert result.code == 2 and "--channel" in result.err
    with pytest.raises(SystemExit) as done:
        cli("interactions", "add", "--channel", "myspace", "--text", "Bonjour")
    assert done.value.code == 2


def test_export_then_erase_a_contact(cli, client) -> None:
    added = cli(
        "--json", "interactions", "add", "--channel", "email", "--text", "Où est ma commande ?",
        "--contact", "Inès Martin",
    ).json  # fmt: skip
    contact_id = str(added["contact_id"])
    exported = cli("contacts", "export", contact_id)
    assert exported.code == 0
    data = exported.json  # JSON even without --json: an export is a document
    assert data["profile"]["name"] == "Inès Martin"
    assert [i["text"] for i in data["interactions"]] == ["Où est ma commande ?"]

    refused = cli("contacts", "erase", contact_id)
    assert refused.code == 2 and "--yes" in refused.err
    assert cli("--json", "contacts", "list").json != []
    erased = cli("--json", "contacts", "erase", contact_id, "--yes", "--note", "par e-mail")
    assert erased.code == 0 and erased.json == {"id": int(contact_id), "erased": True}
    assert cli("--json", "contacts", "list").json == []
    [kept] = cli("--json", "interactions", "list").json
    assert (kept["contact_id"], kept["text"]) == (None, "Où est ma commande ?")
    assert cli("contacts", "erase", contact_id, "--yes").code == 4  # already erased


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["contacts", "export", "99"], "There is no contact 99."),
        (["contacts", "erase", "99", "--yes"], "There is no contact 99."),
    ],
)
def test_unknown_ids_exit_4(cli, client, args: list[str], message: str) -> None:
    result = cli(*args)
    assert result.code == 4 and message in result.err
    as_json = cli("--json", *args)
    assert as_json.json == {"error": message, "exit_code": 4}


def test_teams(cli, client) -> None:
    assert cli("teams", "list").out.strip() == "No team yet."
    added = cli(
        "--json", "teams", "add", "SAV", "--kind", "customer_service", "--email", "sav@l.fr"
    )
    assert added.code == 0, added.err
    assert added.json == {
        "id": 1, "name": "SAV", "kind": "customer_service", "email": "sav@l.fr", "webhook_url": "",
    }  # fmt: skip
    again = cli("teams", "add", "sav")
    assert again.code == 4 and "already exists" in again.err
    assert cli("teams", "add", "R&D", "--email", "nobody").code == 4
    assert [t["name"] for t in cli("--json", "teams", "list").json] == ["SAV"]
    assert "customer_service" in cli("teams", "list").out
