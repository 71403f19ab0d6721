"""Objectives: what the community manager promised the client, and how far along it is.

An objective is a metric, a target and a few parameters, e.g. "answered_within" with
{"type": "complaint", "minutes": 120} and target 90 reads "90 % of complaints answered
within 2 h". Most metrics are measured from the workspace (store.objectives); "figure"
reads the monthly figures no API gives (followers, reach…), typed in or imported.
Pure logic here: what a metric means, which way is better, and whether it is met.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cmdesk.core.errors import InvalidData
from cmdesk.core.interactions import TYPES
from cmdesk.i18n import N_, _

METRIC_LABELS = {
    "answered_within": N_("Messages answered within a time (percent)"),
    "first_answer_median": N_("Median time to the first answer (minutes)"),
    "negative_share": N_("Share of negative mentions (percent)"),
    "mentions": N_("Mentions"),
    "posts_published": N_("Posts published"),
    "figure": N_("A monthly figure (followers, reach…)"),
}
METRICS = tuple(METRIC_LABELS)
# Lower is better for these; higher for the others.
AT_MOST = frozenset({"first_answer_median", "negative_share"})
# Counted over the period: part-way through it, the target is prorated ("on track").
COUNTS = frozenset({"mentions", "posts_published"})
FIGURE_LABELS = {
    "followers": N_("followers"),
    "reach": N_("reach"),
    "impressions": N_("impressions"),
    "engagement": N_("engagement"),
    "engagement_rate": N_("engagement rate (percent)"),
    "clicks": N_("link clicks"),
    "posts": N_("posts"),
}
FIGURES = tuple(FIGURE_LABELS)


@dataclass(frozen=True)
class Objective:
    id: int
    name: str
    metric: str
    target: float
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def lower_is_better(self) -> bool:
        return self.metric in AT_MOST


def checked(metric: str, target: float, params: dict[str, Any]) -> dict[str, Any]:
    """The parameters of a new objective, cleaned; InvalidData, in plain words, else."""
    if metric not in METRIC_LABELS:
        raise InvalidData(
            _("Unknown measure: {metric} (known: {known})").format(
                metric=metric, known=", ".join(METRICS)
            )
        )
    if target < 0 or (metric in ("answered_within", "negative_share") and target > 100):
        raise InvalidData(_("The target {target} is not possible for this measure.").format(
            target=f"{target:g}"))  # fmt: skip
    clean: dict[str, Any] = {}
    if metric == "answered_within":
        minutes = params.get("minutes")
        if not isinstance(minutes, int | float) or minutes <= 0:
            raise InvalidData(_("Say within how many minutes messages must be answered."))
        clean["minutes"] = int(minutes)
    if metric in ("answered_within", "first_answer_median") and params.get("type"):
        if params["type"] not in TYPES:
            raise InvalidData(_("Unknown message type: {type}").format(type=params["type"]))
        clean["type"] = params["type"]
    if metric == "posts_published" and params.get("channel"):
        clean["channel"] = str(params["channel"])
    if metric == "figure":
        if not params.get("network") or params.get("figure") not in FIGURE_LABELS:
            raise InvalidData(
                _("Say which network and which figure (known: {known}).").format(
                    known=", ".join(FIGURES)
                )
            )
        clean["network"] = str(params["network"])
        clean["figure"] = params["figure"]
        clean["gain"] = bool(params.get("gain"))  # the month's gain, not its value
    return clean


@dataclass(frozen=True)
class Progress:
    objective: Objective
    value: float | None  # None: nothing to measure yet (no message, no figure typed)
    elapsed: float = 1.0  # share of the period gone by (1 for a period over)

    @property
    def met(self) -> bool | None:
        if self.value is None:
            return None
        if self.objective.lower_is_better:
            return self.value <= self.objective.target
        return self.value >= self.objective.target

    @property
    def on_track(self) -> bool | None:
        """Part-way through a period, a count is compared with the prorated target."""
        if self.value is None:
            return None
        if self.objective.metric in COUNTS and self.elapsed < 1:
            return self.value >= self.objective.target * self.elapsed
        return self.met

    @property
    def ratio(self) -> float:
        """How far along, 0 to 1, for a progress bar (1 when met)."""
        if self.value is None:
            return 0.0
        target = self.objective.target
        if self.objective.lower_is_better:
            if self.value <= target:
                return 1.0
            return max(0.0, min(1.0, target / self.value)) if self.value else 1.0
        return 1.0 if target == 0 else max(0.0, min(1.0, self.value / target))
