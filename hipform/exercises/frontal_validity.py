"""When the frontal knee measures mean something: foreshortened legs and cues that disagree.

Shared by the single-leg squat, the forward step-up and the squat (the measures
themselves live in :mod:`hipform.exercises.frontal_knee`).

Foreshortening
--------------
The FPPA is an angle on the image. When a segment (thigh or shank) pitches toward or
away from the camera by ``phi``, its image length shrinks to ``r = cos(phi)`` of its
length standing, while its sideways (frontal-plane) deviation ``v`` is seen whole, so the
image shows ``atan(tan(v) / r)``: a shrunken segment magnifies any sideways angle by
about ``1 / r``. At ``r = tan(10°) / tan(15°) = 0.66`` a true 10° (the warning level)
reads as 15° (the fault level). Below that the reading's error is larger than the gap
between the warning and the fault, so the FPPA is withheld
(``knee_segment_min_length_frac``, default 0.66; ``docs/metrics.md``). In a deep squat
seen from the front the thigh points at the camera (``r`` 0.1-0.4) and the image angle
at the knee reads -110° to -130°: it shows the pose, not the knee.

The knee-over-toe offset is a sideways distance (knee x minus toe x), which a segment
turning toward the camera does not change, so it stays judged.

Disagreement
------------
When the FPPA says the knee is outside the hip-ankle line and knee-over-toe says it is
inside the toe (or the other way round), each cue beyond half its warning threshold,
one of them is misled (a turned-out foot moves the toe tip out; a rotated thigh moves
the knee against the hip-ankle line) and the image cannot say which. Neither is
faulted; the rep says so in a note.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import numpy as np

from hipform.config import ThresholdSpec
from hipform.exercises import frontal_knee as fk
from hipform.geometry import distance
from hipform.results import ExerciseOutcome, Fault, NotJudged
from hipform.sequence import PoseSequence

if TYPE_CHECKING:
    from hipform.exercises.base import AnalysisOptions, Exercise, RepContext
    from hipform.reps import RepWindow

SEGMENT_MIN_DEFAULT = round(float(np.tan(np.radians(10.0)) / np.tan(np.radians(15.0))), 2)
"""tan(10°) / tan(15°) = 0.66: below this share of its standing image length, a segment
magnifies a warning-level valgus to a fault-level one."""

VALIDITY_THRESHOLDS: tuple[ThresholdSpec, ...] = (
    ThresholdSpec(
        "knee_segment_min_length_frac",
        SEGMENT_MIN_DEFAULT,
        "fraction of standing length",
        "the FPPA is not judged when the thigh or shank looks shorter than this share of its standing length "
        "(the leg points at the camera)",
        0.0,
        1.0,
        "geometry: a segment at r of its length magnifies a sideways angle to atan(tan v / r); "
        "tan 10° / tan 15° = 0.66 (docs/metrics.md)",
    ),
)

DISAGREE_MARGIN = 0.5
"""Each cue must pass this share of its warning threshold before a sign is believed."""

FPPA, OFFSET = "fppa_deg", "medial_offset_shank"


@dataclass
class KneeReading:
    """One knee's frontal measures on a rep, with what was withheld and why.

    Attributes
    ----------
    fppa_deg, medial_offset_shank : float
        NaN when missing or withheld.
    thigh_frac, shank_frac : float
        Image length at the measured frames over the standing image length.
    reasons : dict
        ``"fppa_deg"`` / ``"medial_offset_shank"`` -> why it was not judged.
    disagreement : str or None
        The note when the two cues disagree in sign (then neither is faulted).
    """

    fppa_deg: float
    medial_offset_shank: float
    thigh_frac: float = float("nan")
    shank_frac: float = float("nan")
    reasons: dict[str, str] = field(default_factory=dict)
    disagreement: str | None = None
    at_s: float | None = None


def knee_times(readings: Mapping[str, KneeReading], names: Mapping[str, tuple[str, str]]) -> dict[str, float]:
    """``<metric>_at_s`` events for knee readings taken at another moment than the rep's still."""
    out: dict[str, float] = {}
    for key, r in readings.items():
        if r.at_s is not None:
            for name in names[key]:
                out[f"{name}_at_s"] = float(r.at_s)
    return out


