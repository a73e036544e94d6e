"""Validate hipform against rendered people with known kinematics.

Runs hipform's real pipeline (the ``hipform analyze`` command: video -> MediaPipe ->
exercise module -> ``report.json``) on every clip that has a ``<clip>.truth.json`` made
by ``bench/`` and compares, per exercise, measure, pose model and camera view:

- bias (mean of measured - true), mean absolute error and the slope of measured against
  true, against both truths: skeleton joint centres and body-surface points;
- rep (or step) counts, working-side calls and event timing errors.

It needs only the main environment (hipform + MediaPipe), not the rendering bench.

Usage::

    python benchmarks/validate.py [--data tests/data/rendered] [--data DIR ...]
        [--model full] [--work benchmarks/out/validate] [--reuse]
        [--md docs/validation.md] [--plot docs/validation.png] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]

#: Measures whose truth has another name, per exercise and view kind. hipform's RDL
#: measures the hinge and the pelvis on MediaPipe's world landmarks except on screen
#: from a side view, so the 3D truth is the right reference there.
TRUTH_ALIAS: dict[tuple[str, str, str], str] = {
    ("single-leg-rdl", "trunk_angle_deg", "frontal"): "trunk_angle_3d_deg",
    ("single-leg-rdl", "pelvic_rotation_deg", "side"): "pelvic_rotation_3d_deg",
}

#: Short plain-language description of each measure for the clinician-facing table.
PLAIN = {
    "knee_valgus_fppa_deg": "knee valgus angle (FPPA) at the bottom",
    "knee_medial_offset_shank": "knee inside the toe tip, shank lengths",
    "depth_hip_drop_rel": "squat depth: hip drop, leg lengths",
    "pelvic_drop_deg": "free-side hip drop",
    "trunk_lateral_lean_deg": "trunk lean toward the standing leg",
    "trunk_angle_deg": "hinge depth: trunk from vertical",
    "pelvic_rotation_deg": "hips opening (free hip up)",
    "lockout_deficit_deg": "hip-thrust lockout short of straight",
    "back_arch_deg": "hip-thrust arch past straight",
    "knee_angle_top_deg": "hip-thrust knee angle at the top",
    "peak_hip_extension_deg": "peak thigh extension in stance",
    "stance_s": "stance time, s",
    "cadence_spm": "cadence, steps/min",
    "knee_drive_rel": "step-up: trailing knee height at the top, thigh lengths",
    "hip_rise_rel": "step-up: hip rise, leg lengths",
    "eccentric_s": "step-up: lowering time, s",
}


def view_kind(view: str) -> str:
    """``side`` for side views, ``frontal`` for front and rear."""
    return "side" if view.startswith("side") else "frontal"


def view_label(camera: dict) -> str:
    """Short view label, e.g. ``front`` or ``front +15°``."""
    yaw = float(camera.get("yaw_off_axis_deg", 0.0))
    return camera["view"] if abs(yaw) < 1e-6 else f"{camera['view']} {yaw:+.0f}°"


# ---------------------------------------------------------------------------------------
# Running hipform
# ---------------------------------------------------------------------------------------
def run_hipform(clip: Path, exercise: str, out: Path, model: str, reuse: bool) -> dict:
    """``hipform analyze`` on one clip; returns the parsed ``report.json``.

    Parameters
    ----------
    clip : pathlib.Path
        The video.
    exercise : str
        hipform exercise name.
    out : pathlib.Path
        Report folder.
    model : str
        MediaPipe model (lite, full, heavy).
    reuse : bool
        Keep an existing report newer than the clip.

    Returns
    -------
    dict
        The report.
    """
    report = out / "report.json"
    if not (reuse and report.exists() and report.stat().st_mtime > clip.stat().st_mtime):
        cmd = [sys.executable, "-m", "hipform", "analyze", str(clip), "--exercise", exercise,
               "--model", model, "--out", str(out)]
        res = subprocess.run(cmd, capture_output=True, text=True)
        if res.returncode != 0 or not report.exists():
            tail = (res.stderr or res.stdout).strip().splitlines()[-3:]
            raise RuntimeError(f"hipform failed on {clip.name}: {' | '.join(tail)}")
    return json.loads(report.read_text())


# ---------------------------------------------------------------------------------------
# Matching and collecting
# ---------------------------------------------------------------------------------------
@dataclass
class Pair:
    """One measured value and its two truths."""

    exercise: str
    metric: str
    model: str
    view: str
    clip: str
    measured: float
    joint_centre: float
    surface: float
    side: str = ""
    """The true rep's or step's side (``left``/``right``), when the truth gives one."""


@dataclass
class ClipResult:
    """Counts and timing of one clip."""

    clip: str
    exercise: str
    view: str
    fps: float
    true_count: int
    counted: int
    side_true: str | None
    side_called: str | None
    side_ok: int = 0
    side_n: int = 0
    event_err_s: list[float] = field(default_factory=list)
    ic_err_s: list[float] = field(default_factory=list)
    to_err_s: list[float] = field(default_factory=list)
    cadence_true: float | None = None
    cadence_measured: float | None = None
    model: str = "full"
    error: str | None = None


def _event_time(rep: dict) -> float | None:
    for key in ("top_s", "bottom_s", "deepest_s"):
        if rep.get(key) is not None:
            return float(rep[key])
    return None


def match_reps(truth_reps: list[dict], reps: list[dict]) -> list[tuple[dict, dict]]:
    """Pair each true rep with the measured rep whose key moment falls in it.

    A measured rep matches the true rep whose start-end window holds its key time
    (``top_s``, ``bottom_s`` or ``deepest_s``), the nearest key time winning.
    """
    out = []
    used: set[int] = set()
    for tr in truth_reps:
        key = tr.get("top_s", tr.get("bottom_s"))
        best, best_d = None, np.inf
        for j, r in enumerate(reps):
            t = _event_time(r)
            if j in used or t is None:
                continue
            if tr["start_s"] - 0.3 <= t <= tr["end_s"] + 0.3 and abs(t - key) < best_d:
                best, best_d = j, abs(t - key)
        if best is not None:
            used.add(best)
            out.append((tr, reps[best]))
    return out


def match_steps(truth_steps: list[dict], steps: list[dict], stride_s: float) -> list[tuple[dict, dict]]:
    """Pair true and measured stances of the same foot by initial-contact time."""
    out = []
    used: set[int] = set()
    for tr in truth_steps:
        best, best_d = None, 0.25 * stride_s
        for j, s in enumerate(steps):
            if j in used or s.get("side") != tr["side"] or s.get("ic_s") is None:
                continue
            d = abs(float(s["ic_s"]) - tr["ic_s"])
            if d < best_d:
                best, best_d = j, d
        if best is not None:
            used.add(best)
            out.append((tr, steps[best]))
    return out


def collect(truth: dict, report: dict, model: str) -> tuple[list[Pair], ClipResult]:
    """Compare one report with its truth."""
    ex = truth["exercise"]
    view = view_label(truth["camera"])
    kind = view_kind(truth["camera"]["view"])
    running = ex in ("running", "walking")
    true_items = truth["steps"] if running else truth["reps"]
    got = report.get("steps" if running else "reps") or []
    summary = report.get("summary", {})
    res = ClipResult(
        clip=truth["clip"], exercise=ex, view=view, fps=truth["fps"], true_count=len(true_items),
        counted=len(got), side_true=truth.get("side"), side_called=report.get("working_side"), model=model,
    )
    pairs: list[Pair] = []
    if running:
        matched = match_steps(true_items, got, truth.get("stride_s", 0.7))
        res.cadence_true = truth.get("cadence_spm")
        res.cadence_measured = summary.get("cadence_spm")
    else:
        matched = match_reps(true_items, got)
    for tr, m in matched:
        if running:
            if m.get("ic_s") is not None:
                res.ic_err_s.append(float(m["ic_s"]) - tr["ic_s"])
            if m.get("to_s") is not None:
                res.to_err_s.append(float(m["to_s"]) - tr["to_s"])
        else:
            t = _event_time(m)
            key = tr.get("top_s", tr.get("bottom_s"))
            if t is not None:
                res.event_err_s.append(t - key)
            if tr.get("side") in ("left", "right"):
                res.side_n += 1
                res.side_ok += int(m.get("side") == tr["side"])
        for name, value in (m.get("metrics") or {}).items():
            if value is None:
                continue
            tname = TRUTH_ALIAS.get((ex, name, kind), name)
            tv = tr["metrics"].get(tname)
            if tv is None:
                continue
            pairs.append(Pair(ex, name, model, view, truth["clip"], float(value),
                              float(tv["joint_centre"]), float(tv["surface"]), str(tr.get("side") or "")))
    if running and res.cadence_measured is not None and res.cadence_true is not None:
        pairs.append(Pair(ex, "cadence_spm", model, view, truth["clip"], float(res.cadence_measured),
                          float(res.cadence_true), float(res.cadence_true)))
    return pairs, res


# ---------------------------------------------------------------------------------------
# Statistics
# ---------------------------------------------------------------------------------------
def min_slope_range(metric: str) -> float:
    """Smallest spread of true values over which a slope is worth reporting."""
    if metric.endswith(("_rel", "_shank")):
        return 0.05
    if metric.endswith("_s"):
        return 0.05
    return 5.0


def stats(measured: np.ndarray, true: np.ndarray, min_range: float = 1e-6) -> dict[str, float]:
    """Bias, MAE, largest error, and (when the truth spreads enough) slope and r."""
    err = measured - true
    out = {"n": int(len(err)), "bias": float(err.mean()), "mae": float(np.abs(err).mean()),
           "max_abs": float(np.abs(err).max()), "slope": float("nan"), "r": float("nan"),
           "sd": float(err.std(ddof=1)) if len(err) > 1 else float("nan")}
    if len(true) >= 3 and np.ptp(true) >= min_range:
        out["slope"] = float(np.polyfit(true, measured, 1)[0])
        if np.ptp(measured) > 1e-9:
            out["r"] = float(np.corrcoef(true, measured)[0, 1])
    return out


def summarise(pairs: list[Pair]) -> list[dict]:
    """One row per exercise, measure, model and view."""
    groups: dict[tuple, list[Pair]] = defaultdict(list)
    for p in pairs:
        groups[(p.exercise, p.metric, p.model, p.view)].append(p)
    rows = []
    for (ex, metric, model, view), ps in sorted(groups.items()):
        m = np.array([p.measured for p in ps])
        row = {"exercise": ex, "metric": metric, "model": model, "view": view, "n": len(ps),
               "true_range": [float(min(p.joint_centre for p in ps)), float(max(p.joint_centre for p in ps))]}
        for var in ("joint_centre", "surface"):
            row[var] = stats(m, np.array([getattr(p, var) for p in ps]), min_slope_range(metric))
        rows.append(row)
    return rows


def count_rows(results: list[ClipResult]) -> list[dict]:
    """Per clip: counts, side calls and timing."""
    rows = []
    for r in results:
        ev = np.array(r.event_err_s) if r.event_err_s else np.array([])
        ic = np.array(r.ic_err_s) if r.ic_err_s else np.array([])
        to = np.array(r.to_err_s) if r.to_err_s else np.array([])
        rows.append({
            "clip": r.clip, "exercise": r.exercise, "view": r.view, "fps": r.fps, "model": r.model,
            "true_count": r.true_count, "counted": r.counted,
            "side_true": r.side_true, "side_called": r.side_called,
            "rep_side_correct": f"{r.side_ok}/{r.side_n}" if r.side_n else "",
            "key_time_mae_s": float(np.abs(ev).mean()) if ev.size else None,
            "ic_bias_s": float(ic.mean()) if ic.size else None,
            "ic_mae_s": float(np.abs(ic).mean()) if ic.size else None,
            "to_bias_s": float(to.mean()) if to.size else None,
            "to_mae_s": float(np.abs(to).mean()) if to.size else None,
            "cadence_true": r.cadence_true, "cadence_measured": r.cadence_measured,
            "error": r.error,
        })
    return rows


# ---------------------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------------------
def _f(x: float | None, nd: int = 1) -> str:
    if x is None or not np.isfinite(x):
        return "–"
    return f"{x:+.{nd}f}" if nd else f"{x:+.0f}"


def _u(x: float | None, nd: int = 1) -> str:
    if x is None or not np.isfinite(x):
        return "–"
    return f"{x:.{nd}f}"


def _nd(metric: str) -> int:
    return 3 if metric.endswith(("_rel", "_shank", "_s")) else 1


def print_tables(rows: list[dict], counts: list[dict]) -> None:
    """Plain-text tables on stdout."""
    print(f"{'exercise':17} {'measure':28} {'model':5} {'view':14} {'n':>3} "
          f"{'bias_jc':>8} {'mae_jc':>7} {'slope_jc':>8} {'bias_sf':>8} {'mae_sf':>7} {'slope_sf':>8}")
    for r in rows:
        nd = _nd(r["metric"])
        jc, sf = r["joint_centre"], r["surface"]
        print(f"{r['exercise']:17} {r['metric']:28} {r['model']:5} {r['view']:14} {r['n']:>3} "
              f"{_f(jc['bias'], nd):>8} {_u(jc['mae'], nd):>7} {_u(jc['slope'], 2):>8} "
              f"{_f(sf['bias'], nd):>8} {_u(sf['mae'], nd):>7} {_u(sf['slope'], 2):>8}")
    print()
    for c in counts:
        extra = ""
        if c["ic_mae_s"] is not None:
            extra = (f" IC err {_f(c['ic_bias_s'], 3)} s (MAE {_u(c['ic_mae_s'], 3)}),"
                     f" TO err {_f(c['to_bias_s'], 3)} s (MAE {_u(c['to_mae_s'], 3)}),"
                     f" cadence {c['cadence_measured']} vs {c['cadence_true']}")
        elif c["key_time_mae_s"] is not None:
            extra = f" key-time MAE {_u(c['key_time_mae_s'], 3)} s, sides {c['rep_side_correct']}"
        err = f" ERROR {c['error']}" if c["error"] else ""
        print(f"{c['clip']:34} {c['view']:14} counted {c['counted']}/{c['true_count']}"
              f" side {c['side_called']} (true {c['side_true']}){extra}{err}")


def plot(pairs: list[Pair], path: Path) -> None:
    """Measured against true (surface truth hollow, joint-centre truth filled) per measure."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    metrics = sorted({(p.exercise, p.metric) for p in pairs if not p.metric.endswith(("_s", "_spm"))})
    if not metrics:
        return
    ncol = 3
    nrow = int(np.ceil(len(metrics) / ncol))
    fig, axes = plt.subplots(nrow, ncol, figsize=(4.2 * ncol, 3.8 * nrow), squeeze=False)
    for ax, (ex, metric) in zip(axes.flat, metrics, strict=False):
        ps = [p for p in pairs if p.exercise == ex and p.metric == metric]
        jc = np.array([p.joint_centre for p in ps])
        sf = np.array([p.surface for p in ps])
        ms = np.array([p.measured for p in ps])
        ax.scatter(jc, ms, s=18, label="vs joint centres")
        ax.scatter(sf, ms, s=18, facecolors="none", edgecolors="C1", label="vs skin points")
        lo = float(min(jc.min(), sf.min(), ms.min()))
        hi = float(max(jc.max(), sf.max(), ms.max()))
        pad = 0.05 * (hi - lo + 1e-9)
        ax.plot([lo - pad, hi + pad], [lo - pad, hi + pad], "k--", lw=0.8)
        ax.set_title(f"{ex}\n{metric}", fontsize=9)
        ax.set_xlabel("true")
        ax.set_ylabel("hipform")
        ax.legend(fontsize=7)
    for ax in list(axes.flat)[len(metrics):]:
        ax.axis("off")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=90)
    plt.close(fig)


