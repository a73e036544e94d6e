"""``report.html``: one self-contained page a physiotherapist can e-mail to a patient.

Images are embedded as ``data:`` URIs, styles are inline, there is no script and no
link to anything outside the file, so the page opens offline and makes no network
request. Everything shown comes from the report (the same dict as ``report.json``) and
from the exercise's own per-frame series (:class:`~hipform.exercises.base.KeySeries`);
the summary sentences are the ones the terminal prints
(:func:`hipform.render.terminal.summary_sentences`).
"""

from __future__ import annotations

import base64
import html
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hipform.render.summary import key_figures, not_judged_groups, summary_sentences
from hipform.render.terminal import fmt_value

if TYPE_CHECKING:
    from hipform.exercises.base import Exercise, KeySeries
    from hipform.pipeline import Analysis
    from hipform.sequence import PoseSequence

REPORT_HTML = "report.html"
ANNOTATED_MP4 = "annotated.mp4"
NO_SERIES = "No per-frame series for this exercise: the plot of the key angle over time is not available."

CSS = """
body{font-family:-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif;margin:0;color:#222;
background:#fafafa}
main{max-width:1000px;margin:0 auto;padding:24px}
h1{font-size:1.6em;margin:0 0 4px}h2{font-size:1.25em;margin:28px 0 8px;border-bottom:2px solid #ddd}
table{border-collapse:collapse;margin:8px 0;font-size:.92em;background:#fff}
th,td{border:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f0f0f0}td.num{text-align:right;font-variant-numeric:tabular-nums}
tr.fault td{background:#fdecea}tr.warn td{background:#fff4e0}tr.unscorable td{color:#888}
tr.not-judged td{color:#777;background:#f2f2f2}.not-judged{color:#777}td.ref{color:#555;font-size:.9em}
td.fault{color:#b3261e;font-weight:bold}td.warn{color:#a05a00;font-weight:bold}
.ok{color:#2e7d32}.code{color:#777;font-size:.85em}
.summary p{margin:4px 0}.note{color:#555}
figure{margin:8px 0;background:#fff;border:1px solid #ddd;padding:6px;display:inline-block}
figure img{max-width:100%;height:auto;display:block}figcaption{font-size:.85em;color:#444;margin-top:4px}
.stills,.side-plots{display:flex;flex-wrap:wrap;gap:10px}.stills figure{max-width:470px}
.side-plots figure{max-width:470px}
.real-improvement{color:#2e7d32;font-weight:bold}.real-worsening{color:#b3261e;font-weight:bold}
.within-error{color:#666}.real-change{color:#1f4e9a;font-weight:bold}
footer{margin-top:32px;font-size:.8em;color:#777}.wide{overflow-x:auto}
"""


def esc(v: Any) -> str:
    """HTML-escape any value as text."""
    return html.escape(str(v), quote=True)


def data_uri(payload: bytes, mime: str) -> str:
    """A ``data:`` URI embedding bytes (base64)."""
    return f"data:{mime};base64,{base64.b64encode(payload).decode('ascii')}"


def page(title: str, body: str, extra_css: str = "") -> str:
    """A complete, self-contained HTML document (``extra_css`` is added after the page's styles)."""
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)}</title><style>{CSS}{extra_css}</style></head>\n<body><main>\n{body}\n"
        "<footer>Made by hipform. Measurements from video landmarks are estimates; "
        "they support, not replace, a clinician's judgement.</footer>\n</main></body></html>\n"
    )


def img_tag(png_or_jpeg: bytes, alt: str, mime: str = "image/png") -> str:
    """An ``<img>`` with the image embedded."""
    return f'<img src="{data_uri(png_or_jpeg, mime)}" alt="{esc(alt)}">'


