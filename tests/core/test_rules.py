"""Automatic rules, pure: conditions, order, the stop flag, and their stored form."""

from __future__ import annotations

import pytest

from cmdesk.core.errors import InvalidData
from cmdesk.core.query import QuerySyntaxError
from cmdesk.core.rules import (
    Actions,
    Conditions,
    Rule,
    Subject,
    actions_from_json,
    actions_json,
    conditions_from_json,
    conditions_json,
    rule_matches,
    run,
)

COLIS = Subject(
    id=1, text="Mon colis n'est jamais arrivé", channel="instagram", sentiment="negative"
)


def _rule(rule_id: int, conditions: Conditions, actions: Actions, **flags: bool) -> Rule:
    return Rule(id=rule_id, name=f"r{rule_id}", conditions=conditions, actions=actions, **flags)


def test_every_condition_must_hold() -> None:
    assert rule_matches(Conditions(query="colis", channels=("instagram",)), COLIS)
    assert rule_matches(Conditions(query="arrive"), COLIS)  # accents ignored, whole words
    assert not rule_matches(Conditions(query="arriv"), COLIS)
    assert rule_matches(Conditions(query="arriv*"), COLIS)
    assert not rule_matches(Conditions(query="colis", channels=("facebook",)), COLIS)
    assert not rule_matches(Conditions(query="colis -jamais"), COLIS)
    assert rule_matches(Conditions(sentiments=("negative", "neutral")), COLIS)
    assert not rule_matches(Conditions(direction="out"), COLIS)
    assert not rule_matches(Conditions(contact_tags=("journalist",)), COLIS)
    press = Subject(id=2, text="Question presse", contact_tags=("Journalist", "customer"))
    assert rule_matches(Conditions(contact_tags=("journalist",)), press)  # case ignored


def test_rules_run_in_order_and_see_what_earlier_ones_changed() -> None:
    rules = [
        _rule(1, Conditions(query="colis"), Actions(type="complaint", tags=("livraison",))),
        _rule(2, Conditions(types=("complaint",)), Actions(team_id=7, priority=1)),
        _rule(3, Conditions(types=("complaint",)), Actions(tags=("Livraison", "sav"))),
    ]
    outcome = run(rules, COLIS)
    assert outcome.fired == (1, 2, 3)
    after = outcome.after
    assert (after.type, after.team_id, after.priority) == ("complaint", 7, 1)
    assert after.tags == ("livraison", "sav")  # the same tag in another case is not added twice
    assert outcome.changed == ("type", "priority", "team_id", "tags")
    # In the other order the second rule no longer sees a complaint.
    assert run([rules[1], rules[0]], COLIS).fired == (1,)


def test_the_stop_flag_ends_the_run_for_that_interaction_only() -> None:
    spam = _rule(1, Conditions(query="promo"), Actions(status="closed"), stop=True)
    tag = _rule(2, Conditions(channels=("instagram",)), Actions(tags=("insta",)))
    hit = run([spam, tag], Subject(id=1, text="Code promo gratuit", channel="instagram"))
    assert (hit.fired, hit.after.status, hit.after.tags) == ((1,), "closed", ())
    miss = run([spam, tag], COLIS)
    assert (miss.fired, miss.after.tags) == ((2,), ("insta",))


def test_disabled_rules_do_not_run_and_an_unchanged_run_reports_nothing() -> None:
    off = _rule(1, Conditions(query="colis"), Actions(type="complaint"), enabled=False)
    assert run([off], COLIS).fired == ()
    same = _rule(2, Conditions(query="colis"), Actions(type="other"))
    outcome = run([same], COLIS)  # sets the type it already has
    assert outcome.fired == (2,) and outcome.changed == ()


def test_definitions_are_checked_with_clear_messages() -> None:
    with pytest.raises(InvalidData, match="at least one condition"):
        Conditions().validated()
    with pytest.raises(InvalidData, match="at least one action"):
        Actions().validated()
    with pytest.raises(QuerySyntaxError, match="closing parenthesis"):
        Conditions(query="(colis").validated()
    with pytest.raises(InvalidData, match="Unknown channel"):
        Conditions(channels=("myspace",)).validated()
    with pytest.raises(InvalidData, match="Unknown priority"):
        Actions(priority=5).validated()
    assert Conditions(contact_tags=(" vip ", "VIP", "")).validated().contact_tags == ("vip",)


def test_the_stored_form_reads_back_the_same() -> None:
    conditions = Conditions(
        query='"pas reçu" OR colis', channels=("x", "facebook"), types=("question",),
        sentiments=("negative",), contact_tags=("client fidèle",), direction="in",
    )  # fmt: skip
    actions = Actions(type="complaint", priority=2, team_id=3, tags=("é",), status="in_progress")
    assert conditions_from_json(conditions_json(conditions)) == conditions
    assert actions_from_json(actions_json(actions)) == actions
    assert actions_from_json(actions_json(Actions(priority=0))).priority == 0
    assert conditions_json(Conditions(query="a")) == '{"query": "a"}'