def _version() -> str:
    """hipform's version and the repository commit (with ``+dirty`` for local changes)."""
    try:
        import hipform

        ver = hipform.__version__
    except ImportError:
        ver = "?"
    try:
        sha = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True,
                             text=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "--", "hipform"],
                               capture_output=True, text=True).stdout.strip()
    except OSError:
        sha, dirty = "", ""
    return f"{ver}" + (f" at commit {sha}{'+dirty' if dirty else ''}" if sha else "")


def _rel(p: Path) -> str:
    """``p`` relative to the repository when inside it."""
    r = p.resolve()
    return r.relative_to(REPO).as_posix() if r.is_relative_to(REPO) else str(p)


def findings(rows: list[dict], counts: list[dict]) -> list[str]:
    """One plain sentence per measure (pooled over views) and one on counting."""
    out = []
    pooled: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for r in rows:
        pooled[(r["exercise"], r["metric"])].append(r)
    for (ex, metric), rs in sorted(pooled.items()):
        n = sum(r["n"] for r in rs)
        nd = _nd(metric)
        unit = "°" if metric.endswith("_deg") else ""
        parts = []
        for var, word in (("joint_centre", "joint centres"), ("surface", "skin points")):
            bias = sum(r[var]["bias"] * r["n"] for r in rs) / n
            mae = sum(r[var]["mae"] * r["n"] for r in rs) / n
            parts.append(f"{_f(bias, nd)}{unit} vs {word} (typical error {_u(mae, nd)}{unit})")
        slopes = [r["joint_centre"]["slope"] for r in rs if np.isfinite(r["joint_centre"]["slope"])]
        seen = (f"; it shows about {100 * float(np.median(slopes)):.0f}% of a true change"
                if slopes else "")
        views = ", ".join(sorted({r["view"] for r in rs}))
        sds = [r["joint_centre"]["sd"] for r in rs if np.isfinite(r["joint_centre"]["sd"])]
        real = ""
        if sds:
            # smallest real change: 1.96 x sqrt(2) x the spread of single readings' errors
            mdc = 1.96 * np.sqrt(2) * float(np.sqrt(np.mean(np.square(sds))))
            real = f"; differences smaller than {_u(mdc, nd)}{unit} between two sessions are within this error"
        out.append(f"- **{ex}, {PLAIN.get(metric, metric)}** ({views}; {n} values): hipform reads "
                   f"{parts[0]}, {parts[1]}{seen}{real}.")
    exact = sum(c["counted"] == c["true_count"] for c in counts if c["exercise"] not in ("running", "walking"))
    total = sum(c["exercise"] not in ("running", "walking") for c in counts)
    if total:
        out.append(f"- **Rep counts**: exact in {exact} of {total} strength-exercise clips.")
    return out


