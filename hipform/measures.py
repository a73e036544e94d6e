"""The measure catalogue: what every reported measure means, declared once.

Each exercise lists the :class:`Measure` objects it reports (``Exercise.metrics``, and
``Exercise.session_measures`` for whole-clip figures such as cadence). A measure carries
everything a consumer needs — its plain name, unit, sign convention, which direction is
better, where it is valid, its smallest real change and reference range with their
sources, the landmarks that show it on a still, and how to print it — so that compare,
the terminal table, the HTML report, the stills, the batch summary and live mode read
the catalogue instead of parsing metric ids.

Measures shared by several exercises (knee valgus, knee over toe, pelvic drop...) are
declared here; an exercise specialises the wording with :meth:`Measure.where` and, for
per-leg columns, :meth:`Measure.for_side`. Measures of one exercise only are declared in
that exercise's module.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Literal

ViewNeed = Literal["frontal", "sagittal", "any"]
Better = Literal["lower", "higher", "toward_zero", "neither"]

BETTER_WORDS: dict[str, str] = {
    "lower": "lower is better",
    "higher": "higher is better",
    "toward_zero": "closer to 0 is better (signed: both directions are faults)",
    "neither": "no better direction (a description, not a target)",
}

UNIT_SYMBOLS: dict[str, str] = {
    "deg": "°",
    "s": " s",
    "%": "%",
    "steps/min": " steps/min",
}
"""How a unit is printed after a value; other units are printed as `` <unit>``."""

NOT_JUDGED_TIMING_FPS = 15.0
"""Lowest frame rate for timing measures (durations, lowering times, stance times)."""


@dataclass(frozen=True)
class Measure:
    """One measure an exercise reports, with everything its consumers need.

    Attributes
    ----------
    name : str
        Id of the measure: key in ``report.json`` ``metrics`` and CSV column.
    unit : str
        Unit in words: ``"deg"``, ``"s"``, ``"shank lengths"``, ``"%"``...
    description : str
        One line on how it is taken, including the sign convention.
    view : {"frontal", "sagittal", "any"}
        Camera views the measure is valid from: front/rear, side, or any.
    label : str
        Short column label (no unit; the unit is added by :meth:`header`).
    title : str
        The plain name a physiotherapist would say, e.g. ``"knee valgus angle (FPPA)"``.
    sign : str
        Sign convention in words (``"unsigned"`` when the value is never negative).
    better : {"lower", "higher", "toward_zero", "neither"}
        Which direction is an improvement. ``toward_zero``: a signed angle whose both
        directions are faults. ``neither``: a description (depth, cadence, timing).
    valid_when : str
        Conditions besides the view under which the value means something.
    smallest_real_change : float
        Smallest change between sessions that is more than measurement error, in ``unit``.
    change_source : str
        Where :attr:`smallest_real_change` comes from (``"provisional ..."`` when no study).
    reference : tuple of float or None
        Reference range (low, high) in ``unit`` where the literature gives one; either end
        may be ``-inf``/``inf``.
    reference_source : str
        Source of the reference range, or why there is none.
    draw : tuple of tuple of str
        Polylines of landmark names drawn on a still to show the measure; ``{s}`` is the
        side the value belongs to, ``mid_hip``/``mid_shoulder`` are midpoints.
    decimals : int
        Digits after the decimal point worth printing (the measure's precision).
    graded : bool
        True when the exercise gives this measure a verdict (ok / warn / fault);
        False for measures reported for information only.
    comparable : bool
        False for figures that describe the measurement, not the person (uncertainties):
        ``hipform compare`` leaves them out.
    min_fps : float
        Lowest frame rate at which the value is valid (0 = any).
    live : bool
        Shown on the live overlay when the rep closes.
    side : str or None
        ``"left"``/``"right"`` for a per-leg column of a two-leg exercise (set by
        :meth:`for_side`), else None (the rep's or step's side applies).
    """

    name: str
    unit: str
    description: str
    view: ViewNeed = "any"
    label: str = ""
    title: str = ""
    sign: str = ""
    better: Better | None = None
    valid_when: str = ""
    smallest_real_change: float = math.nan
    change_source: str = ""
    reference: tuple[float, float] | None = None
    reference_source: str = ""
    draw: tuple[tuple[str, ...], ...] = ()
    decimals: int = 1
    graded: bool = False
    comparable: bool = True
    min_fps: float = 0.0
    live: bool = False
    side: str | None = None

    def where(self, **changes: object) -> Measure:
        """A copy with some fields changed (an exercise's own wording of a shared measure)."""
        return replace(self, **changes)  # type: ignore[arg-type]

    def for_side(self, side: str) -> Measure:
        """The per-leg column of this measure for ``side`` (``left``/``right``).

        The id gets the side before the unit part (``knee_valgus_fppa_deg`` ->
        ``knee_valgus_fppa_left_deg``), the title and label are prefixed with the side.
        """
        stem, _, tail = self.name.rpartition("_")
        name = f"{stem}_{side}_{tail}" if stem else f"{self.name}_{side}"
        return replace(
            self,
            name=name,
            title=f"{side} {self.title}",
            label=f"{side[0].upper()} {self.label}",
            side=side,
            description=self.description.replace("{side}", side),
        )

    @property
    def symbol(self) -> str:
        """What follows a printed value: ``°``, `` s``, `` shank lengths``."""
        return UNIT_SYMBOLS.get(self.unit, f" {self.unit}")

    def format(self, value: float | None, *, unit: bool = True) -> str:
        """The value rounded to the measure's precision, with its unit (``"–"`` for none)."""
        if value is None or not math.isfinite(float(value)):
            return "–"
        text = f"{float(value):.{self.decimals}f}"
        if text.startswith("-") and float(text) == 0:
            text = text[1:]
        return text + (self.symbol if unit else "")

    def header(self) -> str:
        """Column header: short label and unit once, e.g. ``"valgus (°)"``."""
        return f"{self.label or self.title} ({self.symbol.strip()})"

    def reference_text(self) -> str:
        """The reference range in words, with its source, or why there is none."""
        if self.reference is None:
            return self.reference_source or "no published reference range"
        lo, hi = self.reference
        if math.isinf(lo):
            rng = f"≤ {self.format(hi)}"
        elif math.isinf(hi):
            rng = f"≥ {self.format(lo)}"
        else:
            rng = f"{self.format(lo, unit=False)}–{self.format(hi)}"
        return f"{rng} ({self.reference_source})" if self.reference_source else rng

    def missing_fields(self) -> list[str]:
        """Names of catalogue fields left empty (the catalogue test requires none)."""
        out = []
        for f in ("name", "unit", "description", "label", "title", "sign", "valid_when", "change_source"):
            if not getattr(self, f):
                out.append(f)
        if self.better not in BETTER_WORDS:
            out.append("better")
        if self.comparable and not (self.smallest_real_change > 0):
            out.append("smallest_real_change")
        if self.reference is None and not self.reference_source:
            out.append("reference_source")
        if not self.draw:
            out.append("draw")
        return out


# ---------------------------------------------------------------------------------------
# Measures shared by several exercises
# ---------------------------------------------------------------------------------------
MUNRO_2012 = "2D knee valgus smallest detectable difference between days ~8° (Munro 2012)"
PROVISIONAL = "provisional: no between-session study of this measure on video landmarks"

FPPA = Measure(
    "knee_valgus_fppa_deg",
    "deg",
    "frontal plane projection angle of the knee: 180 - angle(hip, knee, ankle) on screen; + = knee toward the "
    "midline (valgus), - = outward (varus)",
    "frontal",
    "valgus",
    title="knee valgus angle (FPPA)",
    sign="+ = knee toward the midline (valgus), - = outward (varus)",
    better="lower",
    valid_when="front or rear camera; thigh and shank not foreshortened toward the camera",
    smallest_real_change=8.0,
    change_source=MUNRO_2012,
    reference=(-math.inf, 10.0),
    reference_source="controls average 7-8° in single-leg squats, patellofemoral pain 15-17° (Herrington 2014)",
    draw=(("{s}_hip", "{s}_knee", "{s}_ankle"), ("{s}_heel", "{s}_foot_index")),
    graded=True,
    live=True,
)

KNEE_OVER_TOE = Measure(
    "knee_medial_offset_shank",
    "shank lengths",
    "knee's horizontal offset from the toe tip (second toe), in shank lengths; + = inside the toe",
    "frontal",
    "knee-toe",
    title="knee over the second toe (offset)",
    sign="+ = knee inside (medial to) the second toe, - = outside",
    better="lower",
    valid_when="front or rear camera with the foot in view",
    smallest_real_change=0.05,
    change_source=PROVISIONAL,
    reference=(-math.inf, 0.05),
    reference_source="provisional: the article's cue, knee over the second toe",
    draw=(("{s}_knee", "{s}_foot_index"), ("{s}_heel", "{s}_foot_index")),
    decimals=2,
    graded=True,
    live=True,
)

PELVIC_DROP = Measure(
    "pelvic_drop_deg",
    "deg",
    "free-side hip drop relative to standing; - = the free side hikes up",
    "frontal",
    "pelvic drop",
    title="pelvic drop",
    sign="+ = the free (swing) side drops, - = it hikes up",
    better="lower",
    valid_when="front or rear camera; MediaPipe's hips under-read a true drop (docs/validation.md)",
    smallest_real_change=4.0,
    change_source="provisional: 3D pelvic obliquity SD ~4° (Weeks 2015)",
    reference=(-math.inf, 5.0),
    reference_source="3D single-leg squat obliquity 3-5 ± 4° (Weeks 2015)",
    draw=(("left_hip", "right_hip"),),
    graded=True,
    live=True,
)

TRUNK_LEAN = Measure(
    "trunk_lateral_lean_deg",
    "deg",
    "sideways lean of mid-hip to mid-shoulder from vertical",
    "frontal",
    "trunk lean",
    title="sideways trunk lean",
    sign="+ = toward the stance (lead) leg, - = away; both directions are graded",
    better="toward_zero",
    valid_when="front or rear camera",
    smallest_real_change=5.0,
    change_source=PROVISIONAL,
    reference=(-10.0, 10.0),
    reference_source="provisional (spec: flag lateral lean > 10°)",
    draw=(("mid_shoulder", "mid_hip"),),
    graded=True,
    live=True,
)

DURATION = Measure(
    "duration_s",
    "s",
    "time from leaving the top to being back at the top",
    "any",
    "rep time",
    title="rep duration",
    sign="unsigned",
    better="neither",
    valid_when="frame rate >= 15 fps",
    smallest_real_change=0.2,
    change_source=PROVISIONAL,
    reference_source="no published range: tempo is prescribed per patient",
    draw=(("mid_shoulder", "mid_hip"),),
    decimals=2,
    min_fps=NOT_JUDGED_TIMING_FPS,
)

LOWERING_TIME = Measure(
    "eccentric_s",
    "s",
    "lowering time: from leaving standing (5%) to reaching the bottom (95%)",
    "any",
    "lowering",
    title="lowering (eccentric) time",
    sign="unsigned",
    better="higher",
    valid_when="frame rate >= 15 fps",
    smallest_real_change=0.2,
    change_source=PROVISIONAL,
    reference=(1.0, math.inf),
    reference_source="provisional (spec: flag lowering < 1.0 s)",
    draw=(("mid_shoulder", "mid_hip"),),
    decimals=2,
    min_fps=NOT_JUDGED_TIMING_FPS,
    live=True,
)

KNEE_FLEXION = Measure(
    "knee_flexion_deg",
    "deg",
    "knee flexion 180 - angle(hip, knee, ankle) at the deepest point (side view)",
    "sagittal",
    "knee flexion",
    title="knee flexion",
    sign="0 = straight knee, + = bent",
    better="neither",
    valid_when="side camera",
    smallest_real_change=5.0,
    change_source="provisional: video vs marker sagittal knee angle RMSE ~5° (Van Hooren 2023)",
    reference_source="no target range: depth is prescribed per patient (valgus is meaningful from ~45-60°)",
    draw=(("{s}_hip", "{s}_knee", "{s}_ankle"),),
    decimals=0,
)

HIP_DROP_DEPTH = Measure(
    "depth_hip_drop_rel",
    "leg lengths",
    "hip-centre descent at the deepest point below standing, as a fraction of leg length",
    "any",
    "depth",
    title="squat depth (hip descent)",
    sign="unsigned: 0 = standing",
    better="neither",
    valid_when="any view with hips and feet in frame",
    smallest_real_change=0.05,
    change_source=PROVISIONAL,
    reference_source="no target range: depth is prescribed per patient",
    draw=(("mid_hip", "{s}_ankle"),),
    decimals=2,
)


def measure_ids(measures: tuple[Measure, ...]) -> tuple[str, ...]:
    """Ids of a tuple of measures, in order."""
    return tuple(m.name for m in measures)