@dataclass
class ReportImages:
    """The pictures of one report, already encoded.

    Attributes
    ----------
    key_plot : bytes or None
        PNG of the key measure over time.
    key_note : str
        Why there is no key plot (empty when there is one).
    side_plots : list of (title, PNG bytes)
        Per-step metrics by side (running, walking).
    stills : list of (caption, JPEG bytes)
    stills_note : str
        Where the stills come from (video, or blank canvas for a landmark file).
    """

    key_plot: bytes | None = None
    key_note: str = ""
    side_plots: list[tuple[str, bytes]] = field(default_factory=list)
    stills: list[tuple[str, bytes]] = field(default_factory=list)
    stills_note: str = ""


@dataclass(frozen=True)
class PageExtras:
    """What a clinician adds to the page beyond the analysis.

    Attributes
    ----------
    video_mp4 : bytes or None
        The annotated H.264 video to embed with its player (``--video``).
    blur_faces : bool
        Blur the face in the stills (``--blur-faces``).
    paper : {"A4", "Letter"} or None
        Page size forced in print (for ``--pdf``); None leaves it to the browser.
    """

    video_mp4: bytes | None = None
    blur_faces: bool = False
    paper: str | None = None


# sections ----------------------------------------------------------------------------
def metric_labels(exercise: Exercise) -> dict[str, str]:
    """Measure id -> column header from the catalogue: short label and unit once (``"valgus (°)"``)."""
    return {m.name: m.header() for m in exercise.metrics}


def table_columns(report: Mapping[str, Any], exercise: Exercise) -> list[str]:
    """Metric columns of the per-rep/per-step table: the terminal's columns, minus not-judged ones."""
    skipped = {n["metric"] for n in report["not_judged"]}
    cols = [c for c in exercise.table_columns if c not in skipped]
    if not cols:  # an exercise without table columns: every metric that has a value
        seen = {m for it in report["reps"] + report["steps"] for m, v in it["metrics"].items() if v is not None}
        cols = [m.name for m in exercise.metrics if m.name in seen]
    return cols


def facts_section(report: Mapping[str, Any], exercise: Exercise) -> str:
    """The clip's facts: exercise, source, view, side, fps, frames, model."""
    vc = report.get("view_confidence")
    rows = [
        ("Exercise", f"{exercise.title} ({report['exercise']})"),
        ("Clip", report.get("source") or "–"),
        ("Camera view", f"{report['view']}" + (f" (confidence {vc:.2f})" if vc is not None else "")),
        ("Working side", report.get("working_side") or "–"),
        ("Frame rate", f"{report['fps']:.1f} fps" if report.get("fps") else "–"),
        (
            "Frames",
            f"{report['frames']} ({report['duration_s']:.1f} s)" if report.get("duration_s") else report["frames"],
        ),
        ("Pose model", report.get("backend") or "–"),
        ("hipform", report.get("hipform_version") or "–"),
    ]
    body = "".join(f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in rows)
    return f'<h2>The clip</h2><table class="facts">{body}</table>'


def summary_section(report: Mapping[str, Any], exercise: Exercise) -> str:
    """The plain-language summary: the same sentences the terminal prints."""
    lines = "".join(f"<p>{esc(s)}</p>" for s in summary_sentences(report, exercise))
    return f'<h2>Summary</h2><div class="summary" id="summary">{lines}</div>'


def headline_section(report: Mapping[str, Any], exercise: Exercise) -> str:
    """Key figures: each measure per side (mean ± SD, n), its reference range and where it is from."""
    rows = []
    for kf in key_figures(report, exercise):
        m = kf.measure
        side = "" if kf.side in ("all", "session") or m.side else f"{kf.side} "
        rows.append(
            f'<tr data-metric="{esc(m.name)}"><th>{esc(side + m.title)}</th><td class="num">{esc(kf.text())}</td>'
            f'<td class="ref">{esc(m.reference_text())}</td></tr>'
        )
    if not rows:
        return ""
    head = "<tr><th>measure</th><th>value</th><th>reference range</th></tr>"
    return f'<h2>Key figures</h2><table class="headline">{head}{"".join(rows)}</table>'


