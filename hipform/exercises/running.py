"""Running (side camera on a treadmill; rear camera for pelvic drop): step-by-step gait analysis.

The flow (:func:`analyse_gait`) is shared with walking, which only changes the defaults
(:class:`GaitProfile`): view -> direction -> gait events per foot (``hipform.gait``) ->
one :class:`~hipform.results.Step` per stance with its metrics and faults -> clip-level
figures (cadence, stance time, peak hip extension per side, symmetry) and clip faults.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import partial

import numpy as np

from hipform import gait
from hipform.config import ThresholdSpec
from hipform.exercises.base import AnalysisOptions, Exercise, get_exercise, grade, register_exercise
from hipform.exercises.repflow import dedupe, gap_reason, gate_metrics, resolve_view
from hipform.measures import NOT_JUDGED_TIMING_FPS, PELVIC_DROP, PROVISIONAL, Measure
from hipform.reps import RepWindow
from hipform.results import ExerciseOutcome, Fault, NotJudged, Step
from hipform.sequence import PoseSequence
from hipform.view import FRONTAL_VIEWS, SIDE_VIEWS

VAN_HOOREN = "provisional: video vs marker sagittal hip angle RMSE 5-6° in treadmill running (Van Hooren 2023)"
THIGH = (("{s}_hip", "{s}_knee"),)

GAIT_METRICS: tuple[Measure, ...] = (
    Measure(
        "stance_s", "s", "time from initial contact to toe-off of this foot", "sagittal", "stance",
        title="stance time",
        sign="unsigned",
        better="neither",
        valid_when="side camera; >= 60 fps for trusted timing (30 fps: ~30 ms event error)",
        smallest_real_change=0.02,
        change_source="provisional: pose-based event timing error 0.01-0.02 s (Stenum 2021)",
        reference_source="no target range: stance time depends on speed",
        draw=(("{s}_heel", "{s}_foot_index"),),
        decimals=3,
        min_fps=NOT_JUDGED_TIMING_FPS,
    ),
    Measure(
        "peak_hip_extension_deg",
        "deg",
        "largest thigh angle (hip->knee) behind the image vertical between contact and toe-off; extension positive",
        "sagittal",
        "hip ext",
        title="peak hip extension (thigh to vertical)",
        sign="+ = thigh behind the vertical (extension), - = still ahead of it",
        better="higher",
        valid_when="side camera; toe-off seen",
        smallest_real_change=5.0,
        change_source=VAN_HOOREN,
        reference_source="no threshold on thigh-to-vertical: a slow runner may show ~10° with no problem (Souza 2016)",
        draw=THIGH,
        live=True,
    ),
    Measure(
        "peak_hip_extension_vs_trunk_deg",
        "deg",
        "largest thigh angle against the trunk line (mid-hip->mid-shoulder) in stance; extension positive",
        "sagittal",
        "hip ext vs trunk",
        title="peak hip extension (thigh to trunk)",
        sign="+ = thigh behind the trunk line (extension)",
        better="higher",
        valid_when="side camera; toe-off seen",
        smallest_real_change=5.0,
        change_source=VAN_HOOREN,
        reference=(5.0, math.inf),
        reference_source="flag below 5° (Souza 2016)",
        draw=(("mid_shoulder", "mid_hip"), ("{s}_hip", "{s}_knee")),
        graded=True,
    ),
    Measure(
        "lumbar_compensation_deg",
        "deg",
        "thigh-to-vertical minus thigh-to-trunk at toe-off (forward tilt of the trunk line); positive = "
        "part of the apparent extension comes from the trunk/pelvis tipping forward",
        "sagittal",
        "lumbar",
        title="lumbar compensation (proxy)",
        sign="+ = trunk line tipped forward at toe-off",
        better="lower",
        valid_when="side camera; a proxy (no spine landmarks)",
        smallest_real_change=5.0,
        change_source=PROVISIONAL,
        reference=(-math.inf, 10.0),
        reference_source="provisional (spec: flag > 10°)",
        draw=(("mid_shoulder", "mid_hip"),),
        graded=True,
    ),
    Measure(
        "shank_angle_ic_deg",
        "deg",
        "shank (knee->ankle) from the vertical at initial contact; ankle ahead of the knee positive (overstride)",
        "sagittal",
        "shank at contact",
        title="shank angle at contact (overstride)",
        sign="+ = ankle ahead of the knee, - = behind",
        better="lower",
        valid_when="side camera; contact seen",
        smallest_real_change=5.0,
        change_source=PROVISIONAL,
        reference=(-math.inf, 10.0),
        reference_source="provisional (spec: overstride > 10°, Lieberman 2015)",
        draw=(("{s}_knee", "{s}_ankle"),),
        graded=True,
    ),
    Measure(
        "heel_ahead_ic_rel",
        "leg lengths",
        "heel ahead of the mid-hip at initial contact, in leg lengths (overstride)",
        "sagittal",
        "heel ahead",
        title="heel ahead of the hip at contact",
        sign="+ = heel ahead of the hip, - = under or behind it",
        better="lower",
        valid_when="side camera; contact seen",
        smallest_real_change=0.05,
        change_source=PROVISIONAL,
        reference=(-math.inf, 0.35),
        reference_source="provisional (spec: overstride > 0.35 leg lengths)",
        draw=(("mid_hip", "{s}_heel"),),
        decimals=2,
        graded=True,
    ),
    Measure(
        "to_uncertainty_s",
        "s",
        "one-SD timing uncertainty of the toe-off (noise / foot velocity, and frame period)",
        "sagittal",
        "± toe-off",
        title="toe-off timing uncertainty",
        sign="unsigned (one SD)",
        better="neither",
        valid_when="side camera",
        change_source="an uncertainty of the measurement, not compared between sessions",
        reference_source="not a performance measure",
        draw=(("{s}_heel", "{s}_foot_index"),),
        decimals=3,
        comparable=False,
    ),
    Measure(
        "hip_extension_uncertainty_deg",
        "deg",
        "one-SD uncertainty of the peak hip extension from the toe-off timing (thigh angular velocity x timing SD)",
        "sagittal",
        "± hip ext",
        title="hip extension uncertainty",
        sign="unsigned (one SD)",
        better="neither",
        valid_when="side camera",
        change_source="an uncertainty of the measurement, not compared between sessions",
        reference_source="not a performance measure",
        draw=THIGH,
        comparable=False,
    ),
    PELVIC_DROP.where(
        description="largest drop of the swing-side hip below the stance-side hip during this stance, against the "
        "clip's median hip-line tilt (front/rear view)",
        sign="+ = the swing side drops, - = it hikes up",
        valid_when="rear (or front) camera; averaged over >= 7 steps (Bramah 2018)",
        reference_source="contralateral pelvic drop, warn > 5° (Bramah 2018)",
    ),
)

GAIT_SESSION_MEASURES: tuple[Measure, ...] = (
    Measure(
        "cadence_spm", "steps/min", "steps per minute over the analysed steps", "sagittal", "cadence",
        title="cadence",
        sign="unsigned",
        better="neither",
        valid_when="side (or rear) camera with at least 4 contacts",
        smallest_real_change=3.0,
        change_source=PROVISIONAL,
        reference=(160.0, math.inf),
        reference_source="running: note below 160 steps/min (Heiderscheit 2011; ~170 at 3 m/s, Lieberman 2015)",
        draw=(("left_heel", "right_heel"),),
        decimals=0,
        graded=True,
        min_fps=NOT_JUDGED_TIMING_FPS,
    ),
    Measure(
        "symmetry_index_pct", "%", "left/right symmetry index of peak hip extension; 0 = symmetric", "sagittal",
        "hip ext symmetry",
        title="hip extension asymmetry (symmetry index)",
        sign="unsigned: 0 = both sides equal",
        better="lower",
        valid_when="side camera with scorable steps on both sides",
        smallest_real_change=5.0,
        change_source=PROVISIONAL,
        reference_source="no published range for this video measure",
        draw=THIGH,
        decimals=0,
    ),
    Measure(
        "stance_symmetry_index_pct", "%", "left/right symmetry index of stance time; 0 = symmetric", "sagittal",
        "stance symmetry",
        title="stance time asymmetry (symmetry index)",
        sign="unsigned: 0 = both sides equal",
        better="lower",
        valid_when="side camera with scorable steps on both sides; >= 60 fps",
        smallest_real_change=5.0,
        change_source=PROVISIONAL,
        reference_source="no published range for this video measure",
        draw=(("{s}_heel", "{s}_foot_index"),),
        decimals=0,
        min_fps=NOT_JUDGED_TIMING_FPS,
    ),
)


@dataclass(frozen=True)
class GaitProfile:
    """The defaults that make the gait flow a running or a walking analysis.

    Attributes
    ----------
    name : str
        Exercise name.
    activity : str
        ``"running"`` or ``"walking"`` (used in messages).
    faults : tuple of str
        Fault codes this activity judges.
    """

    name: str
    activity: str
    faults: tuple[str, ...]


def gait_thresholds(
    *,
    low_cadence_spm: float,
    low_cadence_source: str,
    low_hip_extension_deg: float = 5.0,
    low_hip_extension_source: str = "Souza 2016 (thigh vs trunk)",
) -> tuple[ThresholdSpec, ...]:
    """The thresholds of a gait exercise, with the activity's cadence and extension defaults."""
    return (
        ThresholdSpec(
            "low_hip_extension_deg",
            low_hip_extension_deg,
            "deg",
            "flag a stance whose peak hip extension against the trunk line is below this",
            -30.0,
            60.0,
            low_hip_extension_source,
        ),
        ThresholdSpec(
            "lumbar_compensation_deg",
            10.0,
            "deg",
            "flag a stance whose thigh-to-vertical exceeds thigh-to-trunk by more than this at toe-off",
            0.0,
            60.0,
        ),
        ThresholdSpec(
            "overstride_shank_deg",
            10.0,
            "deg",
            "flag overstride when the shank at contact leans ankle-forward by more than this",
            0.0,
            45.0,
            "Lieberman 2015 (provisional cut-off)",
        ),
        ThresholdSpec(
            "overstride_heel_leg",
            0.35,
            "leg lengths",
            "flag overstride when the heel lands further ahead of the hip than this",
            0.0,
            1.5,
        ),
        ThresholdSpec(
            "low_cadence_spm",
            low_cadence_spm,
            "steps/min",
            "note a cadence below this",
            0.0,
            300.0,
            low_cadence_source,
        ),
        ThresholdSpec(
            "asymmetry_hip_extension_deg",
            5.0,
            "deg",
            "flag left/right asymmetry when mean peak hip extension differs by more than this",
            0.0,
            45.0,
        ),
        ThresholdSpec(
            "asymmetry_stance_pct",
            10.0,
            "%",
            "flag left/right asymmetry when the stance-time symmetry index exceeds this",
            0.0,
            100.0,
        ),
        ThresholdSpec(
            "pelvic_drop_warn_deg",
            5.0,
            "deg",
            "warn when mean contralateral pelvic drop exceeds this (rear view)",
            0.0,
            30.0,
            "Bramah 2018",
        ),
        ThresholdSpec(
            "pelvic_drop_fault_deg",
            10.0,
            "deg",
            "fault when mean contralateral pelvic drop exceeds this",
            0.0,
            30.0,
        ),
        ThresholdSpec(
            "pelvic_drop_min_steps",
            7.0,
            "steps",
            "steps needed before pelvic drop is judged",
            1.0,
            100.0,
            "Bramah 2018; Dingenen 2018",
        ),
        ThresholdSpec(
            "timing_fps",
            60.0,
            "fps",
            "below this frame rate event timing is reported as low confidence",
            1.0,
            1000.0,
            "spec: 30 fps gives ~30 ms event error",
        ),
    )


