"""What the terminal, the HTML report and the batch page say about a report, in words.

Every name, unit and precision comes from the measure catalogue (:mod:`hipform.measures`)
through the exercise; every number comes from the report dict. Draws nothing itself.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from hipform.verdicts import judged_count

if TYPE_CHECKING:
    from hipform.exercises.base import Exercise
    from hipform.measures import Measure

SIDES = ("left", "right", "both", "all")


def exercise_of(report: Mapping[str, Any]) -> Exercise:
    """The registered exercise a report was made for."""
    from hipform.exercises import get_exercise

    return get_exercise(str(report["exercise"]))


def measure_title(exercise: Exercise, metric: str) -> str:
    """The plain name of a measure id (the id itself only for one the exercise does not declare)."""
    m = exercise.find_measure(metric)
    return m.title if m is not None else metric


def not_judged_groups(report: Mapping[str, Any], exercise: Exercise) -> list[tuple[str, list[str]]]:
    """Measures not judged for the whole clip, grouped by reason: [(reason, [plain names])]."""
    groups: dict[str, list[str]] = {}
    for n in report.get("not_judged", []):
        groups.setdefault(str(n["reason"]), []).append(measure_title(exercise, str(n["metric"])))
    return list(groups.items())


def summary_sentences(report: Mapping[str, Any], exercise: Exercise | None = None) -> list[str]:
    """Plain-language sentences summarising a report (shared by terminal and HTML)."""
    exercise = exercise or exercise_of(report)
    s = report["summary"]
    out: list[str] = []
    view = report["view"]
    out.append(
        f"{exercise.title} ({report['exercise']}) filmed from {view} "
        f"(confidence {report['view_confidence'] or 0:.2f}), {report['frames']} frames at {report['fps']:.1f} fps."
    )
    if report["reps"] or not report["steps"]:
        items, kind = report["reps"], "rep"
        by_side = s.get("rep_count_by_side", {})
        sides = ", ".join(f"{n} {side}" for side, n in sorted(by_side.items()))
        plural = "s" if s["rep_count"] != 1 else ""
        out.append(f"{s['rep_count']} rep{plural} counted" + (f" ({sides})." if sides else "."))
    else:
        items, kind = report["steps"], "step"
        out.append(f"{s.get('steps_analysed', len(report['steps']))} steps analysed.")
        out.extend(gait_sentences(s, exercise))
    judged = judged_count(items)
    if items:
        out.append(f"{judged} of {len(items)} {kind}s judged.")
    faults = s.get("fault_counts", {})
    if faults:
        out.append("Faults: " + ", ".join(f"{code.replace('_', ' ')} x{n}" for code, n in sorted(faults.items())) + ".")
    elif judged:
        out.append("No faults found in what could be judged.")
    elif items:
        out.append(f"Nothing could be judged in any {kind}: no verdict is given.")
    for reason, names in not_judged_groups(report, exercise):
        out.append(f"Not judged: {', '.join(names)} — {reason}.")
    out.extend(f"Note: {n}." for n in report.get("notes", []))
    return out


def gait_sentences(s: Mapping[str, Any], exercise: Exercise) -> list[str]:
    """Cadence, stance time, hip extension per side (mean ± SD) and symmetry of a gait summary."""
    out: list[str] = []
    cad = exercise.find_measure("cadence_spm")
    stance_m = exercise.find_measure("stance_s")
    if s.get("cadence_spm") is not None and cad is not None:
        stance = s.get("stance_s")
        out.append(
            f"Cadence {cad.format(s['cadence_spm'])}"
            + (f", stance time {stance_m.format(stance)}." if stance is not None and stance_m else ".")
        )
    ext_m = exercise.find_measure("peak_hip_extension_deg")
    ext = s.get("peak_hip_extension_deg")
    if isinstance(ext, Mapping) and ext_m is not None:
        parts = []
        for side in ("left", "right"):
            d = ext.get(side) or {}
            if d.get("mean") is not None:
                sd = f" ± {ext_m.format(d['sd'], unit=False)}" if d.get("sd") is not None else ""
                parts.append(f"{side} {ext_m.format(d['mean'], unit=False)}{sd}° (n={d['n']})")
        if parts:
            unc = s.get("hip_extension_uncertainty_deg")
            tail = f"; timing uncertainty ±{unc:.1f}° per step" if unc is not None else ""
            out.append(f"{ext_m.title[0].upper()}{ext_m.title[1:]} " + ", ".join(parts) + tail + ".")
    si = exercise.find_measure("symmetry_index_pct")
    if s.get("symmetry_index_pct") is not None and si is not None:
        out.append(f"Left/right {si.title}: {si.format(s['symmetry_index_pct'])}.")
    drop_m = exercise.find_measure("pelvic_drop_deg")
    drop = s.get("pelvic_drop_deg")
    if isinstance(drop, Mapping) and drop_m is not None:
        parts = [f"{k} stance {drop_m.format(v['mean'])}" for k, v in drop.items() if v.get("mean") is not None]
        if parts:
            out.append("Pelvic drop (swing side) " + ", ".join(parts) + ".")
    return out


@dataclass(frozen=True)
class KeyFigure:
    """One row of the key-figures table: a measure on one side over the judged reps/steps."""

    measure: Measure
    side: str
    mean: float
    sd: float | None
    n: int

    def text(self) -> str:
        """``"12.3° ± 2.1 (n=5)"``."""
        sd = f" ± {self.measure.format(self.sd, unit=False)}" if self.sd is not None else ""
        return f"{self.measure.format(self.mean)}{sd} (n={self.n})"


def key_figures(report: Mapping[str, Any], exercise: Exercise) -> list[KeyFigure]:
    """Mean, SD and count per side of each per-rep measure with values, then the session measures.

    Values come from the scorable reps (steps) of the report; session measures (e.g.
    cadence) from its summary, with n the steps analysed.
    """
    from hipform.compare import item_side

    acc: dict[tuple[str, str], list[float]] = {}
    for it in [*report["reps"], *report["steps"]]:
        if not it.get("scorable", True):
            continue
        for m in exercise.metrics:
            v = it.get("metrics", {}).get(m.name)
            if v is not None and math.isfinite(float(v)):
                acc.setdefault((m.name, item_side(it, m)), []).append(float(v))
    out: list[KeyFigure] = []
    for m in exercise.metrics:
        sides = {s for (name, s) in acc if name == m.name}
        for side in sorted(sides, key=lambda x: SIDES.index(x) if x in SIDES else 9):
            vals = acc[(m.name, side)]
            mean = sum(vals) / len(vals)
            sd = math.sqrt(sum((v - mean) ** 2 for v in vals) / (len(vals) - 1)) if len(vals) > 1 else None
            out.append(KeyFigure(m, side, mean, sd, len(vals)))
    summary = report.get("summary", {})
    n = int(summary.get("steps_analysed", summary.get("rep_count", 0)) or 0)
    for m in exercise.session_measures:
        v = summary.get(m.name)
        if isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(float(v)):
            out.append(KeyFigure(m, "session", float(v), None, n))
    return out