def items_section(report: Mapping[str, Any], exercise: Exercise) -> str:
    """Per-rep or per-step table, rows and cells with faults highlighted."""
    steps = bool(report["steps"])
    items = report["steps"] if steps else report["reps"]
    if not items:
        return f"<h2>{'Steps' if steps else 'Reps'}</h2><p>No complete {'step' if steps else 'rep'} was found.</p>"
    cols = table_columns(report, exercise)
    labels = metric_labels(exercise)
    head = ["#", "side"] + (["contact (s)", "toe-off (s)"] if steps else ["set", "time (s)"])
    head += [labels.get(c, c) for c in cols] + ["verdict"]
    rows = []
    for it in items:
        sev = {f["metric"]: f["severity"] for f in it["faults"] if f["severity"] == "fault"}
        for f in it["faults"]:
            sev.setdefault(f["metric"], f["severity"])
        verdict = it.get("verdict") or "not judged"
        cls = "unscorable" if not it["scorable"] else verdict.replace(" ", "-")
        cells = [f'<td class="num">{it["index"]}</td>', f"<td>{esc(it.get('side') or '–')}</td>"]
        if steps:
            cells += [
                f'<td class="num">{esc(fmt_value(it["ic_s"]))}</td>',
                f'<td class="num">{esc(fmt_value(it["to_s"]))}</td>',
            ]
        else:
            cells += [
                f'<td class="num">{it["set"]}</td>',
                f'<td class="num">{it["start_s"]:.1f}–{it["end_s"]:.1f}</td>',
            ]
        if not it["scorable"]:
            cells += ["<td>–</td>"] * len(cols) + [f"<td>not scorable: {esc(it['reason'])}</td>"]
        else:
            for c in cols:
                s = sev.get(c, "")
                value = exercise.metric(c).format(it["metrics"].get(c), unit=False)
                cells.append(f'<td class="num {s}">{esc(value)}</td>')
            faults = "<br>".join(
                f'<span class="{f["severity"]}" data-fault="{esc(f["code"])}">{esc(f["message"])}</span> '
                f'<span class="code">({esc(f["code"])}, {esc(f["severity"])})</span>'
                for f in it["faults"]
            )
            if not faults:
                faults = (
                    f'<span class="not-judged">not judged: {esc(it.get("verdict_reason") or "")}</span>'
                    if verdict == "not judged"
                    else f'<span class="{verdict}">{verdict}</span>'
                )
            cells.append(f"<td>{faults}</td>")
        kind = "step" if steps else "rep"
        rows.append(f'<tr class="{kind} {cls}" data-index="{it["index"]}">{"".join(cells)}</tr>')
    header = "".join(f"<th>{esc(h)}</th>" for h in head)
    title = "Steps" if steps else "Reps"
    table = f'<table class="items" id="items"><thead><tr>{header}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
    return f'<h2>{title}</h2><div class="wide">{table}</div>'


def side_means_section(report: Mapping[str, Any], exercise: Exercise) -> str:
    """Mean of each table metric per side (left vs right), over scorable reps/steps."""
    from hipform.compare import side_means

    means = side_means(report, exercise.metrics)
    sides = sorted({s for s, _ in means}, key=lambda s: {"left": 0, "right": 1}.get(s, 2))
    cols = table_columns(report, exercise)
    if len(sides) < 1 or not cols:
        return ""
    labels = metric_labels(exercise)
    head = "".join(f"<th>{esc(s)}</th>" for s in sides)
    rows = []
    for c in cols:
        vals = []
        for s in sides:
            m = means.get((s, c))
            vals.append(
                f'<td class="num">{esc(exercise.metric(c).format(m[0]))} <span class=code>(n={m[1]})</span></td>'
                if m
                else "<td>–</td>"
            )
        rows.append(f"<tr><th>{esc(labels.get(c, c))}</th>{''.join(vals)}</tr>")
    return f'<h2>Left and right</h2><table class="sides"><tr><th>mean per side</th>{head}</tr>{"".join(rows)}</table>'


