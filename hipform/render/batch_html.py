"""``hipform report results/``: one self-contained HTML page across the clips of a batch.

Reads the batch ``summary.csv`` (one row per clip, whatever its columns) and, where a
row points at a clip's report folder, that clip's ``report.json``. The page shows the
summary table as written (failed rows highlighted) and plots hip extension by side
across clips, from the per-side means of each clip's report (or from summary columns
named like ``*hip_extension*left*`` / ``*right*`` when no report is found).
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hipform.errors import InputError
from hipform.render.html import data_uri, esc, page

SUMMARY_CSV = "summary.csv"
PATH_COLUMNS = ("out_dir", "output_dir", "out", "output", "folder", "report_dir", "report", "report_json", "dir")
"""Column names that may hold a clip's report folder (or report.json), checked in order."""
CLIP_COLUMNS = ("clip", "input", "video", "file", "source", "name", "path")
"""Column names that may hold the clip's name, checked in order."""
STATUS_COLUMNS = ("status", "error", "result")
BAD_STATUS = ("error", "failed", "fail")


@dataclass
class Batch:
    """A batch results folder as read from disk.

    Attributes
    ----------
    folder : Path
        Folder of ``summary.csv``.
    columns : list of str
        Columns of ``summary.csv``.
    rows : list of dict
        Its rows (strings).
    reports : list of dict or None
        Each row's ``report.json`` when one was found.
    report_paths : list of Path or None
        Where each report was found.
    """

    folder: Path
    columns: list[str]
    rows: list[dict[str, str]]
    reports: list[dict[str, Any] | None] = field(default_factory=list)
    report_paths: list[Path | None] = field(default_factory=list)

    def clip_name(self, i: int) -> str:
        """Name of the clip of row ``i``."""
        row = self.rows[i]
        for c in CLIP_COLUMNS:
            if row.get(c):
                return Path(row[c]).name
        rep = self.reports[i]
        return str(rep.get("source")) if rep and rep.get("source") else f"row {i + 1}"


def load_batch(path: str | Path) -> Batch:
    """Read ``summary.csv`` (a folder holding it, or the file) and the reports it points at.

    Raises
    ------
    InputError
        When there is no ``summary.csv`` or it has no header.
    """
    p = Path(path)
    csv_path = p / SUMMARY_CSV if p.is_dir() else p
    if not csv_path.is_file():
        raise InputError(f"no {SUMMARY_CSV} found at {csv_path} (run `hipform batch` first)")
    try:
        with csv_path.open(newline="", encoding="utf-8") as f:
            reader = csv.DictReader(f)
            columns = list(reader.fieldnames or [])
            rows = [dict(r) for r in reader]
    except (UnicodeDecodeError, csv.Error) as e:
        raise InputError(f"{csv_path}: not a readable CSV ({e})") from None
    if not columns:
        raise InputError(f"{csv_path}: empty file, expected a header row")
    batch = Batch(csv_path.parent, columns, rows)
    for row in rows:
        found = find_report(batch.folder, row)
        batch.report_paths.append(found)
        batch.reports.append(_read(found) if found else None)
    return batch


def _read(path: Path) -> dict[str, Any] | None:
    from hipform.report_io import read_report

    try:
        return read_report(path)
    except InputError:
        return None


def find_report(folder: Path, row: dict[str, str]) -> Path | None:
    """The ``report.json`` a summary row points at, or None.

    Looks at path-like columns (:data:`PATH_COLUMNS`), then, from the clip column, at
    the folder ``hipform batch`` writes (``a/b.mp4`` -> ``a/b_mp4/``), at
    ``<clip stem>_hipform/`` (``analyze``'s default) and at ``<clip stem>/``, all inside
    the batch folder.
    """
    candidates: list[Path] = []
    for c in PATH_COLUMNS:
        if row.get(c):
            candidates.append(Path(row[c]))
    for c in CLIP_COLUMNS:
        if row.get(c):
            clip = Path(row[c])
            candidates += [
                clip.parent / clip.name.replace(".", "_"),
                clip.parent / f"{clip.stem}_hipform",
                clip.parent / clip.stem,
            ]
            break
    for cand in candidates:
        for base in (cand, folder / cand):
            r = base / "report.json" if base.suffix != ".json" else base
            if r.is_file():
                return r
    return None


