"""``compare.html`` and the terminal table of ``hipform compare``: draw a Comparison.

Both read the same :class:`~hipform.compare.Comparison`, so the page and the terminal
say the same thing.
"""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from hipform.compare import Change, Comparison
from hipform.render.html import esc, page

VERDICT_CLASS = {
    "real improvement": "real-improvement",
    "real worsening": "real-worsening",
    "real increase": "real-change",
    "real decrease": "real-change",
    "within measurement error": "within-error",
    "too few reps to tell": "within-error",
    "not comparable": "within-error",
}
VERDICT_STYLE = {
    "real improvement": "bold green",
    "real worsening": "bold red",
    "real increase": "bold blue",
    "real decrease": "bold blue",
    "within measurement error": "dim",
    "too few reps to tell": "dim",
    "not comparable": "dim",
}


def change_cells(c: Change) -> list[str]:
    """Text cells of one change: side, measure, old, new, change, smallest real change, verdict."""
    delta = c.delta
    sign = "" if delta is None or delta < 0 else "+"
    return [
        c.side,
        c.label,
        f"{c.fmt(c.old)} (n={c.n_old})" if c.old is not None else "–",
        f"{c.fmt(c.new)} (n={c.n_new})" if c.new is not None else "–",
        f"{sign}{c.fmt(delta)}" if delta is not None else "–",
        c.fmt(c.smallest_real_change),
        c.verdict if c.verdict != "not comparable" else f"not comparable: {c.reason}",
    ]


HEADERS = ("side", "measure", "old (mean)", "new (mean)", "change", "smallest real change", "verdict")


def print_comparison(comp: Comparison, console: Console | None = None) -> None:
    """Sentences for the real changes, notes, then the full table."""
    console = console or Console()
    console.print(escape(f"{comp.exercise}: {comp.old_source} → {comp.new_source}"), highlight=False)
    for n in comp.notes:
        console.print(escape(f"Note: {n}."), highlight=False)
    for c in comp.changes:
        if c.verdict != "not comparable":
            console.print(f"[{VERDICT_STYLE[c.verdict]}]{escape(c.sentence())}[/]", highlight=False)
    table = Table(title="change between sessions")
    for h in HEADERS:
        table.add_column(h, justify="right" if h in ("old (mean)", "new (mean)", "change") else "left")
    for c in comp.changes:
        cells = [escape(x) for x in change_cells(c)]
        cells[-1] = f"[{VERDICT_STYLE[c.verdict]}]{cells[-1]}[/]"
        table.add_row(*cells)
    console.print(table)


def render_compare_html(comp: Comparison) -> str:
    """A self-contained ``compare.html`` page."""
    parts = [
        f"<h1>Progress: {esc(comp.exercise)}</h1>",
        f"<p>Old session: <b>{esc(comp.old_source)}</b><br>New session: <b>{esc(comp.new_source)}</b></p>",
    ]
    if comp.notes:
        parts.append('<ul class="note">' + "".join(f"<li>{esc(n)}</li>" for n in comp.notes) + "</ul>")
    parts.append('<h2>In words</h2><div id="sentences">')
    for c in comp.changes:
        if c.verdict != "not comparable":
            parts.append(f'<p class="{VERDICT_CLASS[c.verdict]}">{esc(c.sentence())}</p>')
    parts.append("</div><h2>All measures</h2>")
    head = "".join(f"<th>{esc(h)}</th>" for h in HEADERS)
    rows = []
    for c in comp.changes:
        cells = change_cells(c)
        tds = "".join(
            f'<td class="num">{esc(x)}</td>' if 2 <= i <= 5 else f"<td>{esc(x)}</td>" for i, x in enumerate(cells[:-1])
        )
        tds += f'<td class="{VERDICT_CLASS[c.verdict]}">{esc(cells[-1])}</td>'
        rows.append(f'<tr data-metric="{esc(c.metric)}" data-side="{esc(c.side)}">{tds}</tr>')
    parts.append(f'<table id="changes"><tr>{head}</tr>{"".join(rows)}</table>')
    parts.append(
        '<p class="note">Means are over the scorable reps (or steps) of each side. A change counts as real when it '
        "is at least the smallest real change of the measure (the smallest difference that repeat measurements "
        "on different days can tell apart from noise) and each session has at least 3 reps (or steps) on that "
        "side; smaller changes are within measurement error, fewer reps are too few to tell. "
        "Defaults: 8° for 2D knee valgus (Munro 2012); the others are provisional; a [compare] table in the "
        "config file sets them per measure.</p>"
    )
    sources = sorted({(c.label, c.source) for c in comp.changes if c.source})
    if sources:
        parts.append(
            "<h2>Where the smallest real changes come from</h2><ul>"
            + "".join(f"<li>{esc(label)}: {esc(src)}</li>" for label, src in sources)
            + "</ul>"
        )
    return page(f"hipform progress — {comp.exercise}", "\n".join(parts))
