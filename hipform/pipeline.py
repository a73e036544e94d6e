"""The one pipeline shared by ``analyze``, ``batch`` and ``live``.

landmarks (video via a pose backend, or a landmark CSV) -> visibility threshold ->
whole-body flip repair, glitch-frame removal and leg swap repair (>= 20 fps) -> gap interpolation ->
zero-lag low-pass ->
the exercise module -> :class:`~hipform.results.Report` -> files.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

import hipform
from hipform.cleaning import drop_glitch_frames, interpolate_gaps, lowpass, repair_left_right_swaps
from hipform.config import load_toml, resolve_thresholds
from hipform.errors import InputError, NoPersonError
from hipform.exercises import AnalysisOptions, Exercise, available_exercises, get_exercise
from hipform.flip_repair import repair_body_flips
from hipform.results import Report
from hipform.sequence import PoseSequence
from hipform.verdicts import assign_verdicts

LANDMARK_SUFFIXES = (".csv",)
MIN_SWAP_REPAIR_FPS = 20.0
"""Left/right swap repair needs frames close enough in time that limbs move little between them."""
ProgressCallback = Callable[[int, int], None]


@dataclass(frozen=True)
class Settings:
    """Everything a user chooses for one analysis.

    Attributes
    ----------
    exercise : str
    side : {"auto", "left", "right"}
    view : str
        ``auto`` or a view name.
    model : {"lite", "full", "heavy"}
    single_leg : bool or None
    overrides : mapping
        Threshold overrides as read from a TOML file.
    """

    exercise: str
    side: str = "auto"
    view: str = "auto"
    model: str = "full"
    single_leg: bool | None = None
    overrides: Mapping[str, Mapping[str, float]] | None = None

    @classmethod
    def from_cli(cls, exercise: str, *, config: str | Path | None = None, **kw: object) -> Settings:
        """Build settings, reading the TOML file when given, and checking the exercise name."""
        get_exercise(exercise)
        overrides = load_toml(config) if config else None
        settings = cls(exercise=exercise, overrides=overrides, **kw)  # type: ignore[arg-type]
        settings.thresholds()  # a bad key or value stops here, before any pose work
        return settings

    def thresholds(self) -> dict[str, float]:
        """Thresholds of the chosen exercise, defaults merged with overrides."""
        ex = get_exercise(self.exercise)
        return resolve_thresholds(
            ex.name, ex.thresholds, self.overrides, known_exercises=available_exercises()
        )


def is_landmark_file(path: str | Path) -> bool:
    """True when the input is a landmark CSV rather than a video."""
    return Path(path).suffix.lower() in LANDMARK_SUFFIXES


def load_sequence(
    path: str | Path, model: str = "full", progress: ProgressCallback | None = None
) -> PoseSequence:
    """Landmarks of a clip: extracted from a video, or read from a landmark CSV.

    Raises
    ------
    InputError
        Missing or unreadable input; NoPersonError when nobody is found.
    """
    p = Path(path)
    if not p.exists():
        raise InputError(f"input not found: {p}")
    if p.is_dir():
        raise InputError(f"input is a folder, expected a video or a landmark CSV: {p}")
    if is_landmark_file(p):
        from hipform.landmark_io import read_landmarks_csv

        seq = read_landmarks_csv(p)
    else:
        from hipform.extract import extract_poses
        from hipform.input_checks import refuse_single_frame, refuse_still_image

        refuse_still_image(p)  # a photo is not a 1-frame clip at an invented frame rate
        seq = extract_poses(p, model=model, progress=progress)
        refuse_single_frame(seq, p.name)
    if len(seq) == 0 or not seq.present.any():
        raise NoPersonError(f"nobody was detected in {p.name}")
    return seq


@dataclass(frozen=True)
class Prepared:
    """A sequence ready to measure, and what cleaning did to it."""

    smoothed: PoseSequence
    unfiltered: PoseSequence
    quality: dict[str, float]


def prepare(seq: PoseSequence, exercise: Exercise, thresholds: Mapping[str, float], view: str = "auto") -> Prepared:
    """Clean a raw sequence for an exercise.

    Parameters
    ----------
    seq : PoseSequence
        Raw landmarks.
    exercise : Exercise
        Gives the low-pass cut-off.
    thresholds : mapping
        ``visibility_min`` and ``max_gap_s`` are used.
    view : str
        ``auto`` or a forced view (kept for callers; swap repair runs in every view at
        >= 20 fps, since a swapped frame jumps by the distance between the legs).

    Returns
    -------
    Prepared
    """
    seq = seq.with_visibility_threshold(thresholds["visibility_min"])
    quality: dict[str, float] = {
        "frames_with_person": float(seq.present.mean()) if len(seq) else 0.0,
        "frames_with_hips": seq.found_fraction(("left_hip", "right_hip")),
        "frames_with_legs": seq.found_fraction(
            ("left_hip", "right_hip", "left_knee", "right_knee", "left_ankle", "right_ankle")
        ),
    }
    swaps = glitches = flips = 0
    if seq.fps >= MIN_SWAP_REPAIR_FPS:
        seq, flips = repair_body_flips(seq)  # whole-body flips first: they look like leg swaps
        seq, glitches = drop_glitch_frames(seq)  # before the leg swaps: a glitch would derail them
        seq, swaps = repair_left_right_swaps(seq)
    quality["glitch_frames_removed"] = float(glitches)
    quality["left_right_swaps_repaired"] = float(swaps)
    quality["body_flips_repaired"] = float(flips)
    filled = interpolate_gaps(seq, thresholds["max_gap_s"])
    before = np.isnan(seq.xyz[..., 0]).sum()
    after = np.isnan(filled.xyz[..., 0]).sum()
    quality["landmark_values_interpolated"] = float(before - after)
    smoothed = lowpass(filled, exercise.cutoff_hz)
    quality["lowpass_cutoff_hz"] = float(exercise.cutoff_hz)
    quality["lowpass_applied"] = float(exercise.cutoff_hz < 0.95 * seq.fps / 2)
    return Prepared(smoothed, filled, quality)


@dataclass(frozen=True)
class Analysis:
    """A report together with what it was measured on, for the renderers.

    Attributes
    ----------
    report : Report
    prepared : Prepared
        The cleaned sequence the exercise measured (``prepared.smoothed``).
    options : AnalysisOptions
        The options the exercise received (for ``Exercise.key_series``).
    """

    report: Report
    prepared: Prepared
    options: AnalysisOptions


def analyse_sequence(seq: PoseSequence, settings: Settings) -> Report:
    """Run an exercise module on a landmark sequence.

    Parameters
    ----------
    seq : PoseSequence
        Raw landmarks (from a backend or a file).
    settings : Settings

    Returns
    -------
    Report
    """
    return analyse_prepared(seq, settings).report


def analyse_prepared(seq: PoseSequence, settings: Settings) -> Analysis:
    """Like :func:`analyse_sequence`, also keeping the cleaned sequence and the options."""
    ex = get_exercise(settings.exercise)
    th = settings.thresholds()
    prep = prepare(seq, ex, th, settings.view)
    options = AnalysisOptions(
        thresholds=th,
        side=settings.side,
        view=settings.view,
        single_leg=settings.single_leg,
        unfiltered=prep.unfiltered,
    )
    outcome = assign_verdicts(ex.analyse(prep.smoothed, options), ex.metrics)
    from hipform.input_checks import upside_down_note

    if (note := upside_down_note(seq)) is not None:
        outcome.notes.append(note)
    if prep.quality["lowpass_applied"] == 0.0:
        outcome.notes.append(
            f"frame rate {seq.fps:.1f} fps is too low for the {ex.cutoff_hz:g} Hz smoothing filter: "
            "landmarks were used unsmoothed"
        )
    report = Report(
        exercise=ex.name,
        source=seq.source,
        fps=seq.fps,
        frames=len(seq),
        duration_s=seq.duration_s,
        outcome=outcome,
        backend=seq.backend,
        thresholds=th,
        data_quality=prep.quality,
        hipform_version=hipform.__version__,
    )
    return Analysis(report, prep, options)


def default_out_dir(input_path: str | Path) -> Path:
    """``<stem>_hipform/`` next to the input."""
    p = Path(input_path)
    return p.with_name(f"{p.stem}_hipform")


def analyse_file(
    input_path: str | Path,
    settings: Settings,
    out_dir: str | Path | None = None,
    progress: ProgressCallback | None = None,
    *,
    video: bool = False,
    session: dict[str, str] | None = None,
    extras: Any = None,
) -> tuple[Report, PoseSequence, Path]:
    """Analyse a video or landmark CSV and write the report folder.

    The folder gets ``report.json``, the CSVs, ``report.html`` and, with ``video=True``
    and a video input, ``annotated.mp4``. ``session`` (subject, date, note) goes into
    ``report.json`` and the page header; ``extras`` is a
    :class:`hipform.render.html.PageExtras` (face blurring, print page size).

    Returns
    -------
    Report, PoseSequence, Path
        The report, the raw landmarks, and the folder written.
    """
    from hipform.report_io import write_report_folder

    out = Path(out_dir) if out_dir else default_out_dir(input_path)
    created = not out.exists()
    ensure_writable(out)
    try:
        seq = load_sequence(input_path, settings.model, progress)
        analysis = analyse_prepared(seq, settings)
        report = analysis.report
        if not is_landmark_file(input_path):
            from hipform.input_checks import truncation_note

            if (note := truncation_note(input_path, seq)) is not None:
                report.outcome.notes.append(note)
        report.session = dict(session or {})
        from hipform.render.html import write_outputs
        from hipform.report_io import staged_folder

        with staged_folder(out) as stage:  # the folder changes as a whole: all of this run or none
            write_report_folder(report, seq, stage, get_exercise(settings.exercise))
            write_outputs(
                analysis, stage, None if is_landmark_file(input_path) else Path(input_path), annotated=video,
                extras=extras,
            )
    except BaseException:
        if created and out.is_dir() and not any(out.iterdir()):
            out.rmdir()
        raise
    return report, seq, out


def ensure_writable(folder: Path) -> None:
    """Fail early, before any pose work, when the output folder cannot be created or written."""
    from hipform.errors import OutputError
    from hipform.landmark_io import write_text_atomic

    probe = folder / ".hipform-write-test"
    try:
        write_text_atomic(probe, "")
        probe.unlink()
    except OutputError:
        raise
    except OSError as e:
        raise OutputError(f"cannot write to {folder}: {e.strerror or e}") from None
