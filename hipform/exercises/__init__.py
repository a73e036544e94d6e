"""Exercise registry; importing this package registers the built-in exercises."""

from __future__ import annotations

import importlib

from hipform.exercises.base import (
    AnalysisOptions,
    Exercise,
    MetricSpec,
    RepContext,
    RepModel,
    RepScore,
    available_exercises,
    get_exercise,
    grade,
    register_exercise,
)

_BUILTIN_MODULES = (
    "single_leg_squat",
    "step_up",
    "squat",
    "single_leg_rdl",
    "hip_thrust",
    "running",
    "walking",
)

for _name in _BUILTIN_MODULES:
    try:
        importlib.import_module(f"hipform.exercises.{_name}")
    except ModuleNotFoundError as _e:  # a built-in not written yet
        if _e.name != f"hipform.exercises.{_name}":
            raise

__all__ = [
    "AnalysisOptions",
    "Exercise",
    "MetricSpec",
    "RepContext",
    "RepModel",
    "RepScore",
    "available_exercises",
    "get_exercise",
    "grade",
    "register_exercise",
]