# --------------------------------------------------------------------------- per-step
def step_metrics(
    seq: PoseSequence, stance: gait.Stance, direction: int, leg_px: float, thigh: np.ndarray, lean: np.ndarray
) -> dict[str, float | None]:
    """Sagittal metrics of one stance (pure).

    Parameters
    ----------
    seq : PoseSequence
        Smoothed landmarks.
    stance : gait.Stance
    direction : int
        +1 facing image right, -1 left.
    leg_px : float
        Leg length in pixels.
    thigh, lean : numpy.ndarray
        (T,) thigh extension of this side and trunk lean, degrees.

    Returns
    -------
    dict
        Metric name -> value (None when not measurable).
    """
    t = seq.t
    ic, to = stance.ic.t_s, stance.to.t_s
    vs_trunk = thigh - lean
    peak = gait.max_between(t, thigh, ic, to)
    peak_trunk = gait.max_between(t, vs_trunk, ic, to)
    lumbar = gait.value_at(t, thigh, to) - gait.value_at(t, vs_trunk, to)
    shank = gait.value_at(t, gait.shank_angle_deg(seq, stance.leg, direction), ic)
    heel_fwd = direction * (seq.xy(f"{stance.leg}_heel")[:, 0] - seq.mid("left_hip", "right_hip")[:, 0]) / leg_px
    rate = gait.rate_at(t, thigh, to)
    unc = abs(rate) * stance.to.sigma_s if np.isfinite(rate) else float("nan")
    return _finite(
        {
            "stance_s": stance.duration_s,
            "peak_hip_extension_deg": peak,
            "peak_hip_extension_vs_trunk_deg": peak_trunk,
            "lumbar_compensation_deg": lumbar,
            "shank_angle_ic_deg": shank,
            "heel_ahead_ic_rel": gait.value_at(t, heel_fwd, ic),
            "to_uncertainty_s": stance.to.sigma_s,
            "hip_extension_uncertainty_deg": unc,
        }
    )


