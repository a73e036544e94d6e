"""Verdict states per rep (or step) and per measure: ok, warn, fault, measured, or not judged.

A rep whose graded measures were all withheld (wrong view, landmarks missing, frame rate
too low) is "not judged", never "ok": nothing was checked. Pure functions over the
outcome an exercise returns and the exercise's measure catalogue; ``pipeline`` and live
mode call :func:`assign_verdicts` on every outcome, and every renderer reads the result.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Literal

from hipform.measures import Measure
from hipform.results import ExerciseOutcome, Fault, Rep, Step

MeasureState = Literal["ok", "warn", "fault", "measured", "not judged"]
ItemState = Literal["ok", "warn", "fault", "not judged"]

ITEM_STATES: tuple[str, ...] = ("fault", "warn", "ok", "not judged")
"""Rep/step verdicts, worst first."""

NOT_MEASURED = "not measured in this rep (landmarks missing or the value could not be taken)"


def measure_states(
    metrics: Mapping[str, float | None],
    faults: Sequence[Fault],
    measures: Iterable[Measure],
    withheld: Mapping[str, str],
    item_reason: str | None = None,
) -> dict[str, dict[str, str | None]]:
    """The state of every catalogued measure in one rep or step.

    Parameters
    ----------
    metrics : mapping
        Measure id -> value (None when not taken).
    faults : sequence of Fault
        The item's faults (their ``metric`` names the measure).
    measures : iterable of Measure
        The exercise's per-item measures.
    withheld : mapping
        Measure id -> reason, for measures withheld for the whole clip.
    item_reason : str, optional
        Why the whole item is not scorable (every measure is then not judged for it).

    Returns
    -------
    dict
        Measure id -> ``{"state": ..., "reason": ...}``; ``reason`` is None unless not judged.
    """
    worst: dict[str, str] = {}
    for f in faults:
        if worst.get(f.metric) != "fault":
            worst[f.metric] = f.severity
    out: dict[str, dict[str, str | None]] = {}
    for m in measures:
        v = metrics.get(m.name)
        if item_reason is not None:
            out[m.name] = {"state": "not judged", "reason": item_reason}
        elif v is None or v != v:
            out[m.name] = {"state": "not judged", "reason": withheld.get(m.name, NOT_MEASURED)}
        elif m.name in worst:
            out[m.name] = {"state": worst[m.name], "reason": None}
        else:
            out[m.name] = {"state": "ok" if m.graded else "measured", "reason": None}
    return out


def item_verdict(
    states: Mapping[str, Mapping[str, str | None]],
    faults: Sequence[Fault],
    measures: Iterable[Measure],
    item_reason: str | None = None,
) -> tuple[ItemState, str | None]:
    """The verdict of one rep or step, and why it was not judged (None otherwise).

    ``fault``/``warn`` when any fault of that severity was found; ``ok`` when at least one
    graded measure was judged and none faulted; ``not judged`` when no graded measure
    could be judged (the reason lists what was withheld, each reason once).
    """
    severities = {f.severity for f in faults}
    if "fault" in severities:
        return "fault", None
    if "warn" in severities:
        return "warn", None
    graded = [m for m in measures if m.graded]
    if any(states.get(m.name, {}).get("state") == "ok" for m in graded):
        return "ok", None
    if item_reason:
        return "not judged", item_reason
    if not graded:
        return "not judged", "this exercise grades no measure per rep"
    reasons = dict.fromkeys(str(states[m.name]["reason"]) for m in graded if m.name in states)
    return "not judged", "no graded measure could be judged: " + "; ".join(reasons)


def judge_item(item: Rep | Step, measures: Sequence[Measure], withheld: Mapping[str, str]) -> None:
    """Fill ``item.verdicts``, ``item.verdict`` and ``item.verdict_reason`` in place."""
    reason = None if item.scorable else (item.reason or "not scorable")
    item.verdicts = measure_states(item.metrics, item.faults, measures, withheld, reason)
    item.verdict, item.verdict_reason = item_verdict(item.verdicts, item.faults, measures, reason)


def assign_verdicts(outcome: ExerciseOutcome, measures: Sequence[Measure]) -> ExerciseOutcome:
    """Give every rep and step of an outcome its verdicts (in place; returns the outcome)."""
    withheld = {n.metric: n.reason for n in outcome.not_judged}
    for item in (*outcome.reps, *outcome.steps):
        judge_item(item, measures, withheld)
    return outcome


def judged_count(items: Iterable[Mapping[str, object]]) -> int:
    """Number of reps/steps (``report.json`` dicts) that have a verdict other than not judged."""
    return sum(1 for it in items if it.get("verdict", "not judged") != "not judged")