def judged_section(report: Mapping[str, Any], exercise: Exercise) -> str:
    """What was not judged and why (each reason once); unscorable reps/steps; notes; data quality."""
    parts = []
    groups = not_judged_groups(report, exercise)
    if groups:
        parts.append(
            "<ul>"
            + "".join(f"<li><b>{esc(', '.join(names))}</b>: {esc(reason)}</li>" for reason, names in groups)
            + "</ul>"
        )
    else:
        parts.append("<p>Every measure of this exercise could be judged from this camera view.</p>")
    bad = [it for it in report["reps"] + report["steps"] if not it["scorable"]]
    if bad:
        kind = "Step" if report["steps"] else "Rep"
        parts.append(
            "<ul>" + "".join(f"<li>{kind} {it['index']} not scored: {esc(it['reason'])}</li>" for it in bad) + "</ul>"
        )
    if report.get("notes"):
        parts.append('<ul class="note">' + "".join(f"<li>{esc(n)}</li>" for n in report["notes"]) + "</ul>")
    dq = report.get("data_quality") or {}
    if dq:
        parts.append(
            '<table class="quality">'
            + "".join(
                f"<tr><th>{esc(k.replace('_', ' '))}</th><td>{esc(fmt_quality(k, v))}</td></tr>" for k, v in dq.items()
            )
            + "</table>"
        )
    return '<h2>What was not judged, and why</h2><div id="not-judged">' + "".join(parts) + "</div>"


def fmt_quality(name: str, v: Any) -> str:
    """A data-quality figure: shares as percentages, counts as whole numbers, yes/no for flags."""
    if v is None:
        return "–"
    if name.startswith("frames_with"):
        return f"{100 * float(v):.0f}% of frames"
    if name == "lowpass_applied":
        return "yes" if v else "no"
    if float(v).is_integer():
        return str(int(v))
    return fmt_value(v)


def thresholds_section(report: Mapping[str, Any]) -> str:
    """The thresholds the faults were judged against (defaults or the clinician's)."""
    th = report.get("thresholds") or {}
    if not th:
        return ""
    from hipform.session import clinician_thresholds

    mine = clinician_thresholds(report)
    rows = "".join(
        f'<tr class="clinician"><th>{esc(k)}</th><td class=num>{esc(fmt_value(v))}</td>'
        f"<td>clinician's (default {mine[k][1]:g})</td></tr>"
        if k in mine
        else f"<tr><th>{esc(k)}</th><td class=num>{esc(fmt_value(v))}</td><td>default</td></tr>"
        for k, v in th.items()
    )
    return f'<h2>Thresholds used</h2><table class="thresholds">{rows}</table>'


def pictures_sections(images: ReportImages) -> str:
    """The key plot, the per-side plots and the stills."""
    out = ["<h2>Over time</h2>"]
    if images.key_plot:
        out.append(
            f'<figure id="key-plot">{img_tag(images.key_plot, "key angle over time")}'
            "<figcaption>Shaded: each rep (green ok, orange warning, red fault, grey not judged), numbered; "
            "dotted line: deepest point; dashed lines: thresholds.</figcaption></figure>"
        )
    else:
        out.append(f'<p class="note" id="key-plot-missing">{esc(images.key_note or NO_SERIES)}</p>')
    if images.side_plots:
        out.append('<div class="side-plots">')
        for title, png in images.side_plots:
            out.append(f'<figure class="side-plot">{img_tag(png, title)}<figcaption>{esc(title)}</figcaption></figure>')
        out.append("</div>")
    if images.stills or images.stills_note:
        out.append("<h2>Frames</h2>")
        if images.stills_note:
            out.append(f'<p class="note">{esc(images.stills_note)}</p>')
        out.append('<div class="stills">')
        for cap, jpg in images.stills:
            out.append(
                f'<figure class="still">{img_tag(jpg, cap, "image/jpeg")}<figcaption>{esc(cap)}</figcaption></figure>'
            )
        out.append("</div>")
    return "".join(out)


