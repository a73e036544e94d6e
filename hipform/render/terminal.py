"""Rich terminal output of a report: facts, plain-language summary, per-rep/per-step table.

Draws only: every number shown comes from the report dict.
"""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from hipform.exercises import Exercise
from hipform.render.summary import summary_sentences

SEVERITY_STYLE = {"fault": "bold red", "warn": "yellow"}
VERDICT_STYLE = {"fault": "bold red", "warn": "yellow", "ok": "green", "not judged": "dim"}
"""Rich style of a rep's or step's verdict (grey for not judged)."""


def fmt_value(v: Any) -> str:
    """A time or count for a table cell (measures are printed with :meth:`Measure.format`)."""
    if v is None:
        return "–"
    if isinstance(v, float):
        return f"{v:.2f}"
    return str(v)


def verdict_cell(it: dict[str, Any]) -> str:
    """The verdict column of one rep or step (rich markup): faults, ok, or not judged in grey."""
    if it["faults"]:
        return "\n".join(
            f"[{SEVERITY_STYLE[f['severity']]}]{escape(f['code'].replace('_', ' '))}[/]" for f in it["faults"]
        )
    verdict = it.get("verdict") or "not judged"
    if verdict == "not judged":
        return f"[dim]not judged: {escape(it.get('verdict_reason') or it.get('reason') or '')}[/dim]"
    return f"[{VERDICT_STYLE[verdict]}]{verdict}[/]"


def items_table(report: dict[str, Any], exercise: Exercise) -> Table:
    """One row per rep (or step): times, side, the exercise's table columns, the verdict."""
    steps = bool(report["steps"])
    items = report["steps"] if steps else report["reps"]
    skipped = {n["metric"] for n in report["not_judged"]}
    cols = [exercise.metric(c) for c in exercise.table_columns if c not in skipped]
    table = Table(title=f"{exercise.title}: {'steps' if steps else 'reps'}", show_lines=False)
    table.add_column("#", justify="right")
    table.add_column("side")
    if steps:
        table.add_column("contact (s)", justify="right")
        table.add_column("toe-off (s)", justify="right")
    else:
        table.add_column("set", justify="right")
        table.add_column("time (s)", justify="right")
    for m in cols:
        table.add_column(escape(m.header()), justify="right")
    table.add_column("verdict")
    for it in items:
        row = [str(it["index"]), it.get("side") or "–"]
        if steps:
            row += [fmt_value(it["ic_s"]), fmt_value(it["to_s"])]
        else:
            row += [str(it["set"]), f"{it['start_s']:.1f}–{it['end_s']:.1f}"]
        if not it["scorable"]:
            row += ["–"] * len(cols) + [f"[dim]not scorable: {escape(it['reason'] or '')}[/dim]"]
        else:
            row += [m.format(it["metrics"].get(m.name), unit=False) for m in cols]
            row.append(verdict_cell(it))
        style = "dim" if (it.get("verdict") or "not judged") == "not judged" else None
        table.add_row(*row, style=style)
    return table


def print_report(report: dict[str, Any], exercise: Exercise, console: Console | None = None) -> None:
    """Print the summary sentences and the per-rep/per-step table."""
    console = console or Console()
    for line in summary_sentences(report, exercise):
        console.print(escape(line), highlight=False)
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
