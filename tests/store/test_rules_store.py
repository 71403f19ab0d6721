"""Automatic rules in a real workspace: applied when an interaction is logged, tested
without changing anything, applied on demand, reordered, and robust to a removed team."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from cmdesk.core.client import ClientProfile
from cmdesk.core.errors import InvalidData, NotFound
from cmdesk.core.rules import Actions, Conditions
from cmdesk.store.workspace import Workspace


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Workspace]:
    with Workspace.create(tmp_path / "lea.cmdesk", ClientProfile(name="Léa", slug="lea")) as w:
        yield w


def _dump(ws: Workspace) -> list[str]:
    return list(ws.db.iterdump())


def test_rules_and_matrix_run_when_an_interaction_is_logged(ws: Workspace) -> None:
    sav = ws.teams.add("SAV", kind="customer_service")
    presse = ws.teams.add("Presse", kind="pr")
    ws.rules.add(
        "Livraison", Conditions(query="colis OR livraison"),
        Actions(type="complaint", priority=1, tags=("livraison",)),
    )  # fmt: skip
    ws.rules.add(
        "Journalistes", Conditions(contact_tags=("journalist",)), Actions(team_id=presse.id)
    )
    ws.escalation.set_route("complaint", sav.id)

    item = ws.interactions.add("Mon colis est perdu", channel="instagram")
    assert (item.type, item.priority, item.tags, item.team_id) == (
        "complaint", 1, ("livraison",), sav.id,
    )  # fmt: skip
    # A rule's team wins over the matrix's.
    journalist = ws.contacts.add("Paul Presse")
    ws.contacts.add_tag(journalist.id, "journalist")
    item = ws.interactions.add("Livraison ratée ?", channel="email", contact_id=journalist.id)
    assert (item.type, item.team_id) == ("complaint", presse.id)
    # Nothing matched, no route for its type: left alone.
    item = ws.interactions.add("Merci pour tout", channel="facebook", type="praise")
    assert (item.type, item.team_id, item.tags) == ("praise", None, ())


def test_a_rule_tested_before_saving_changes_nothing(ws: Workspace) -> None:
    for text in ("Colis perdu", "colis abîmé", "Bravo", "Où est mon colis ?"):
        ws.interactions.add(text, channel="x")
    closed = ws.interactions.add("Colis retrouvé", channel="x")
    ws.interactions.set_status([closed.id], "closed")
    before = _dump(ws)

    found = ws.rules.test(Conditions(query="colis"), Actions(tags=("livraison",), priority=2))
    assert (found.examined, found.matched, len(found.changed)) == (4, 3, 3)
    assert all(o.changed == ("priority", "tags") for o in found.changed)
    assert ws.rules.test(
        Conditions(query="colis"), Actions(priority=2), include_closed=True
    ).changed_ids == (*found.changed_ids, closed.id)
    assert _dump(ws) == before
    assert ws.rules.all() == []


def test_apply_on_demand_writes_what_the_test_announced(ws: Workspace) -> None:
    ids = [ws.interactions.add(t, channel="x").id for t in ("Colis perdu", "Bravo", "Spam promo")]
    spam = ws.rules.add("Spam", Conditions(query="promo"), Actions(status="closed"), stop=True)
    tag = ws.rules.add("Tout", Conditions(channels=("x",)), Actions(tags=("x",)))
    announced = ws.rules.test(Conditions(channels=("x",)), Actions(tags=("x",))).changed_ids
    assert announced == tuple(ids)

    done = ws.rules.apply()
    assert {o.after.id: o.fired for o in done.changed} == {
        ids[0]: (tag.id,), ids[1]: (tag.id,), ids[2]: (spam.id,),
    }  # fmt: skip
    assert ws.interactions.get(ids[2]).status == "closed"
    assert ws.interactions.get(ids[2]).first_response_at is not None  # as a closing by hand
    assert ws.interactions.get(ids[0]).tags == ("x",)
    assert ws.rules.apply().changed == ()  # applied twice: nothing more to do
    with pytest.raises(NotFound):
        ws.rules.apply([999])


def test_order_enable_and_remove(ws: Workspace) -> None:
    a = ws.rules.add("A", Conditions(query="a"), Actions(type="question"))
    b = ws.rules.add("B", Conditions(query="b"), Actions(type="question"))
    c = ws.rules.add("C", Conditions(query="c"), Actions(type="question"), enabled=False)
    ws.rules.move(c.id, 0)
    assert [r.name for r in ws.rules.all()] == ["C", "A", "B"]
    ws.rules.move(c.id, 99)
    assert [r.name for r in ws.rules.all()] == ["A", "B", "C"]
    ws.rules.set_enabled(c.id, True)
    ws.rules.update(a.id, stop=True, name="  A  prime ")
    assert [(r.name, r.enabled, r.stop) for r in ws.rules.all()] == [
        ("A prime", True, True), ("B", True, False), ("C", True, False),
    ]  # fmt: skip
    ws.rules.remove(b.id)
    assert [r.id for r in ws.rules.all()] == [a.id, c.id]
    with pytest.raises(InvalidData, match="needs a name"):
        ws.rules.add(" ", Conditions(query="a"), Actions(type="question"))
    with pytest.raises(NotFound):
        ws.rules.add("T", Conditions(query="a"), Actions(team_id=404))
    with pytest.raises(InvalidData, match="Unknown rule fields"):
        ws.rules.update(a.id, colour="red")


def test_a_removed_team_does_not_stop_interactions_from_being_logged(ws: Workspace) -> None:
    gone = ws.teams.add("Ancienne équipe")
    ws.rules.add("Route", Conditions(query="colis"), Actions(team_id=gone.id, priority=2))
    ws.teams.remove(gone.id)
    item = ws.interactions.add("Colis perdu", channel="x")
    assert (item.team_id, item.priority) == (None, 2)


def test_a_failing_rule_write_leaves_no_half_logged_interaction(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws.rules.add("Tag", Conditions(query="colis"), Actions(tags=("livraison",)))

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(ws.interactions, "add_tag", broken)
    with pytest.raises(RuntimeError):
        ws.interactions.add("Colis perdu", channel="x")
    assert ws.interactions.count() == 0