def _finite(d: dict[str, float]) -> dict[str, float | None]:
    return {k: (float(v) if v is not None and np.isfinite(v) else None) for k, v in d.items()}


def step_faults(metrics: dict[str, float | None], th: dict[str, float], profile: GaitProfile) -> list[Fault]:
    """Per-step faults from the step's metrics (pure)."""
    out: list[Fault] = []
    ext = metrics.get("peak_hip_extension_vs_trunk_deg")
    if "low_hip_extension" in profile.faults and ext is not None and ext < th["low_hip_extension_deg"]:
        out.append(
            Fault(
                "low_hip_extension",
                "fault",
                ext,
                th["low_hip_extension_deg"],
                f"hip extension at push-off only {ext:.0f}° against the trunk",
                "peak_hip_extension_vs_trunk_deg",
            )
        )
    lum = metrics.get("lumbar_compensation_deg")
    if "lumbar_compensation" in profile.faults and grade(lum, th["lumbar_compensation_deg"], np.inf):
        out.append(
            Fault(
                "lumbar_compensation",
                "warn",
                lum,
                th["lumbar_compensation_deg"],
                f"trunk tipped {lum:.0f}° forward at push-off: extension partly from the back/pelvis",
                "lumbar_compensation_deg",
            )
        )
    if "overstride" in profile.faults:
        shank = metrics.get("shank_angle_ic_deg")
        heel = metrics.get("heel_ahead_ic_rel")
        if grade(shank, th["overstride_shank_deg"], np.inf):
            out.append(
                Fault(
                    "overstride",
                    "fault",
                    shank,
                    th["overstride_shank_deg"],
                    f"foot lands ahead of the knee (shank {shank:.0f}° forward)",
                    "shank_angle_ic_deg",
                )
            )
        elif grade(heel, th["overstride_heel_leg"], np.inf):
            out.append(
                Fault(
                    "overstride",
                    "fault",
                    heel,
                    th["overstride_heel_leg"],
                    f"heel lands {heel:.2f} leg lengths ahead of the hip",
                    "heel_ahead_ic_rel",
                )
            )
    return out


