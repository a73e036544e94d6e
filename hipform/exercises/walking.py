"""Walking (side camera): the running gait machinery with walking defaults.

Same events (initial contact and toe-off per foot), cadence, stance time, hip extension
at terminal stance and left/right asymmetry as running (:mod:`hipform.exercises.running`);
walking changes the smoothing, the low-cadence cut-off, and drops the overstride fault
(a heel landing ahead of the body is normal in walking).
"""

from __future__ import annotations

from functools import partial

from hipform.exercises.base import Exercise, register_exercise
from hipform.exercises.running import (
    GAIT_METRICS,
    GAIT_SESSION_MEASURES,
    GaitProfile,
    analyse_gait,
    gait_thresholds,
)

OVERSTRIDE_MEASURES = ("shank_angle_ic_deg", "heel_ahead_ic_rel")
"""Reported in walking, not graded: a heel landing ahead of the body is normal in walking."""

WALKING_PROFILE = GaitProfile(
    "walking", "walking", ("low_hip_extension", "lumbar_compensation", "low_cadence", "asymmetry", "pelvic_drop")
)

EXERCISE = Exercise(
    name="walking",
    title="Walking",
    description=(
        "Walking filmed from the side (overground or treadmill): contacts, toe-offs, cadence, stance time, "
        "hip extension at terminal stance per side and left/right asymmetry; from behind, contralateral "
        "pelvic drop. Overstride is reported but not flagged."
    ),
    kind="steps",
    cutoff_hz=8.0,
    metrics=tuple(m.where(graded=False) if m.name in OVERSTRIDE_MEASURES else m for m in GAIT_METRICS),
    session_measures=tuple(
        m.where(reference=None, reference_source="walking: typical adult 100-120 steps/min (provisional)")
        if m.name == "cadence_spm"
        else m
        for m in GAIT_SESSION_MEASURES
    ),
    thresholds=gait_thresholds(low_cadence_spm=90.0, low_cadence_source="provisional (typical adult 100-120)"),
    analyse=partial(analyse_gait, WALKING_PROFILE),
    table_columns=(
        "stance_s",
        "peak_hip_extension_deg",
        "peak_hip_extension_vs_trunk_deg",
        "shank_angle_ic_deg",
        "pelvic_drop_deg",
    ),
    preferred_views=("side-left", "side-right", "rear"),
)
register_exercise(EXERCISE)