def render_report_html(
    report: Mapping[str, Any],
    exercise: Exercise,
    images: ReportImages | None = None,
    extras: PageExtras | None = None,
) -> str:
    """The whole ``report.html`` from a report dict and its pictures.

    Parameters
    ----------
    report : dict
        ``report.json`` content.
    exercise : Exercise
    images : ReportImages, optional
    extras : PageExtras, optional
        Session header, embedded video and print page size
        (:mod:`hipform.render.page_extras`).

    Returns
    -------
    str
        A self-contained HTML document.
    """
    from hipform.render import page_extras as px
    from hipform.session import clinician_thresholds

    images = images or ReportImages(key_note=NO_SERIES)
    extras = extras or PageExtras()
    session = report.get("session") or {}
    parts = [
        ("title", f"<h1>{esc(exercise.title)}: form report</h1>"
                  f'<p class="note">{esc(report.get("source") or "")}</p>'),
        ("session", px.session_header(session, clinician_thresholds(report))),
        ("summary", summary_section(report, exercise)),
        ("facts", facts_section(report, exercise)),
        ("headline", headline_section(report, exercise)),
        ("items", items_section(report, exercise)),
        ("video", px.video_section(extras.video_mp4, report) if extras.video_mp4 else ""),
        ("sides", side_means_section(report, exercise)),
        ("pictures", pictures_sections(images)),
        ("judged", judged_section(report, exercise)),
        ("thresholds", thresholds_section(report)),
    ]
    body = "\n".join(f'<section class="part-{name}">{b}</section>' for name, b in parts if b)
    css = px.PRINT_CSS + px.print_css(report, session, extras.paper)
    return page(f"{exercise.title} — hipform report", body, css)


# building the pictures -----------------------------------------------------------------
def key_series_of(analysis: Analysis) -> KeySeries | None:
    """The exercise's per-frame key series on the cleaned sequence, or None.

    None too when the series' metric was not judged in this clip (e.g. a frontal measure
    filmed from an oblique camera): a plot or live value would show what the report
    declined to judge.
    """
    from hipform.exercises import get_exercise

    ex = get_exercise(analysis.report.exercise)
    if ex.key_series is None:
        return None
    key = ex.key_series(analysis.prepared.smoothed, analysis.options)
    if key is not None and not_judged_reason(analysis.report.to_dict(), key) is not None:
        return None
    return key


def not_judged_reason(report: Mapping[str, Any], key: KeySeries) -> str | None:
    """Why the key series' metric was not judged in this report, or None when it was."""
    for n in report["not_judged"]:
        if key.metric and n["metric"] == key.metric:
            return n["reason"]
    return None


def build_images(
    report: Mapping[str, Any],
    exercise: Exercise,
    seq: PoseSequence,
    key: KeySeries | None,
    video: Path | None,
    blur_faces: bool = False,
) -> ReportImages:
    """Plots and stills of one report.

    Parameters
    ----------
    report : dict
        ``report.json`` content.
    exercise : Exercise
    seq : PoseSequence
        The cleaned sequence the report was measured on.
    key : KeySeries or None
        From the exercise's ``key_series`` hook.
    video : Path or None
        Source video for the stills; None draws them on a blank canvas.
    blur_faces : bool
        Blur the face in the stills.
    """
    from hipform.render import plots

    images = ReportImages()
    if key is not None and key.series:
        fig = plots.key_series_figure(seq.t, key, report["reps"], report["steps"])
        images.key_plot = plots.figure_png(fig)
    elif exercise.key_series is None:
        images.key_note = NO_SERIES
    else:
        images.key_note = (
            "The key measure was not judged in this clip, so it is not plotted over time "
            "(see what was not judged, below)."
        )
    if report["steps"]:
        labels = metric_labels(exercise)
        cols = table_columns(report, exercise)
        chosen = [c for c in cols if exercise.metric(c).comparable]
        for c in chosen[:3]:
            spec = exercise.metric(c)
            fig = plots.steps_by_side_figure(report["steps"], c, labels.get(c, c), spec.unit)
            if fig is not None:
                images.side_plots.append((f"{labels.get(c, c)} per step, left vs right", plots.figure_png(fig)))
    images.stills, images.stills_note = build_stills(report, exercise, seq, video, blur_faces)
    return images