def _window(stance: gait.Stance) -> RepWindow:
    return RepWindow(stance.ic.t_s, 0.5 * (stance.ic.t_s + stance.to.t_s), stance.to.t_s, 0.0)


SIDE_KEYS = ("hip", "knee", "ankle", "heel", "foot_index")


def key_landmarks(side: str, view: str) -> tuple[str, ...]:
    """Landmarks a step needs to be scorable."""
    if view in FRONTAL_VIEWS:
        return ("left_hip", "right_hip", f"{side}_heel")
    return (*(f"{side}_{k}" for k in SIDE_KEYS), "left_shoulder", "right_shoulder")


# --------------------------------------------------------------------------- clip level
def headline(
    steps: list[Step], stances: list[gait.Stance], fps: float, th: dict[str, float], view: str, direction: int | None
) -> dict:
    """The clip's headline figures (JSON-ready)."""
    ok = [s for s in steps if s.scorable]

    def per_side(metric: str) -> dict:
        return {side: gait.mean_sd_n([s.metrics.get(metric) for s in ok if s.side == side]) for side in gait.SIDES}

    ext = per_side("peak_hip_extension_deg")
    stance = per_side("stance_s")
    stance_all = gait.mean_sd_n([s.metrics.get("stance_s") for s in ok])
    si = gait.symmetry_index_pct(_m(ext["left"]), _m(ext["right"]))
    si_stance = gait.symmetry_index_pct(_m(stance["left"]), _m(stance["right"]))
    unc_t = [s.metrics.get("to_uncertainty_s") for s in ok]
    unc_a = [s.metrics.get("hip_extension_uncertainty_deg") for s in ok]
    low_conf = fps < 0.97 * th["timing_fps"]  # 59.94 fps counts as 60
    h = {
        "cadence_spm": gait.cadence_spm(stances),
        "stance_s": stance_all["mean"],
        "stance_s_by_side": stance,
        "peak_hip_extension_deg": ext,
        "peak_hip_extension_vs_trunk_deg": per_side("peak_hip_extension_vs_trunk_deg"),
        "symmetry_index_pct": si,
        "stance_symmetry_index_pct": si_stance,
        "event_timing_uncertainty_s": _median(unc_t),
        "hip_extension_uncertainty_deg": _median(unc_a),
        "low_confidence": bool(low_conf),
        "low_confidence_reason": (
            f"{fps:.0f} fps is below {th['timing_fps']:.0f} fps: contacts and toe-offs can be off by a frame "
            f"({1000 / fps:.0f} ms), which moves the hip extension at toe-off by several degrees"
            if low_conf
            else None
        ),
        "facing": None if direction is None else ("image right" if direction > 0 else "image left"),
    }
    if view in FRONTAL_VIEWS:
        h["pelvic_drop_deg"] = per_side("pelvic_drop_deg")
    return h


