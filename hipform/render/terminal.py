"""Rich terminal output of a report: facts, plain-language summary, per-rep/per-step table.

Draws only: every number shown comes from the report dict.
"""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from hipform.exercises import Exercise

SEVERITY_STYLE = {"fault": "bold red", "warn": "yellow"}


def fmt_value(v: Any, unit_hint: str = "") -> str:
    """Format a metric value for a table cell: 1 decimal for degrees, 2 for the rest."""
    if v is None:
        return "–"
    if isinstance(v, float):
        return f"{v:.1f}" if unit_hint.endswith("_deg") or unit_hint.endswith("_spm") else f"{v:.2f}"
    return str(v)


def summary_sentences(report: dict[str, Any]) -> list[str]:
    """Plain-language sentences summarising a report (shared by terminal and HTML)."""
    s = report["summary"]
    out: list[str] = []
    view = report["view"]
    out.append(
        f"{report['exercise']} filmed from {view} (confidence {report['view_confidence'] or 0:.2f}), "
        f"{report['frames']} frames at {report['fps']:.1f} fps."
    )
    if report["reps"] or not report["steps"]:
        by_side = s.get("rep_count_by_side", {})
        sides = ", ".join(f"{n} {side}" for side, n in sorted(by_side.items()))
        plural = "s" if s["rep_count"] != 1 else ""
        out.append(f"{s['rep_count']} rep{plural} counted" + (f" ({sides})." if sides else "."))
    else:
        out.append(f"{s.get('steps_analysed', len(report['steps']))} steps analysed.")
        out.extend(gait_sentences(s))
    faults = s.get("fault_counts", {})
    if faults:
        out.append("Faults: " + ", ".join(f"{code.replace('_', ' ')} x{n}" for code, n in sorted(faults.items())) + ".")
    elif report["reps"] or report["steps"]:
        out.append("No faults found in what could be judged.")
    for n in report["not_judged"]:
        out.append(f"Not judged: {n['metric']} — {n['reason']}.")
    out.extend(f"Note: {n}." for n in report.get("notes", []))
    return out


def gait_sentences(s: dict[str, Any]) -> list[str]:
    """Cadence, stance time, hip extension per side (mean ± SD) and symmetry of a gait summary."""
    out: list[str] = []
    if s.get("cadence_spm") is not None:
        stance = s.get("stance_s")
        out.append(
            f"Cadence {s['cadence_spm']:.0f} steps/min"
            + (f", stance time {stance:.2f} s." if stance is not None else ".")
        )
    ext = s.get("peak_hip_extension_deg")
    if isinstance(ext, dict):
        parts = []
        for side in ("left", "right"):
            d = ext.get(side) or {}
            if d.get("mean") is not None:
                sd = f" ± {d['sd']:.1f}" if d.get("sd") is not None else ""
                parts.append(f"{side} {d['mean']:.1f}{sd}° (n={d['n']})")
        if parts:
            unc = s.get("hip_extension_uncertainty_deg")
            tail = f"; timing uncertainty ±{unc:.1f}° per step" if unc is not None else ""
            out.append("Peak hip extension " + ", ".join(parts) + tail + ".")
    if s.get("symmetry_index_pct") is not None:
        out.append(f"Left/right symmetry index {s['symmetry_index_pct']:.0f}%.")
    drop = s.get("pelvic_drop_deg")
    if isinstance(drop, dict):
        parts = [f"{k} stance {v['mean']:.1f}°" for k, v in drop.items() if v.get("mean") is not None]
        if parts:
            out.append("Pelvic drop (swing side) " + ", ".join(parts) + ".")
    return out


def items_table(report: dict[str, Any], exercise: Exercise) -> Table:
    """One row per rep (or step): times, side, the exercise's table columns, faults in words."""
    steps = bool(report["steps"])
    items = report["steps"] if steps else report["reps"]
    skipped = {n["metric"] for n in report["not_judged"]}
    cols = [c for c in exercise.table_columns if c not in skipped]
    table = Table(title=f"{exercise.title}: {'steps' if steps else 'reps'}", show_lines=False)
    table.add_column("#", justify="right")
    table.add_column("side")
    if steps:
        table.add_column("contact s", justify="right")
        table.add_column("toe-off s", justify="right")
    else:
        table.add_column("set", justify="right")
        table.add_column("time s", justify="right")
    for c in cols:
        m = exercise.metric(c)
        table.add_column(m.label or c, justify="right")
    table.add_column("faults")
    for it in items:
        row = [str(it["index"]), it.get("side") or "–"]
        if steps:
            row += [fmt_value(it["ic_s"]), fmt_value(it["to_s"])]
        else:
            row += [str(it["set"]), f"{it['start_s']:.1f}–{it['end_s']:.1f}"]
        if not it["scorable"]:
            row += ["–"] * len(cols) + [f"[dim]not scorable: {it['reason']}[/dim]"]
        else:
            row += [fmt_value(it["metrics"].get(c), c) for c in cols]
            row.append(
                "\n".join(
                    f"[{SEVERITY_STYLE[f['severity']]}]{f['code'].replace('_', ' ')}[/]" for f in it["faults"]
                )
                or "[green]ok[/green]"
            )
        table.add_row(*row)
    return table


def print_report(report: dict[str, Any], exercise: Exercise, console: Console | None = None) -> None:
    """Print the summary sentences and the per-rep/per-step table."""
    console = console or Console()
    for line in summary_sentences(report):
        console.print(line, highlight=False)
    if report["reps"] or report["steps"]:
        console.print(items_table(report, exercise))
    for line in fault_messages(report):
        console.print(line)


def fault_messages(report: dict[str, Any]) -> list[str]:
    """One line per fault, in rep/step order, coloured by severity (rich markup)."""
    items = report["steps"] or report["reps"]
    lines = []
    for it in items:
        for f in it["faults"]:
            style = SEVERITY_STYLE[f["severity"]]
            lines.append(f"[{style}]{f['severity']}[/] {escape(f['message'])}")
    return lines
