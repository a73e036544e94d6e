"""Matplotlib figures for the HTML reports (Agg, no display, no pyplot state).

Every figure draws values that were measured elsewhere: the exercise's
:class:`~hipform.exercises.base.KeySeries` and the per-rep / per-step metrics of the
report. Nothing here measures an angle.
"""

from __future__ import annotations

import io
import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from hipform.render.stills import measured_time_s

if TYPE_CHECKING:
    from hipform.exercises.base import KeySeries

SIDE_COLOURS = {"left": "#1f77b4", "right": "#d62728", "both": "#555555", None: "#555555"}
"""Line colour for each side (the person's)."""

THRESHOLD_COLOURS = {"fault": "#c0392b", "warn": "#e67e22"}
FAULT_SHADE = "#f5b7b1"
WARN_SHADE = "#fde2b8"
OK_SHADE = "#d5e8d4"
NOT_JUDGED_SHADE = "#e0e0e0"
VERDICT_SHADES = {"fault": FAULT_SHADE, "warn": WARN_SHADE, "ok": OK_SHADE, "not judged": NOT_JUDGED_SHADE}
DPI = 100


def figure_png(fig: Figure) -> bytes:
    """Render a figure to PNG bytes."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, bbox_inches="tight")
    return buf.getvalue()


def worst_severity(item: Mapping[str, Any]) -> str | None:
    """``"fault"``, ``"warn"`` or None: the worst fault severity of a rep or step dict."""
    sev = {f["severity"] for f in item.get("faults", [])}
    return "fault" if "fault" in sev else ("warn" if "warn" in sev else None)


def series_colour(label: str, index: int) -> str:
    """Colour of a series: by the side its label starts with, else a default cycle."""
    first = label.split(" ", 1)[0].lower()
    if first in ("left", "right"):
        return SIDE_COLOURS[first]
    return f"C{index % 10}"


def key_series_figure(
    t: np.ndarray,
    key: KeySeries,
    reps: Sequence[Mapping[str, Any]] = (),
    steps: Sequence[Mapping[str, Any]] = (),
) -> Figure:
    """The key measure over time, reps (or stances) shaded, thresholds drawn.

    Parameters
    ----------
    t : numpy.ndarray
        (T,) frame times in seconds.
    key : KeySeries
        Per-frame values from the exercise (same length as ``t``).
    reps, steps : sequence of dict
        Reps / steps as in ``report.json``. A rep is shaded from ``start_s`` to ``end_s``
        by its verdict: red (fault), orange (warning), green (ok) or grey (not judged), numbered, with its deepest
        point marked; a step is shaded from ``ic_s`` to ``to_s`` in its side's colour.

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig = Figure(figsize=(9.0, 3.6))
    ax = fig.add_subplot()
    for r in reps:
        shade = VERDICT_SHADES[r.get("verdict") or "not judged"]
        ax.axvspan(r["start_s"], r["end_s"], color=shade, alpha=0.6, lw=0)
        ax.axvline(measured_time_s(r), color="#888888", lw=0.8, ls=":")  # where the rep's values were taken
        ax.annotate(
            str(r["index"]),
            xy=((r["start_s"] + r["end_s"]) / 2, 1.0),
            xycoords=("data", "axes fraction"),
            ha="center",
            va="bottom",
            fontsize=9,
        )
    for s in steps:
        if s.get("ic_s") is None or s.get("to_s") is None:
            continue
        ax.axvspan(s["ic_s"], s["to_s"], color=SIDE_COLOURS.get(s.get("side"), "#555555"), alpha=0.12, lw=0)
    for i, (label, values) in enumerate(key.series.items()):
        v = np.asarray(values, dtype=float)
        if v.shape != t.shape:
            raise ValueError(f"series {label!r} has {v.shape[0]} values for {t.shape[0]} frames")
        ax.plot(t, v, lw=1.6, color=series_colour(label, i), label=label)
    for name, value in key.thresholds.items():
        if value is None or not math.isfinite(value):
            continue
        colour = next((c for k, c in THRESHOLD_COLOURS.items() if k in name), "#7f7f7f")
        ax.axhline(value, color=colour, lw=1.0, ls="--")
        ax.annotate(
            f"{name} {value:g}",
            xy=(1.0, value),
            xycoords=("axes fraction", "data"),
            ha="right",
            va="bottom",
            fontsize=8,
            color=colour,
        )
    ax.set_xlabel("time (s)")
    ax.set_ylabel(f"{key.title} ({unit_symbol(key.unit)})")
    if len(t):
        ax.set_xlim(float(t[0]), float(t[-1]))
    ax.grid(alpha=0.3)
    if key.series:
        ax.legend(loc="upper left", fontsize=8, framealpha=0.8)
    fig.tight_layout()
    return fig


def steps_by_side_figure(steps: Sequence[Mapping[str, Any]], metric: str, label: str, unit: str) -> Figure | None:
    """One metric per step, left vs right, with each side's mean drawn.

    Parameters
    ----------
    steps : sequence of dict
        Steps as in ``report.json``.
    metric : str
        Metric name in each step's ``metrics``.
    label, unit : str
        Axis label and unit.

    Returns
    -------
    matplotlib.figure.Figure or None
        None when no step has a value for the metric.
    """
    by_side: dict[str, list[tuple[int, float]]] = {}
    for s in steps:
        v = s.get("metrics", {}).get(metric)
        if v is not None and s.get("scorable", True):
            by_side.setdefault(s.get("side") or "?", []).append((s["index"], float(v)))
    if not by_side:
        return None
    fig = Figure(figsize=(4.6, 2.8))
    ax = fig.add_subplot()
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    for side in sorted(by_side):
        pts = by_side[side]
        x = [p[0] for p in pts]
        y = [p[1] for p in pts]
        colour = SIDE_COLOURS.get(side, "#555555")
        ax.plot(x, y, "o", color=colour, label=f"{side} (mean {np.mean(y):.1f})")
        ax.axhline(float(np.mean(y)), color=colour, lw=1.0, ls="--", alpha=0.7)
    ax.set_xlabel("step number")
    ax.set_ylabel(f"{label} ({unit_symbol(unit)})")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def clips_by_side_figure(clips: Sequence[str], values: Mapping[str, Sequence[float | None]], ylabel: str) -> Figure:
    """Grouped bars: one group per clip, one bar per side (batch page).

    Parameters
    ----------
    clips : sequence of str
        Clip names (x axis).
    values : mapping
        Side (``"left"``/``"right"``) -> one value per clip, None where missing.
    ylabel : str
        Axis label with unit.

    Returns
    -------
    matplotlib.figure.Figure
    """
    n = len(clips)
    sides = list(values)
    width = 0.8 / max(len(sides), 1)
    fig = Figure(figsize=(max(6.0, 0.9 * n + 2), 3.6))
    ax = fig.add_subplot()
    x = np.arange(n)
    for k, side in enumerate(sides):
        vals = np.array([np.nan if v is None else float(v) for v in values[side]])
        ax.bar(x + (k - (len(sides) - 1) / 2) * width, vals, width, color=SIDE_COLOURS.get(side, f"C{k}"), label=side)
    ax.set_xticks(x, [c if len(c) <= 24 else c[:22] + "…" for c in clips], rotation=30, ha="right", fontsize=8)
    ax.set_ylabel(ylabel)
    ax.grid(axis="y", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def unit_symbol(unit: str) -> str:
    """Short unit for an axis label: ``deg`` -> ``°``; others unchanged."""
    return {"deg": "°", "degrees": "°"}.get(unit, unit)