def _m(d: dict) -> float:
    v = d.get("mean")
    return float("nan") if v is None else float(v)


def _median(vals: list[float | None]) -> float | None:
    v = [x for x in vals if x is not None and np.isfinite(x)]
    return float(np.median(v)) if v else None


def clip_faults(h: dict, th: dict[str, float], profile: GaitProfile, view: str) -> list[Fault]:
    """Faults of the whole clip: low cadence, left/right asymmetry, pelvic drop (pure)."""
    out: list[Fault] = []
    cad = h.get("cadence_spm")
    if "low_cadence" in profile.faults and cad is not None and np.isfinite(cad) and cad < th["low_cadence_spm"]:
        out.append(
            Fault(
                "low_cadence",
                "warn",
                cad,
                th["low_cadence_spm"],
                f"cadence {cad:.0f} steps/min is below {th['low_cadence_spm']:.0f}",
                "cadence_spm",
            )
        )
    if "asymmetry" in profile.faults and view in SIDE_VIEWS:
        ext = h["peak_hip_extension_deg"]
        le, ri = _m(ext["left"]), _m(ext["right"])
        if np.isfinite(le) and np.isfinite(ri) and abs(le - ri) > th["asymmetry_hip_extension_deg"]:
            weaker = "left" if le < ri else "right"
            out.append(
                Fault(
                    "asymmetry",
                    "warn",
                    abs(le - ri),
                    th["asymmetry_hip_extension_deg"],
                    f"hip extension differs by {abs(le - ri):.0f}° between sides ({weaker} lower)",
                    "peak_hip_extension_deg",
                )
            )
        si = h.get("stance_symmetry_index_pct")
        if si is not None and np.isfinite(si) and si > th["asymmetry_stance_pct"]:
            out.append(
                Fault(
                    "asymmetry",
                    "warn",
                    si,
                    th["asymmetry_stance_pct"],
                    f"stance time differs by {si:.0f}% between sides",
                    "stance_s",
                )
            )
    if "pelvic_drop" in profile.faults and view in FRONTAL_VIEWS:
        drops = h.get("pelvic_drop_deg", {})
        for side in gait.SIDES:
            d = drops.get(side, {})
            mean, n = d.get("mean"), d.get("n", 0)
            if mean is None or n < th["pelvic_drop_min_steps"]:
                continue
            sev = grade(mean, th["pelvic_drop_warn_deg"], th["pelvic_drop_fault_deg"])
            if sev:
                thr = th["pelvic_drop_fault_deg"] if sev == "fault" else th["pelvic_drop_warn_deg"]
                other = "right" if side == "left" else "left"
                out.append(
                    Fault(
                        "pelvic_drop",
                        sev,
                        mean,
                        thr,
                        f"{other} hip drops {mean:.0f}° on average while standing on the {side} leg",
                        "pelvic_drop_deg",
                    )
                )
    return out