ACROSS_CLIPS = ("peak_hip_extension_deg", "peak_hip_extension_vs_trunk_deg")
"""Measures plotted per side across the clips of a batch (where a clip's exercise reports them)."""


def hip_extension_by_side(batch: Batch) -> dict[str, dict[str, list[float | None]]]:
    """Measure title -> side -> one value per clip (None where missing).

    The mean per side over each clip's scorable steps (or reps), from its report; the
    measures and their names come from the clip's exercise in the catalogue. Rows without
    a report have no value.
    """
    from hipform.compare import side_means
    from hipform.errors import InputError
    from hipform.render.summary import exercise_of

    out: dict[str, dict[str, list[float | None]]] = {}
    n = len(batch.rows)
    for i, rep in enumerate(batch.reports):
        if rep is None:
            continue
        try:
            ex = exercise_of(rep)
        except (InputError, KeyError):  # a report of an exercise this version does not know
            continue
        measures = tuple(m for m in ex.metrics if m.name in ACROSS_CLIPS)
        for (side, metric), (mean, _) in side_means(rep, measures).items():
            if side in ("left", "right"):
                title = ex.metric(metric).header()
                out.setdefault(title, {"left": [None] * n, "right": [None] * n})[side][i] = mean
    return out


def _number(v: str | None) -> float | None:
    try:
        x = float(v) if v not in (None, "") else None
    except ValueError:
        return None
    return x if x is not None and math.isfinite(x) else None


def _row_class(row: dict[str, str]) -> str:
    for c in STATUS_COLUMNS:
        v = (row.get(c) or "").lower()
        if c == "error" and v:
            return "fault"
        if any(b in v for b in BAD_STATUS):
            return "fault"
    return ""


def render_batch_html(batch: Batch) -> str:
    """The batch page: the summary table (one row per clip) and the across-clip plots."""
    from hipform.render import plots

    parts = [
        "<h1>Batch summary</h1>",
        f'<p class="note">{esc(batch.folder)}: {len(batch.rows)} clips; '
        f"{sum(r is not None for r in batch.reports)} with a report.</p>",
    ]
    head = "<th>report</th>" + "".join(f"<th>{esc(c)}</th>" for c in batch.columns)
    rows = []
    for i, row in enumerate(batch.rows):
        cells = "".join(
            f'<td class="num">{esc(row.get(c) or "")}</td>'
            if _number(row.get(c)) is not None
            else f"<td>{esc(row.get(c) or '')}</td>"
            for c in batch.columns
        )
        rp = batch.report_paths[i]
        link = "–"
        if rp is not None and (rp.parent / "report.html").is_file():
            rel = _relative(rp.parent / "report.html", batch.folder)
            link = f'<a href="{esc(rel)}">report.html</a>'
        rows.append(f'<tr class="clip {_row_class(row)}"><td>{link}</td>{cells}</tr>')
    parts.append(f'<h2>Clips</h2><div class="wide"><table id="clips"><tr>{head}</tr>{"".join(rows)}</table></div>')
    hip = hip_extension_by_side(batch)
    parts.append("<h2>Hip extension by side across clips</h2>")
    if not hip:
        parts.append('<p class="note">No clip in this batch has a hip-extension measure (running or walking).</p>')
    clips = [batch.clip_name(i) for i in range(len(batch.rows))]
    for metric, by_side in hip.items():
        fig = plots.clips_by_side_figure(clips, by_side, f"{metric} (mean per clip)")
        png = plots.figure_png(fig)
        parts.append(
            f'<figure class="batch-plot"><img src="{data_uri(png, "image/png")}" alt="{esc(metric)}">'
            f"<figcaption>{esc(metric)}: mean over each clip's scorable steps, left and right</figcaption></figure>"
        )
    from hipform.render.page_extras import BATCH_PRINT_CSS

    return page("hipform batch summary", "\n".join(parts), BATCH_PRINT_CSS)


def _relative(target: Path, base: Path) -> str:
    try:
        return target.resolve().relative_to(base.resolve()).as_posix()
    except ValueError:
        return target.resolve().as_posix()