def segment_length_frac_track(seq: PoseSequence, a: str, b: str, base: slice) -> np.ndarray:
    """Per-frame image length of segment ``a``-``b`` over its standing length.

    The standing length is the median over ``base`` (the standing frames before the
    rep); without it, the clip's 90th percentile (a segment only looks shorter than it is).
    NaN where the landmarks are missing.
    """
    length = distance(seq.xy(a), seq.xy(b))
    standing = fk.baseline_value(length, base)
    if not (np.isfinite(standing) and standing > 0):
        ok = np.isfinite(length)
        standing = float(np.percentile(length[ok], 90)) if ok.any() else float("nan")
    if not (np.isfinite(standing) and standing > 0):
        return np.full(len(seq), np.nan)
    return length / standing


def segment_length_frac(seq: PoseSequence, a: str, b: str, frames: fk.Frames, base: slice) -> float:
    """Median of :func:`segment_length_frac_track` over ``frames``."""
    return fk.baseline_value(segment_length_frac_track(seq, a, b, base), frames)


def foreshortening_reason(thigh_frac: float, shank_frac: float, limit: float) -> str | None:
    """The reason the FPPA is withheld (the shorter segment below ``limit``), else None."""
    worst = min(
        ((f, name) for f, name in ((thigh_frac, "thigh"), (shank_frac, "shank")) if np.isfinite(f)),
        default=None,
    )
    if worst is None or worst[0] >= limit:
        return None
    return (
        f"not judged: {worst[1]} foreshortened to {100 * worst[0]:.0f}% of its standing length "
        f"(limit {100 * limit:.0f}%): the leg points at the camera, so the image angle is not the knee's"
    )


def disagreement_note(
    fppa: float, offset: float, side: str, th: Mapping[str, float], margin: float = DISAGREE_MARGIN
) -> str | None:
    """A note when FPPA and knee-over-toe put the knee on opposite sides, else None."""
    if not (np.isfinite(fppa) and np.isfinite(offset)):
        return None
    if abs(fppa) < margin * th["knee_valgus_warn_deg"] or abs(offset) < margin * th["knee_medial_warn_shank"]:
        return None
    if np.sign(fppa) == np.sign(offset):
        return None
    fppa_word = "inside the hip-ankle line" if fppa > 0 else "outside the hip-ankle line"
    toe_word = "inside the second toe" if offset > 0 else "outside the second toe"
    return (
        f"{side} knee: FPPA {fppa:.0f}° puts it {fppa_word} but knee-over-toe {offset:.2f} shank lengths puts it "
        f"{toe_word}; the two cues disagree, so neither is faulted"
    )


def read_knee(
    seq: PoseSequence, side: str, frames: fk.Frames, base: slice, th: Mapping[str, float]
) -> KneeReading:
    """FPPA and knee-over-toe of one knee, withheld where invalid.

    The values are :func:`~hipform.exercises.frontal_knee.frontal_knee_at`; ``at_s`` is left
    for the caller to set when the moment is not the rep's still.
    """
    raw = fk.frontal_knee_at(seq, side, frames, base)
    r = KneeReading(raw[FPPA], raw[OFFSET])
    r.thigh_frac = segment_length_frac(seq, f"{side}_hip", f"{side}_knee", frames, base)
    r.shank_frac = segment_length_frac(seq, f"{side}_knee", f"{side}_ankle", frames, base)
    why = foreshortening_reason(r.thigh_frac, r.shank_frac, th["knee_segment_min_length_frac"])
    if why:
        r.fppa_deg = float("nan")
        r.reasons[FPPA] = why
    r.disagreement = disagreement_note(r.fppa_deg, r.medial_offset_shank, side, th)
    return r


def knee_faults(
    fppa: float | None,
    offset: float | None,
    side: str,
    rep: int,
    th: Mapping[str, float],
    fppa_metric: str,
    offset_metric: str,
    when: str = "at the bottom",
) -> list[Fault]:
    """Valgus and knee-over-toe faults of one knee (None = not measured); none when the cues disagree."""
    f = float("nan") if fppa is None else float(fppa)
    o = float("nan") if offset is None else float(offset)
    if disagreement_note(f, o, side, th):
        return []
    out: list[Fault | None] = []
    if np.isfinite(f):
        out.append(fk.valgus_fault(f, side, rep, th, metric=fppa_metric, when=when))
    if np.isfinite(o):
        out.append(fk.medial_toe_fault(o, side, rep, th, metric=offset_metric))
    return fk.keep(*out)