# --------------------------------------------------------------------------- flow
def analyse_gait(profile: GaitProfile, seq: PoseSequence, options: AnalysisOptions) -> ExerciseOutcome:
    """Find and score every step of a running or walking clip.

    Parameters
    ----------
    profile : GaitProfile
        Its ``name`` is the registered exercise (for the metric views).
    seq : PoseSequence
        Cleaned (gap-filled, low-passed) landmarks.
    options : AnalysisOptions
        ``options.unfiltered`` (gap-filled, unsmoothed) is used for event detection.

    Returns
    -------
    ExerciseOutcome
    """
    exercise = get_exercise(profile.name)
    th = dict(options.thresholds)
    view = resolve_view(seq, options)
    not_judged = gate_metrics(exercise, view)
    skipped = {n.metric for n in not_judged}
    notes: list[str] = []
    raw = options.unfiltered if options.unfiltered is not None else seq
    if view.view not in SIDE_VIEWS | FRONTAL_VIEWS:
        notes.append(f"camera view could not be determined: no steps were analysed for {profile.activity}")
        return ExerciseOutcome(view.view, view.confidence, "both", not_judged=not_judged, notes=notes)
    if view.confidence < th["min_view_confidence"]:
        notes.append(f"camera view uncertain: looks like {view.view} (confidence {view.confidence:.2f})")
    direction: int | None = None
    if view.view in SIDE_VIEWS:
        direction = 1 if view.view == "side-right" else -1
        if options.view == "auto":
            direction = gait.travel_direction(raw)
        sig = gait.gait_signals(raw, direction)
        stances = gait.detect_stances(sig)
        leg_px = sig.leg_px
    else:
        stances = gait.detect_stances_rear_view(raw)
        leg_px = gait.leg_length_px(raw)
        notes.append("contact times from a front/rear view are approximate (stance = foot lower than the other)")
        for m in ("stance_s",):
            if m not in skipped:
                not_judged.append(NotJudged(m, "contact timing needs a side view"))
                skipped.add(m)
    stances.sort(key=lambda s: s.ic.t_s)
    steps = score_steps(seq, stances, view.view, direction, leg_px, th, profile, skipped)
    if not steps:
        notes.append(f"no complete step found: is this a {profile.activity} clip filmed from the side or behind?")
    h = headline(steps, stances, float(seq.fps), th, view.view, direction)
    cf = clip_faults(h, th, profile, view.view)
    cf = [f for f in cf if f.metric not in skipped]
    h["clip_faults"] = [f.to_dict() for f in cf]
    notes.extend(f"{f.code.replace('_', ' ')}: {f.message}" for f in cf)
    if h["low_confidence"]:
        notes.append(f"low confidence: {h['low_confidence_reason']}")
    return ExerciseOutcome(
        view=view.view,
        view_confidence=view.confidence,
        working_side="both",
        steps=steps,
        not_judged=dedupe(not_judged),
        headline=h,
        notes=notes,
    )


