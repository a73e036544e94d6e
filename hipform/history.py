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

from hipform.compare import MIN_N, SIDE_ORDER, session_figures, side_values, smallest_real_change, verdict
from hipform.errors import InputError
from hipform.measures import Measure


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
    side, metric : str
    measure : Measure
        The catalogue entry (plain name, unit, precision, direction).
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
    measure: Measure
    points: list[SessionPoint]
    smallest_real_change: float
    better: str | None
    steps: list[str | None] = field(default_factory=list)
    overall: str | None = None

    @property
    def label(self) -> str:
        """The measure's plain name."""
        return self.measure.title

    def fmt(self, v: float | None) -> str:
        """A value in the measure's unit and precision."""
        return self.measure.format(v)

    def measured(self) -> list[int]:
        """Indices of the sessions where the measure has a value."""
        return [i for i, p in enumerate(self.points) if p.mean is not None]

    def sentence(self) -> str:
        """E.g. ``left knee valgus angle (FPPA) fell from 14.0° to 8.0° over 4 sessions: a real change (...)``."""
        who = "" if self.side in ("all", "session") or self.measure.side else f"{self.side} "
        idx = self.measured()
        head = f"{who}{self.label}"
        if len(idx) < 2:
            return f"{head}: measured in {len(idx)} of {len(self.points)} sessions, no change to judge"
        a, b = self.points[idx[0]].mean, self.points[idx[-1]].mean
        assert a is not None and b is not None
        span = f"over {len(idx)} sessions" + (f" (measured in {len(idx)} of {len(self.points)})"
                                              if len(idx) < len(self.points) else "")
        if self.overall == "within measurement error":
            return (f"{head} went from {self.fmt(a)} to {self.fmt(b)} {span}: within measurement "
                    f"error (smaller than {self.fmt(self.smallest_real_change)})")
        if self.overall == "too few reps to tell":
            return (f"{head} went from {self.fmt(a)} to {self.fmt(b)} {span}: too few reps to tell "
                    f"(a mean needs at least {MIN_N} per session)")
        move = "rose" if b > a else "fell"
        values = f"from {self.fmt(a)} to {self.fmt(b)}"
        return f"{head} {move} {values} {span}: a real change ({self.overall})"


@dataclass
class History:
    """Everything ``hipform history`` shows."""

    exercise: str
    subject: str
    sessions: list[dict[str, Any]]
    measures: list[MeasureHistory]
    notes: list[str] = field(default_factory=list)


def _judge(old: SessionPoint, new: SessionPoint, measure: Measure, src: float) -> str:
    """A change between two sessions: too few reps, or :func:`hipform.compare.verdict`."""
    if min(old.n, new.n) < MIN_N:
        return "too few reps to tell"
    return verdict(old.mean, new.mean, measure, src)  # type: ignore[arg-type]


def _point(values: Sequence[float] | None) -> SessionPoint:
    if not values:
        return SessionPoint(None, None, 0)
    n = len(values)
    mean = sum(values) / n
    sd = math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1)) if n > 1 else None
    return SessionPoint(mean, sd, n)


def _session_point(
    key: tuple[str, str],
    per_item: Mapping[tuple[str, str], list[float]],
    session: Mapping[tuple[str, str], tuple[float, int]],
    is_item_measure: bool,
) -> SessionPoint:
    """One session's point of a measure: from its reps/steps, or a session figure with its count."""
    if is_item_measure:
        return _point(per_item.get(key))
    if key in session:
        return SessionPoint(session[key][0], None, session[key][1])
    return _point(None)


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
    from hipform.exercises import get_exercise

    ex = get_exercise(str(next(iter(exercises))))
    catalogue = {m.name: m for m in (*ex.metrics, *ex.session_measures)}
    order, notes = order_sessions(reports, names)
    reports = [reports[i] for i in order]
    names = [names[i] for i in order]
    per = [side_values(r, ex.metrics) for r in reports]
    summ = [session_figures(r, ex.session_measures) for r in reports]
    keys = sorted({k for p in per for k in p}, key=lambda k: (SIDE_ORDER.get(k[0], 9), k[1]))
    skeys = sorted({k for s in summ for k in s} - set(keys), key=lambda k: (SIDE_ORDER.get(k[0], 9), k[1]))
    measures = []
    for key in keys + skeys:
        side, metric = key
        pts = [_session_point(key, p, s, key in keys) for p, s in zip(per, summ, strict=True)]
        measure = catalogue[metric]
        src, _ = smallest_real_change(measure, overrides)
        mh = MeasureHistory(side, metric, measure, pts, src, measure.better)
        prev = None
        for p in pts:
            if p.mean is None:
                mh.steps.append(None)
                continue
            mh.steps.append(None if prev is None else _judge(prev, p, measure, src))
            prev = p
        idx = mh.measured()
        if len(idx) >= 2:
            mh.overall = _judge(pts[idx[0]], pts[idx[-1]], measure, src)
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