def build_stills(
    report: Mapping[str, Any], exercise: Exercise, seq: PoseSequence, video: Path | None, blur_faces: bool = False
) -> tuple[list[tuple[str, bytes]], str]:
    """JPEG stills with skeleton and metric lines, and a note on their source."""
    from hipform.render import stills

    wanted = stills.still_times(report)
    if not wanted:
        return [], ""
    frames = [stills.frame_for_time(seq, t) for _, _, t in wanted]
    decoded = stills.read_frames(video, frames) if video is not None else {}
    if blur_faces:
        from hipform.render.privacy import blur_face

        decoded = {f: blur_face(img, seq, f) for f, img in decoded.items()}
    moment = "Each step at toe-off" if report["steps"] else "Each rep at its deepest point"
    note = (
        f"{moment}: the skeleton found by the pose model, and the lines between the landmarks each measure "
        "uses, with the value the report holds (green ok, orange warning, red fault)."
    )
    if video is None:
        note += " The input was a landmark file, so the skeleton is drawn on a blank background."
    cols = table_columns(report, exercise)
    out = []
    for (caption, item, _), f in zip(wanted, frames, strict=True):
        base = decoded.get(f)
        if base is None or base.shape[1::-1] != tuple(seq.image_size):
            base = stills.blank_frame(seq)
        lines = stills.angle_lines_for_item(item, [exercise.metric(c) for c in cols])
        img = stills.render_still(base, seq, f, lines)
        out.append((caption, stills.encode_jpeg(img)))
    return out, note


def build_report_html(
    analysis: Analysis, video: Path | None = None, key: KeySeries | None = None, extras: PageExtras | None = None
) -> str:
    """``report.html`` for an analysis (the exercise's key series is computed when not given)."""
    from hipform.exercises import get_exercise

    ex = get_exercise(analysis.report.exercise)
    report = analysis.report.to_dict()
    if key is None:
        key = key_series_of(analysis)
    extras = extras or PageExtras()
    images = build_images(report, ex, analysis.prepared.smoothed, key, video, extras.blur_faces)
    return render_report_html(report, ex, images, extras)


def write_outputs(
    analysis: Analysis,
    out_dir: str | Path,
    video: Path | None = None,
    *,
    annotated: bool = False,
    extras: PageExtras | None = None,
) -> list[Path]:
    """Write ``report.html`` (always) and ``annotated.mp4`` (when asked and the input is a video).

    Parameters
    ----------
    analysis : Analysis
        Report, cleaned sequence and options.
    out_dir : str or Path
    video : Path or None
        Source video; None for a landmark-file input.
    annotated : bool
        Also write the annotated video, and embed it in the page.
    extras : PageExtras, optional
        Face blurring and print page size (the video is filled in here).

    Returns
    -------
    list of Path
        Files written.
    """
    import dataclasses

    from hipform.landmark_io import write_text_atomic

    out = Path(out_dir)
    extras = extras or PageExtras()
    key = key_series_of(analysis)
    written = []
    if annotated:
        from hipform.errors import InputError
        from hipform.render.video import write_annotated_video

        if video is None:
            raise InputError("--video needs a video input (a landmark CSV has no frames to annotate)")
        write_annotated_video(
            video, analysis.prepared.smoothed, analysis.report.to_dict(), key, out / ANNOTATED_MP4,
            blur_faces=extras.blur_faces,
        )
        written.append(out / ANNOTATED_MP4)
        extras = dataclasses.replace(extras, video_mp4=(out / ANNOTATED_MP4).read_bytes())
    write_text_atomic(out / REPORT_HTML, build_report_html(analysis, video, key, extras))
    written.insert(0, out / REPORT_HTML)
    return written
