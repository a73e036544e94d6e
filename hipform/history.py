"""``hipform history``: one subject's sessions over time, per measure and side.

Each session (a report folder) is reduced, per side and measure, to the mean over its
scorable reps or steps, with the standard deviation (the spread within the session) and
the count. Sessions are ordered by their session date (``report.json`` ``session.date``).
Each change from one session to the next, and from the first to the last, is judged with
:mod:`hipform.compare` (its smallest real change and better direction per measure), so the
history and ``hipform compare`` always agree.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hipform.compare import SIDE_ORDER, fmt, rule_for, summary_figures, verdict, words
from hipform.errors import InputError


@dataclass(frozen=True)
class SessionPoint:
    """One measure on one side in one session.

    Attributes
    ----------
    mean : float or None
        Mean over the session's scorable reps/steps (None when not measured).
    sd : float or None
        Sample standard deviation (None with fewer than 2 values).
    n : int
        Reps or steps averaged.
    """

    mean: float | None
    sd: float | None
    n: int


@dataclass
class MeasureHistory:
    """A measure on one side across the sessions, with its verdicts.

    Attributes
    ----------
    side, metric, label : str
    points : list of SessionPoint
        One per session, in session order.
    smallest_real_change : float
    better : {"lower", "higher"} or None
    steps : list of str or None
        Verdict of each change from the previous measured session (None for the first
        session and where not measured).
    overall : str or None
        Verdict from the first to the last measured session.
    """

    side: str
    metric: str
    label: str
    points: list[SessionPoint]
    smallest_real_change: float
    better: str | None
    steps: list[str | None] = field(default_factory=list)
    overall: str | None = None

    def measured(self) -> list[int]:
        """Indices of the sessions where the measure has a value."""
        return [i for i, p in enumerate(self.points) if p.mean is not None]

    def sentence(self) -> str:
        """E.g. ``left knee valgus fell from 14.0° to 8.0° over 4 sessions: a real change (a real improvement)``."""
        who = "" if self.side in ("all", "session") else f"{self.side} "
        idx = self.measured()
        head = f"{who}{self.label}"
        if len(idx) < 2:
            return f"{head}: measured in {len(idx)} of {len(self.points)} sessions, no change to judge"
        a, b = self.points[idx[0]].mean, self.points[idx[-1]].mean
        assert a is not None and b is not None
        span = f"over {len(idx)} sessions" + (f" (measured in {len(idx)} of {len(self.points)})"
                                              if len(idx) < len(self.points) else "")
        if self.overall == "within measurement error":
            return (f"{head} went from {fmt(a, self.metric)} to {fmt(b, self.metric)} {span}: within measurement "
                    f"error (smaller than {fmt(self.smallest_real_change, self.metric)})")
        move = "rose" if b > a else "fell"
        values = f"from {fmt(a, self.metric)} to {fmt(b, self.metric)}"
        return f"{head} {move} {values} {span}: a real change ({self.overall})"


@dataclass
class History:
    """Everything ``hipform history`` shows."""

    exercise: str
    subject: str
    sessions: list[dict[str, Any]]
    measures: list[MeasureHistory]
    notes: list[str] = field(default_factory=list)


def item_values(report: Mapping[str, Any]) -> dict[tuple[str, str], list[float]]:
    """(side, metric) -> values over the scorable reps/steps (same selection as ``compare.side_means``)."""
    acc: dict[tuple[str, str], list[float]] = {}
    for it in list(report.get("reps", [])) + list(report.get("steps", [])):
        if not it.get("scorable", True):
            continue
        side = it.get("side") or "all"
        for m, v in it.get("metrics", {}).items():
            if v is None or not math.isfinite(float(v)):
                continue
            acc.setdefault((side, m), []).append(float(v))
    return acc


def _point(values: Sequence[float] | None) -> SessionPoint:
    if not values:
        return SessionPoint(None, None, 0)
    n = len(values)
    mean = sum(values) / n
    sd = math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1)) if n > 1 else None
    return SessionPoint(mean, sd, n)


def order_sessions(reports: Sequence[Mapping[str, Any]], names: Sequence[str]) -> tuple[list[int], list[str]]:
    """Session order by session date; the order given when no report has a date.

    Raises
    ------
    InputError
        When only some reports have a session date (the order would be a guess).
    """
    dates = [(r.get("session") or {}).get("date") for r in reports]
    if all(dates):
        return sorted(range(len(reports)), key=lambda i: (dates[i], i)), []
    if not any(dates):
        return list(range(len(reports))), ["no session has a date: sessions are in the order given"]
    missing = ", ".join(n for n, d in zip(names, dates, strict=True) if not d)
    raise InputError(f"some sessions have no session date ({missing}): give every analysis --session-date")


def build_history(
    reports: Sequence[Mapping[str, Any]],
    names: Sequence[str] | None = None,
    overrides: Mapping[str, float] | None = None,
) -> History:
    """The history of one exercise over several sessions.

    Parameters
    ----------
    reports : sequence of dict
        ``report.json`` contents, one per session.
    names : sequence of str, optional
        Folder names, for messages and the table.
    overrides : mapping, optional
        Metric name -> smallest real change (the TOML ``[compare]`` table).

    Raises
    ------
    InputError
        Fewer than two sessions, different exercises or subjects, or dates on only some.
    """
    names = list(names or [str(r.get("source", "")) for r in reports])
    if len(reports) < 2:
        raise InputError("history needs at least two sessions (report folders)")
    exercises = {r.get("exercise") for r in reports}
    if len(exercises) > 1:
        raise InputError(f"sessions are of different exercises: {', '.join(sorted(map(str, exercises)))}")
    subjects = {(r.get("session") or {}).get("subject") for r in reports} - {None}
    if len(subjects) > 1:
        raise InputError(f"sessions are of different subjects: {', '.join(sorted(subjects))}")
    order, notes = order_sessions(reports, names)
    reports = [reports[i] for i in order]
    names = [names[i] for i in order]
    per = [item_values(r) for r in reports]
    summ = [summary_figures(r) for r in reports]
    keys = sorted({k for p in per for k in p}, key=lambda k: (SIDE_ORDER.get(k[0], 9), k[1]))
    skeys = sorted({k for s in summ for k in s} - set(keys), key=lambda k: (SIDE_ORDER.get(k[0], 9), k[1]))
    measures = []
    for key in keys + skeys:
        side, metric = key
        pts = [_point(p.get(key)) if key in keys else _point([s[key]] if key in s else None)
               for p, s in zip(per, summ, strict=True)]
        rule = rule_for(metric, overrides)
        mh = MeasureHistory(side, metric, words(metric), pts, rule.smallest_real_change, rule.better)
        prev = None
        for p in pts:
            if p.mean is None:
                mh.steps.append(None)
                continue
            mh.steps.append(None if prev is None else verdict(prev, p.mean, rule))
            prev = p.mean
        idx = mh.measured()
        if len(idx) >= 2:
            mh.overall = verdict(pts[idx[0]].mean, pts[idx[-1]].mean, rule)  # type: ignore[arg-type]
        measures.append(mh)
    sessions = [
        {"name": n, "date": (r.get("session") or {}).get("date") or "", "source": r.get("source") or "",
         "note": (r.get("session") or {}).get("note") or "", "view": r.get("view") or ""}
        for n, r in zip(names, reports, strict=True)
    ]
    views = {s["view"] for s in sessions}
    if len(views) > 1:
        notes.append(f"camera view differs between sessions ({', '.join(sorted(views))}): compare with care")
    return History(str(next(iter(exercises))), next(iter(subjects), "") or "", sessions, measures, notes)


def history_csv(h: History) -> str:
    """One row per measure, side and session."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["subject", "exercise", "side", "metric", "session", "date", "source", "mean", "sd", "n",
                "smallest_real_change", "change_from_previous"])
    for m in h.measures:
        for s, p, step in zip(h.sessions, m.points, m.steps, strict=True):
            w.writerow([h.subject, h.exercise, m.side, m.metric, s["name"], s["date"], s["source"],
                        "" if p.mean is None else round(p.mean, 4), "" if p.sd is None else round(p.sd, 4), p.n,
                        m.smallest_real_change, step or ""])
    return buf.getvalue()


def load_sessions(folders: Sequence[str | Path]) -> tuple[list[dict[str, Any]], list[str]]:
    """``report.json`` of each folder and the folders' names."""
    from hipform.report_io import read_report

    return [read_report(f) for f in folders], [Path(f).name or str(f) for f in folders]
