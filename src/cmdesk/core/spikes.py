"""Crisis spikes: when a topic's recent volume, or its share of negative mentions, rises
well above the topic's own usual level.

The baseline is the topic's own history (the trailing days), not a global threshold:
ten mentions in a day is a crisis for a bakery and a quiet day for a bank. The test is
the classic mean + k·σ over the baseline windows, with floors so that a topic that is
usually silent does not alarm at its second mention.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta

DEFAULT_WINDOW = timedelta(hours=24)
DEFAULT_BASELINE_WINDOWS = 7  # the trailing 7 days, window by window
DEFAULT_K = 3.0
MIN_VOLUME = 5  # fewer mentions than this in the window never make a spike
MIN_NEGATIVE = 3
MIN_SHARE_RISE = 0.25  # the negative share must rise by at least 25 points


@dataclass(frozen=True)
class Spike:
    kind: str  # "volume" or "negative"
    window_start: datetime
    window_end: datetime
    observed: float  # count, or share of negative mentions (0..1)
    baseline_mean: float
    baseline_sd: float
    threshold: float

    @property
    def ratio(self) -> float:
        return self.observed / self.baseline_mean if self.baseline_mean else float("inf")


@dataclass(frozen=True)
class WindowCounts:
    total: int
    negative: int


def windows(
    times: list[tuple[datetime, bool]],
    now: datetime,
    window: timedelta = DEFAULT_WINDOW,
    count: int = DEFAULT_BASELINE_WINDOWS,
) -> tuple[WindowCounts, list[WindowCounts]]:
    """Counts for the current window and the `count` windows before it.

    `times` are (published, is_negative) pairs; older ones are ignored.
    """
    current = [0, 0]
    baseline = [[0, 0] for _ in range(count)]
    start = now - window
    for moment, negative in times:
        if start < moment <= now:
            current[0] += 1
            current[1] += negative
            continue
        index = int((start - moment) / window)
        if moment <= start and index < count:
            baseline[index][0] += 1
            baseline[index][1] += negative
    return WindowCounts(*current), [WindowCounts(*b) for b in baseline]


def detect(
    current: WindowCounts,
    baseline: list[WindowCounts],
    now: datetime,
    window: timedelta = DEFAULT_WINDOW,
    k: float = DEFAULT_K,
) -> list[Spike]:
    """Spikes in the current window against the baseline windows (most recent first)."""
    spikes: list[Spike] = []
    start = now - window
    volumes = [float(b.total) for b in baseline]
    mean = statistics.fmean(volumes) if volumes else 0.0
    sd = statistics.pstdev(volumes) if len(volumes) > 1 else 0.0
    # A perfectly regular topic has σ = 0; one extra mention must not be a crisis.
    threshold = max(mean + k * max(sd, 1.0), float(MIN_VOLUME))
    if current.total >= threshold:
        spikes.append(Spike("volume", start, now, float(current.total), mean, sd, threshold))
    if current.negative >= MIN_NEGATIVE and current.total:
        share = current.negative / current.total
        shares = [b.negative / b.total for b in baseline if b.total]
        base_share = statistics.fmean(shares) if shares else 0.0
        share_sd = statistics.pstdev(shares) if len(shares) > 1 else 0.0
        share_threshold = min(1.0, max(base_share + k * share_sd, base_share + MIN_SHARE_RISE))
        if share >= share_threshold:
            spikes.append(
                Spike("negative", start, now, share, base_share, share_sd, share_threshold)
            )
    return spikes