def rep_record(readings: Mapping[str, KneeReading], names: Mapping[str, tuple[str, str]]) -> tuple[dict, list[str]]:
    """Per-rep reasons (metric name -> why) and notes from the knee readings.

    ``names`` maps each reading's key to its (FPPA metric, knee-over-toe metric) names.
    """
    reasons: dict[str, str] = {}
    notes: list[str] = []
    for key, r in readings.items():
        fppa_name, offset_name = names[key]
        if FPPA in r.reasons:
            reasons[fppa_name] = r.reasons[FPPA]
        if OFFSET in r.reasons:
            reasons[offset_name] = r.reasons[OFFSET]
        if r.disagreement:
            notes.append(r.disagreement)
    return reasons, notes


@dataclass
class RepNotes:
    """Per-rep reasons (metric -> why not judged) and plain notes, filled while scoring."""

    reasons: dict[int, dict[str, str]] = field(default_factory=dict)
    notes: dict[int, list[str]] = field(default_factory=dict)

    def add(self, rep: int, reasons: Mapping[str, str], notes: list[str]) -> None:
        """Record one rep's reasons and notes."""
        self.reasons[rep] = dict(reasons)
        self.notes[rep] = list(notes)

    def apply(self, outcome: ExerciseOutcome) -> None:
        """Put the reasons and notes into the outcome.

        A metric withheld on every judged rep goes to ``not_judged`` with the first
        rep's reason; withheld on some reps it becomes a note naming them. Each rep's
        notes are added as ``rep N: ...``.
        """
        gated = {n.metric for n in outcome.not_judged}
        scored = [r for r in outcome.reps if r.scorable]
        by_metric: dict[str, list[int]] = {}
        for rep in scored:
            for metric in self.reasons.get(rep.index, {}):
                if metric in gated or rep.metrics.get(metric) is not None:
                    continue
                by_metric.setdefault(metric, []).append(rep.index)
        for metric, idx in by_metric.items():
            why = self.reasons[idx[0]][metric]
            if len(idx) == len(scored):
                outcome.not_judged.append(NotJudged(metric, why))
            else:
                outcome.notes.append(f"{metric} in rep(s) {', '.join(map(str, idx))}: {why}")
        for rep in scored:
            for note in self.notes.get(rep.index, []):
                outcome.notes.append(f"rep {rep.index}: {note}")


def analyse_noting_knees(
    exercise: Exercise,
    measure: Callable[[PoseSequence, RepWindow, RepContext], tuple[dict, Mapping[str, KneeReading]]],
    faults: Callable[[dict, RepContext], list],
    names: Mapping[str, tuple[str, str]],
    seq: PoseSequence,
    options: AnalysisOptions,
) -> ExerciseOutcome:
    """The shared rep engine for a frontal knee exercise, recording per rep why knee angles were withheld.

    Each rep is measured with ``measure`` (values and the knee readings), faulted with
    ``faults``; then oblique cameras are gated (:func:`frontal_knee.gate_camera_yaw`) and the
    per-rep knee notes are applied to the outcome.
    """
    from hipform.exercises.base import RepScore
    from hipform.exercises.repflow import analyse_reps

    record = RepNotes()

    def score_noting(s: PoseSequence, w: RepWindow, ctx: RepContext) -> RepScore:
        m, knees = measure(s, w, ctx)
        record.add(ctx.index, *rep_record(knees, names))
        return RepScore(metrics=m, faults=faults(m, ctx))

    assert exercise.rep_model is not None
    noting = replace(exercise, rep_model=replace(exercise.rep_model, score=score_noting))
    outcome = analyse_reps(noting, seq, options)
    fk.gate_camera_yaw(outcome, seq, exercise, options.thresholds)
    record.apply(outcome)
    return outcome