MIN_STANCE_SHARE = 0.5
"""A stance shorter than this share of the clip's median stance is not scored: its toe-off
was found on a foot leaving the frame or a landmark glitch, not on a real push-off."""


def score_steps(
    seq: PoseSequence,
    stances: list[gait.Stance],
    view: str,
    direction: int | None,
    leg_px: float,
    th: dict[str, float],
    profile: GaitProfile,
    skipped: set[str],
) -> list[Step]:
    """One scored :class:`Step` per stance."""
    steps: list[Step] = []
    lean = gait.trunk_lean_deg(seq, direction) if direction else None
    thighs = {s: gait.thigh_extension_deg(seq, s, direction) for s in gait.SIDES} if direction else {}
    tilt = gait.smooth_hip_tilt_deg(seq) if view in FRONTAL_VIEWS else None
    baseline = float(np.nanmedian(tilt)) if tilt is not None else float("nan")
    durations = np.array([st.to.t_s - st.ic.t_s for st in stances], float)
    typical = float(np.nanmedian(durations)) if np.isfinite(durations).sum() >= 3 else float("nan")
    for i, st in enumerate(stances, start=1):
        step = Step(index=i, side=st.side, ic_s=st.ic.t_s, to_s=st.to.t_s)
        if not np.isfinite(st.to.t_s):
            step.scorable, step.reason = False, "toe-off not seen (clip ends first)"
            steps.append(step)
            continue
        stance = st.to.t_s - st.ic.t_s
        if np.isfinite(typical) and stance < MIN_STANCE_SHARE * typical:
            step.scorable = False
            step.reason = f"toe-off implausibly early (stance {stance:.2f} s, typical {typical:.2f} s)"
            steps.append(step)
            continue
        reason = gap_reason(seq, key_landmarks(st.leg, view), _window(st), th["max_gap_s"])
        if reason:
            step.scorable, step.reason = False, reason
            steps.append(step)
            continue
        if direction is not None and lean is not None:
            metrics = step_metrics(seq, st, direction, leg_px, thighs[st.leg], lean)
        else:
            metrics = {"pelvic_drop_deg": gait.pelvic_drop_deg(seq, st, baseline, tilt)}
            metrics = _finite(metrics)
        step.metrics = {k: v for k, v in metrics.items() if k not in skipped}
        step.faults = [f for f in step_faults(step.metrics, th, profile) if f.metric not in skipped]
        steps.append(step)
    return steps


RUNNING_PROFILE = GaitProfile(
    "running",
    "running",
    ("low_hip_extension", "lumbar_compensation", "overstride", "low_cadence", "asymmetry", "pelvic_drop"),
)

EXERCISE = Exercise(
    name="running",
    title="Running",
    description=(
        "Treadmill running filmed from the side (sagittal measures: contacts, toe-offs, cadence, stance time, "
        "peak hip extension per side, trunk-relative extension, overstride) or from behind (contralateral "
        "pelvic drop). Use 60 fps or more for trustworthy timing."
    ),
    kind="steps",
    cutoff_hz=12.0,
    metrics=GAIT_METRICS,
    session_measures=GAIT_SESSION_MEASURES,
    thresholds=gait_thresholds(low_cadence_spm=160.0, low_cadence_source="Heiderscheit 2011; Lieberman 2015"),
    analyse=partial(analyse_gait, RUNNING_PROFILE),
    table_columns=(
        "stance_s",
        "peak_hip_extension_deg",
        "hip_extension_uncertainty_deg",
        "peak_hip_extension_vs_trunk_deg",
        "shank_angle_ic_deg",
        "pelvic_drop_deg",
    ),
    preferred_views=("side-left", "side-right", "rear"),
)
register_exercise(EXERCISE)