RAW_OR_CORRECTED = [
    "## Raw or corrected angles?",
    "",
    "hipform reports **raw** angles: measured on MediaPipe's landmarks as they are, with no",
    "correction factor. Every report says so (`measurement_basis` in `report.json`). Why:",
    "",
    "- For knee valgus, the measure clinical cut-offs exist for, the raw reading sits within",
    "  about 1° of the joint-centre angle on average, but its offset changes sign and size",
    "  with the camera angle and the body (see the per-view rows below); one correction",
    "  factor would be right for one camera set-up and wrong for the next.",
    "- Where a measure shows only part of a true change (a slope well below 1, as for pelvic",
    "  drop and hips opening), a correction would multiply the noise as much as the signal.",
    "  hipform instead adds a note to every report that contains such a measure, and these",
    "  rows tell how far to trust it.",
    "- Thresholds are therefore on hipform's own raw scale. The valgus cut-offs (warn 10°,",
    "  fault 15°) come from 2D angles drawn on skin landmarks, and hipform's raw valgus reads",
    "  within a few degrees of the skin-point angle, so the cut-offs are kept.",
    "- A session-to-session change means something only above the smallest real change of",
    "  the measure (last part of each sentence above); `hipform compare` uses 8° for knee",
    "  valgus, the between-day figure for 2D valgus from the literature, about the same as",
    "  hipform's own figure on these clips.",
    "",
]


