"""Objectives measured from the workspace, and monthly figures typed in or imported from
a network's CSV export."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from cmdesk.core.client import ClientProfile
from cmdesk.core.errors import InvalidData
from cmdesk.core.periods import parse as parse_period
from cmdesk.store.workspace import Workspace

OCT = datetime(2026, 10, 1, 8, 0, tzinfo=UTC)


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Workspace]:
    profile = ClientProfile(name="Fournil", slug="f", timezone="Europe/Paris")
    with Workspace.create(tmp_path / "f.cmdesk", profile) as w:
        # Four complaints answered after 30, 90, 150 and 300 minutes; one question unanswered.
        for n, minutes in enumerate((30, 90, 150, 300)):
            at = OCT + timedelta(days=n)
            made = w.interactions.add(f"Colis {n} abîmé", channel="email", occurred_at=at,
                                      type="complaint")  # fmt: skip
            w.interactions.record_reply(made.id, "Désolés", at=at + timedelta(minutes=minutes))
        w.interactions.add("Horaires ?", channel="email", occurred_at=OCT, type="question")
        yield w


def _october(ws: Workspace):
    return parse_period("2026-10", OCT, ws.profile().zone)


def test_answered_within_and_median(ws: Workspace) -> None:
    two_hours = ws.objectives.add("Réclamations en 2 h", "answered_within", 90,
                                  {"type": "complaint", "minutes": 120})  # fmt: skip
    ws.objectives.add("Première réponse", "first_answer_median", 60)
    everyone = ws.objectives.add("Tout en 4 h", "answered_within", 80, {"minutes": 240})
    done = {
        p.objective.name: p
        for p in ws.objectives.progress(_october(ws), now=OCT + timedelta(days=60))
    }
    assert done["Réclamations en 2 h"].value == 50.0  # 2 of 4 within 120 minutes
    assert done["Réclamations en 2 h"].met is False and done[
        "Réclamations en 2 h"
    ].ratio == pytest.approx(50 / 90)
    assert done["Première réponse"].value == pytest.approx(90)  # nearest rank of 30,90,150,300
    assert done["Première réponse"].met is False  # lower is better: 90 > 60
    assert done["Tout en 4 h"].value == 60.0  # the unanswered question counts against it
    assert ws.objectives.get(two_hours.id).params == {"type": "complaint", "minutes": 120}
    ws.objectives.remove(everyone.id)
    assert [o.name for o in ws.objectives.all()] == ["Réclamations en 2 h", "Première réponse"]


def test_counts_are_prorated_part_way_through_the_period(ws: Workspace) -> None:
    ws.objectives.add("20 publications", "posts_published", 20)
    (early,) = ws.objectives.progress(_october(ws), now=OCT + timedelta(days=2))
    assert early.value == 0 and early.met is False and early.on_track is False
    assert 0 < early.elapsed < 0.1


@pytest.mark.parametrize(
    "metric, target, params, message",
    [
        ("likes", 1, {}, "Unknown measure"),
        ("answered_within", 90, {}, "within how many minutes"),
        ("answered_within", 150, {"minutes": 10}, "not possible"),
        ("answered_within", 90, {"minutes": 10, "type": "rant"}, "Unknown message type"),
        ("figure", 100, {"network": "instagram"}, "which figure"),
    ],
)
def test_objectives_are_checked(ws: Workspace, metric, target, params, message) -> None:
    with pytest.raises(InvalidData, match=message):
        ws.objectives.add("x", metric, target, params)


def test_followers_gain_from_typed_figures(ws: Workspace) -> None:
    params = {"network": "instagram", "figure": "followers", "gain": 1}
    gain = ws.objectives.add("+200 abonnés", "figure", 200, params)
    ws.figures.set("Instagram", "followers", "2026-09", 1500)
    (p,) = ws.objectives.progress(_october(ws))
    assert p.value is None  # October not typed yet
    ws.figures.set("instagram", "followers", "2026-10", 1740)
    (p,) = ws.objectives.progress(_october(ws))
    assert (p.value, p.met) == (240, True) and p.objective.id == gain.id
    with pytest.raises(InvalidData, match="not a month"):
        ws.figures.set("instagram", "followers", "2026-13", 1)
    ws.figures.set("instagram", "followers", "2026-10", None)
    assert ws.figures.get("instagram", "followers", "2026-10") is None


META_EXPORT = (
    (
        '\ufeff"Date","Portée de la Page Facebook","Nombre d\'abonnés",'
        '"Interactions avec le contenu","Taux d\'engagement"\n'
    )
    + """"30/09/2026","1 200","1 480","35","2,5 %"
"01/10/2026","1 000","1 490","40","3,0 %"
"15/10/2026","2 500","1 520","60","4,0 %"
"31/10/2026","500","1 560","","2,0 %"
"pas une date","9","9","9","9"
"""
)


def test_import_a_network_export(ws: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "meta.csv"
    path.write_text(META_EXPORT, encoding="utf-8")
    found = ws.figures.import_export(path, "Facebook")
    assert found.columns == {
        "Portée de la Page Facebook": "reach",
        "Nombre d'abonnés": "followers",
        "Interactions avec le contenu": "engagement",
        "Taux d'engagement": "engagement_rate",
    }
    assert found.skipped_rows == 1
    assert found.months["2026-10"] == {
        "reach": 4000, "followers": 1560, "engagement": 100, "engagement_rate": 3.0,
    }  # fmt: skip
    assert ws.figures.get("facebook", "followers", "2026-09") == 1480
    assert ("facebook", "reach", "2026-10", 4000.0, "csv:meta.csv") in ws.figures.all()
    bad = tmp_path / "bad.csv"
    bad.write_text("Jour;Likes\n01/10/2026;3\n", encoding="utf-8")
    with pytest.raises(InvalidData, match="no column cmdesk knows"):
        ws.figures.import_export(bad, "facebook")
