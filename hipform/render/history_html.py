"""``history.html``: a subject's sessions over time, one plot, table and sentence per measure."""

from __future__ import annotations

from hipform.history import History, MeasureHistory
from hipform.render.compare_html import VERDICT_CLASS
from hipform.render.html import esc, img_tag, page


def measure_figure_png(h: History, m: MeasureHistory) -> bytes | None:
    """Mean ± SD per session; the band is the first session's value ± the smallest real change."""
    from hipform.render import plots

    idx = m.measured()
    if not idx:
        return None
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6.0, 2.4))
    ax = fig.add_subplot()
    xs = list(range(1, len(h.sessions) + 1))
    first = m.points[idx[0]].mean
    assert first is not None
    ax.axhspan(first - m.smallest_real_change, first + m.smallest_real_change, color="#dddddd",
               label=f"first session ± smallest real change ({m.fmt(m.smallest_real_change)})")
    ys = [m.points[i].mean for i in idx]
    es = [m.points[i].sd or 0.0 for i in idx]
    ax.errorbar([xs[i] for i in idx], ys, yerr=es, marker="o", capsize=4, color="#1f4e9a", label="mean ± SD")
    ax.set_xticks(xs, [s["date"] or str(i) for i, s in zip(xs, h.sessions, strict=True)], fontsize=8)
    ax.set_title(f"{m.side} {m.label}" if m.side not in ("all", "session") else m.label, fontsize=10)
    ax.legend(fontsize=7, loc="best")
    ax.grid(alpha=0.3)
    return plots.figure_png(fig)


def measure_section(h: History, m: MeasureHistory) -> str:
    """A measure's sentence, plot and table."""
    cls = VERDICT_CLASS.get(m.overall or "", "within-error")
    rows = []
    for s, p, step in zip(h.sessions, m.points, m.steps, strict=True):
        val = "–" if p.mean is None else m.fmt(p.mean)
        sd = "" if p.sd is None else f" ± {m.measure.format(p.sd, unit=False)}"
        rows.append(
            f"<tr><td>{esc(s['date'] or s['name'])}</td><td>{esc(s['source'])}</td>"
            f"<td class=num>{esc(val + sd)}</td><td class=num>{p.n}</td>"
            f'<td class="{VERDICT_CLASS.get(step or "", "")}">{esc(step or "")}</td></tr>'
        )
    png = measure_figure_png(h, m)
    pic = f"<figure>{img_tag(png, m.label)}</figure>" if png else ""
    return (
        f'<section class="measure"><p class="{cls}" data-metric="{esc(m.metric)}" data-side="{esc(m.side)}" '
        f'data-verdict="{esc(m.overall or "")}">{esc(m.sentence())}</p>{pic}'
        "<table><tr><th>session</th><th>clip</th><th>mean ± SD</th><th>n</th><th>change from the previous</th></tr>"
        + "".join(rows) + "</table></section>"
    )


def render_history_html(h: History) -> str:
    """The whole, self-contained ``history.html``."""
    who = f"Subject {h.subject}: " if h.subject else ""
    head = [f"<h1>{esc(who)}{esc(h.exercise)} over {len(h.sessions)} sessions</h1>"]
    head.append(
        '<p class="note">Each value is the mean over the session\'s scorable reps or steps (± the spread, '
        "one standard deviation). A change counts as real when it is at least the measure's smallest real "
        "change (the grey band around the first session); smaller changes are within measurement error.</p>"
    )
    for n in h.notes:
        head.append(f'<p class="note">Note: {esc(n)}</p>')
    notes = "".join(
        f"<li>{esc(s['date'] or s['name'])}: {esc(s['note'])}</li>" for s in h.sessions if s["note"]
    )
    if notes:
        head.append(f"<h2>Clinician's notes</h2><ul>{notes}</ul>")
    body = "\n".join(head) + "<h2>Measures</h2>" + "\n".join(measure_section(h, m) for m in h.measures)
    return page(f"{who}{h.exercise} history — hipform", body)