def write_markdown(rows: list[dict], counts: list[dict], path: Path, plot_path: Path | None,
                   data_dirs: list[Path], models: list[str]) -> None:
    """Write the clinician-facing validation page."""
    lines = [
        "# How accurate is hipform? Validation on rendered people",
        "",
        "<!-- Generated by benchmarks/validate.py; edit that script, not this page. -->",
        "",
        "No freely licensed real video shows a single-leg squat, step-up, single-leg RDL, hip thrust or",
        "treadmill running from a known camera with known joint angles, so these checks use",
        "computer-rendered people (`bench/`) whose joint angles were set exactly. hipform",
        "analysed each clip the way it analyses a patient's video (MediaPipe pose model "
        f"{' / '.join(f'`{m}`' for m in models)}, default settings), and its numbers are compared with the "
        "truth. `full` is hipform's default model; the plot shows it.",
        "",
        "Every measure has two truths, because \"the\" angle depends on which points you draw",
        "it through:",
        "",
        "- **joint centres**: through the centres of the hip, knee and ankle joints (the",
        "  skeleton), as a 3D motion-capture model would;",
        "- **skin points**: through points on the body's surface, like markers or a clinician's",
        "  landmarks drawn on the skin outline. A video pose model learns from such surface",
        "  annotations, so it usually lands nearer this truth.",
        "",
        "How to read the tables:",
        "",
        "- **bias**: the average of (hipform − truth). A bias of −5° means hipform reads, on",
        "  average, 5° lower than the truth.",
        "- **typical error** (mean absolute error): how far off a single reading is on average.",
        "- **slope**: how much of a real change hipform shows. 1.00 is perfect; 0.70 means a",
        "  true change of 10° shows up as 7°. Thresholds taken from the literature assume a",
        "  slope near 1 and no bias. Left out (–) when the true values spread too little to",
        "  tell.",
        "- **n**: number of reps or steps compared.",
        "",
        "Only reps hipform counted and matched to a true rep enter the measure table; missed",
        "reps show in the count table. A measure hipform declined to judge (for example a",
        "frontal-plane angle from a side camera) does not appear.",
        "",
        "## In short",
        "",
        f"With the `{models[0]}` model, over all views:",
        "",
        *findings([r for r in rows if r["model"] == models[0]], [c for c in counts if c["model"] == models[0]]),
        "",
        *RAW_OR_CORRECTED,
        "## Measures",
        "",
        "| exercise | measure | model | view | n | true range | bias vs joint centres | typical error | slope "
        "| bias vs skin points | typical error | slope |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        nd = _nd(r["metric"])
        jc, sf = r["joint_centre"], r["surface"]
        name = PLAIN.get(r["metric"], r["metric"])
        rng = f"{r['true_range'][0]:.{nd}f} to {r['true_range'][1]:.{nd}f}"
        lines.append(
            f"| {r['exercise']} | {name} (`{r['metric']}`) | {r['model']} | {r['view']} | {r['n']} | {rng} "
            "| "
            f"{_f(jc['bias'], nd)} | {_u(jc['mae'], nd)} | {_u(jc['slope'], 2)} | "
            f"{_f(sf['bias'], nd)} | {_u(sf['mae'], nd)} | {_u(sf['slope'], 2)} |"
        )
    lines += [
        "",
        "## Counting, sides and timing",
        "",
        "| clip | exercise | model | view | fps | reps/steps counted | working side (true) "
        "| reps with the right side | timing error |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for c in counts:
        if c["ic_mae_s"] is not None:
            timing = (f"contact {_f(c['ic_bias_s'], 3)} s (typical {_u(c['ic_mae_s'], 3)} s), "
                      f"toe-off {_f(c['to_bias_s'], 3)} s (typical {_u(c['to_mae_s'], 3)} s); "
                      f"cadence {_u(c['cadence_measured'], 1)} vs {_u(c['cadence_true'], 1)} steps/min")
        elif c["key_time_mae_s"] is not None:
            timing = f"deepest/top point: typical {_u(c['key_time_mae_s'], 3)} s"
        else:
            timing = c["error"] or "–"
        side = f"{c['side_called']} ({c['side_true']})" if c["side_true"] else (c["side_called"] or "–")
        lines.append(f"| {c['clip']} | {c['exercise']} | {c['model']} | {c['view']} | {c['fps']:g} | "
                     f"{c['counted']} of {c['true_count']} | {side} | {c['rep_side_correct'] or '–'} | {timing} |")
    if plot_path is not None and plot_path.exists():
        here = path.resolve().parent
        rel = plot_path.resolve().relative_to(here) if plot_path.resolve().is_relative_to(here) else plot_path
        lines += ["", "## Measured against true", "",
                  "Each dot is one rep or step; on the dashed line hipform would equal the truth. "
                  "Filled dots use the joint-centre truth, hollow ones the skin-point truth.", "",
                  f"![hipform against the truth]({rel.as_posix()})"]
    lines += [
        "",
        "## What was tested",
        "",
        f"hipform {_version()}. "
        "Clips: " + ", ".join(f"`{_rel(d)}`" for d in data_dirs) + " (`tests/data/rendered` is "
        "committed; `bench/make_bench.sh --extra` makes `benchmarks/out/rendered`). Each clip's settings "
        "(body, clothing, camera height and angle, frame rate) and its truth are in the `<clip>.truth.json` beside it; "
        "`bench/README.md` documents the format and how to regenerate the clips.",
        "",
        "Limits: rendered bodies have flat-coloured skin and clothes, perfect lighting and no "
        "background clutter; the movements are smooth and exactly repeated. Real patients and "
        "real rooms are harder, so treat these errors as a best case.",
        "",
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines))


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    ap = argparse.ArgumentParser(description="Validate hipform on rendered clips with known kinematics.")
    ap.add_argument("--data", type=Path, action="append", help="folder of clips + truth files (repeatable)")
    ap.add_argument("--model", nargs="+", default=["full"], choices=("lite", "full", "heavy"),
                    help="MediaPipe pose model(s); the plot uses the first")
    ap.add_argument("--work", type=Path, default=REPO / "benchmarks" / "out" / "validate")
    ap.add_argument("--reuse", action="store_true", help="reuse report.json files newer than their clip")
    ap.add_argument("--md", type=Path, default=REPO / "docs" / "validation.md")
    ap.add_argument("--plot", type=Path, default=REPO / "docs" / "validation.png")
    ap.add_argument("--json", type=Path, default=None, help="also write the figures as JSON")
    ap.add_argument("--only", nargs="*", default=None, help="clip names (without .mp4)")
    args = ap.parse_args(argv)
    data_dirs = args.data or [REPO / "tests" / "data" / "rendered"]
    pairs: list[Pair] = []
    results: list[ClipResult] = []
    clips, seen = [], set()
    for d in data_dirs:
        for tf in sorted(d.glob("*.truth.json")):
            if tf.name not in seen:  # a clip copied into two folders counts once
                seen.add(tf.name)
                clips.append((d, json.loads(tf.read_text())))
    clips = [(d, t) for d, t in clips if not args.only or t["clip"].removesuffix(".mp4") in args.only]
    for model in args.model:
        for d, truth in clips:
            name = truth["clip"].removesuffix(".mp4")
            try:
                report = run_hipform(d / truth["clip"], truth["exercise"], args.work / model / name, model,
                                     args.reuse)
            except RuntimeError as exc:
                res = ClipResult(truth["clip"], truth["exercise"], view_label(truth["camera"]), truth["fps"],
                                 len(truth.get("reps", truth.get("steps", []))), 0, truth.get("side"), None,
                                 model=model, error=str(exc))
                results.append(res)
                print(exc, file=sys.stderr)
                continue
            p, res = collect(truth, report, model)
            pairs += p
            results.append(res)
            print(f"{model} {name}: {res.counted}/{res.true_count} counted, {len(p)} values", file=sys.stderr)
    rows = summarise(pairs)
    counts = count_rows(results)
    print_tables(rows, counts)
    if args.plot:
        plot([p for p in pairs if p.model == args.model[0]], args.plot)
    if args.md:
        write_markdown(rows, counts, args.md, args.plot, data_dirs, args.model)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"measures": rows, "counts": counts,
                                         "pairs": [p.__dict__ for p in pairs]}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
