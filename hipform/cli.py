"""The ``hipform`` command line: a thin typer layer over the pipeline.

This is the only place where exceptions become one-line messages and exit codes.
"""

from __future__ import annotations

import functools
import os
import signal
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console

import hipform
from hipform.errors import HipformError

console = Console()
err_console = Console(stderr=True)

app = typer.Typer(
    name="hipform",
    help=(
        "Rep-by-rep and step-by-step hip and knee form from video.\n\n"
        "Examples:\n\n"
        "  hipform analyze sample_videos/walk_side_sports2d.mp4 --exercise walking\n\n"
        "  hipform analyze squat.mp4 -e single-leg-squat --video\n\n"
        "  hipform live -e single-leg-squat --model lite\n\n"
        "  hipform batch clips/ -e running --out results/ --jobs 2\n\n"
        "  hipform compare week1_hipform/ week6_hipform/\n\n"
        "  hipform analyze squat.mp4 -e squat --subject P-017 --video --blur-faces --pdf\n\n"
        "  hipform export squat_hipform/ --format trc\n\n"
        "  hipform history week1_hipform/ week3_hipform/ week6_hipform/\n\n"
        "  hipform pose clip.mp4 -o landmarks.csv --model lite\n\n"
        "  hipform exercises"
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
)

F = TypeVar("F", bound=Callable[..., Any])
MAX_CAMERA_INDEX = 63
"""Largest camera index accepted (checked before OpenCV sees it: a negative one crashes some backends)."""


def print_error(message: str, label: str = "error") -> None:
    """Print ``label: message`` on stderr as one line, the message escaped (shown as typed)."""
    from rich.markup import escape

    one_line = " ".join(str(message).split())
    err_console.print(f"[bold red]{label}:[/] {escape(one_line)}", highlight=False, soft_wrap=True)


def one_line_errors(func: F) -> F:
    """Turn hipform errors (and anything unexpected) into one line on stderr and an exit code.

    User text in a message (paths, exercise names, CSV cells) is escaped, so rich markup
    in it is shown as typed. An ``OSError`` that escapes the library (disk full, a folder
    where a file belongs, a name too long...) becomes an output error naming the path.
    Set ``HIPFORM_DEBUG=1`` to see the traceback of an unexpected error.
    """

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        previous = interrupt_on_sigterm()
        try:
            return func(*args, **kwargs)
        except HipformError as e:
            print_error(str(e))
            raise typer.Exit(e.exit_code) from None
        except KeyboardInterrupt:
            err_console.print("interrupted (nothing half-written is left; finished outputs are kept)")
            raise typer.Exit(130) from None
        except typer.Exit:
            raise
        except OSError as e:
            from hipform.errors import OutputError, os_error_message

            print_error(os_error_message(e))
            raise typer.Exit(OutputError.exit_code) from None
        except Exception as e:  # noqa: BLE001 - last line of defence: no tracebacks for users
            if os.environ.get("HIPFORM_DEBUG"):
                raise
            print_error(f"{e.__class__.__name__}: {e} (set HIPFORM_DEBUG=1 for details)", label="internal error")
            raise typer.Exit(70) from None
        finally:
            if previous is not None:
                signal.signal(signal.SIGTERM, previous)

    return wrapper  # type: ignore[return-value]


class Model(StrEnum):
    """Pose model bundle."""

    lite = "lite"
    full = "full"
    heavy = "heavy"


class Side(StrEnum):
    """Working side."""

    auto = "auto"
    left = "left"
    right = "right"


class Paper(StrEnum):
    """PDF page size."""

    a4 = "A4"
    letter = "Letter"


class ViewChoice(StrEnum):
    """Camera view."""

    auto = "auto"
    front = "front"
    rear = "rear"
    side_left = "side-left"
    side_right = "side-right"


def version_callback(value: bool) -> None:
    """Print the version and exit."""
    if value:
        console.print(f"hipform {hipform.__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=version_callback, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """Rep-by-rep and step-by-step hip and knee form from video."""


ModelOpt = Annotated[
    Model, typer.Option("--model", "-m", help="Pose model: lite (fastest), full, heavy (most accurate).")
]


class FrameProgress:
    """A rich progress bar (frames, frames per second, ETA) shown from the first frame on.

    Use as a context manager and pass the instance as the ``progress(done, total)``
    callback. Nothing is drawn when the work fails before the first frame, so an error
    stays a single line.
    """

    def __init__(self, label: str) -> None:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TaskProgressColumn,
            TextColumn,
            TimeRemainingColumn,
        )

        self._progress = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("frames"),
            TaskProgressColumn(),
            TextColumn("{task.fields[fps]:.0f} fps"),
            TimeRemainingColumn(),
            console=err_console,
            transient=True,
        )
        self._label = label
        self._task: Any = None

    def __call__(self, done: int, total: int) -> None:
        """Record that ``done`` of ``total`` frames are processed."""
        if self._task is None:
            self._progress.start()
            self._task = self._progress.add_task(self._label, total=total or None, fps=0.0)
        elapsed = self._progress.tasks[0].elapsed or 0.0
        fps = done / elapsed if elapsed > 0 else 0.0
        self._progress.update(self._task, completed=done, total=total or None, fps=fps)

    def __enter__(self) -> FrameProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._task is not None:
            self._progress.stop()


@app.command()
@one_line_errors
def pose(
    video: Annotated[Path, typer.Argument(help="Video file to extract landmarks from.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Landmark CSV to write.")],
    model: ModelOpt = Model.full,
) -> None:
    """Extract pose landmarks from a video into a landmark CSV (see docs/landmarks.md).

    Example: hipform pose clip.mp4 -o clip_landmarks.csv --model lite
    """
    from hipform.landmark_io import write_landmarks_csv
    from hipform.pipeline import ensure_writable, load_sequence

    if output.suffix.lower() != ".csv":
        raise HipformError(f"output must be a .csv file, got {output.name}")
    ensure_writable(output.parent if str(output.parent) else Path("."))
    with FrameProgress(f"pose ({model.value})") as progress:
        seq = load_sequence(video, model.value, progress)
    write_landmarks_csv(seq, output)
    found = seq.found_fraction(("left_hip", "right_hip"))
    console.print(
        f"{len(seq)} frames, {seq.fps:.1f} fps, {seq.image_size[0]}x{seq.image_size[1]} px; "
        f"hips found in {100 * found:.0f}% of frames -> {output}",
        highlight=False, markup=False,
    )


@app.command()
@one_line_errors
def analyze(
    input: Annotated[Path, typer.Argument(help="Video file, or a landmark CSV from `hipform pose`.")],
    exercise: Annotated[str, typer.Option("--exercise", "-e", help="Exercise name (see `hipform exercises`).")],
    side: Annotated[Side, typer.Option(help="Working (stance) side; auto detects it per rep.")] = Side.auto,
    view: Annotated[ViewChoice, typer.Option(help="Camera view; auto detects it.")] = ViewChoice.auto,
    model: ModelOpt = Model.full,
    config: Annotated[
        Path | None, typer.Option("--config", "-c", help="TOML file overriding thresholds (see docs/config.md).")
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Output folder \\[default: <input stem>_hipform/ next to the input]."),
    ] = None,
    single_leg: Annotated[
        bool | None,
        typer.Option("--single-leg/--double-leg", help="Hip thrust: force single- or double-leg (default: detect)."),
    ] = None,
    video: Annotated[
        bool,
        typer.Option(
            "--video", help="Also write annotated.mp4 (H.264: skeleton, live angle, rep count, faults) and embed it."
        ),
    ] = False,
    blur_faces: Annotated[
        bool, typer.Option("--blur-faces", help="Blur the face in the stills, the video and the report.")
    ] = False,
    subject: Annotated[
        str | None, typer.Option("--subject", help="Patient or subject ID, shown on every page.")
    ] = None,
    session_date: Annotated[
        str | None, typer.Option("--session-date", help="Session date, YYYY-MM-DD (shown on every page).")
    ] = None,
    note: Annotated[str | None, typer.Option("--note", help="Clinician's note for this session.")] = None,
    pdf: Annotated[bool, typer.Option("--pdf", help="Also write report.pdf (needs Chromium or Chrome).")] = False,
    paper: Annotated[Paper, typer.Option("--paper", help="Page size of report.pdf.")] = Paper.a4,
) -> None:
    """Analyse a recorded set: count reps (or steps), measure them, report faults.

    Writes report.json, report.html, landmarks.csv and reps.csv (steps.csv for
    running/walking) into the output folder and prints a table; --video adds annotated.mp4.

    Examples
    --------
      hipform analyze squat.mp4 --exercise single-leg-squat

      hipform analyze run.mp4 -e running --out results/run1

      hipform analyze landmarks.csv -e step-up --side left --config my_thresholds.toml
    """
    from hipform.errors import InputError
    from hipform.exercises import get_exercise
    from hipform.pipeline import Settings, analyse_file, is_landmark_file
    from hipform.render.terminal import print_report

    settings = Settings.from_cli(
        exercise, config=config, side=side.value, view=view.value, model=model.value, single_leg=single_leg
    )
    if video and is_landmark_file(input):
        raise InputError("--video needs a video input (a landmark CSV has no frames to annotate)")
    from hipform.render.html import PageExtras
    from hipform.session import session_info

    session = session_info(subject, session_date, note, config)
    if pdf:
        from hipform.errors import OutputError
        from hipform.render.pdf import NO_BROWSER, find_browser

        if find_browser() is None:  # before the pose work, not after it
            raise OutputError(NO_BROWSER)
    extras = PageExtras(blur_faces=blur_faces)
    with FrameProgress(f"pose ({model.value})") as progress:
        report, _seq, out_dir = analyse_file(
            input, settings, out, progress, video=video, session=session, extras=extras
        )
    print_report(report.to_dict(), get_exercise(exercise), console)
    if pdf:
        from hipform.render.pdf import html_to_pdf

        html_to_pdf(out_dir / "report.html", out_dir / "report.pdf", paper.value)
    console.print(f"report written to {out_dir}/", highlight=False, markup=False)


@app.command()
@one_line_errors
def exercises() -> None:
    """List the exercises, their metrics with units, and their default thresholds.

    Example: hipform exercises
    """
    from rich.markup import escape
    from rich.table import Table

    from hipform.config import COMMON_THRESHOLDS
    from hipform.exercises import available_exercises, get_exercise

    for name in available_exercises():
        ex = get_exercise(name)
        console.rule(f"[bold]{name}[/] — {ex.title}")
        console.print(ex.description, highlight=False)
        mt = Table(title="measures", title_justify="left")
        for c in ("measure", "id (report.json)", "unit", "view", "better", "smallest real change", "reference"):
            mt.add_column(c)
        for m in (*ex.metrics, *ex.session_measures):
            src = m.format(m.smallest_real_change) if m.comparable else "not compared"
            mt.add_row(*(escape(x) for x in (m.title, m.name, m.unit, m.view, m.better or "", src, m.reference_text())))
        console.print(mt)
        tt = Table(title=escape(f"thresholds (TOML table [{name}])"), title_justify="left")
        for c in ("name", "default", "unit", "meaning", "source"):
            tt.add_column(c)
        for t in ex.thresholds:
            tt.add_row(t.name, f"{t.default:g}", t.unit, t.description, t.source)
        console.print(tt)
    ct = Table(title=escape("settings for every exercise (TOML table [analysis])"), title_justify="left")
    for c in ("name", "default", "unit", "meaning"):
        ct.add_column(c)
    for t in COMMON_THRESHOLDS:
        ct.add_row(t.name, f"{t.default:g}", t.unit, t.description)
    console.print(ct)


@app.command()
@one_line_errors
def compare(
    old: Annotated[Path, typer.Argument(help="Earlier session: a report folder or its report.json.")],
    new: Annotated[Path, typer.Argument(help="Later session: a report folder or its report.json.")],
    config: Annotated[
        Path | None,
        typer.Option(
            "--config", "-c", help="TOML file; its \\[compare] table sets the smallest real change per metric."
        ),
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="HTML file to write \\[default: compare.html beside NEW].")
    ] = None,
) -> None:
    """Progress between two sessions of the same exercise, per side and metric.

    Says whether each change is at least the smallest real change of the measure
    (8 deg for 2D knee valgus by default) or within measurement error, and writes
    compare.html.

    Examples
    --------
      hipform compare week1_hipform/ week6_hipform/

      hipform compare old/report.json new/report.json --config my_thresholds.toml -o progress.html
    """
    from hipform.compare import compare_reports, load_compare_config
    from hipform.landmark_io import write_text_atomic
    from hipform.render.compare_html import print_comparison, render_compare_html
    from hipform.report_io import read_report

    overrides = load_compare_config(config) if config else None
    comparison = compare_reports(read_report(old), read_report(new), overrides)
    target = out or ((new if new.is_dir() else new.parent) / "compare.html")
    write_text_atomic(target, render_compare_html(comparison))
    print_comparison(comparison, console)
    console.print(f"comparison written to {target}", highlight=False, markup=False)


@app.command()
@one_line_errors
def report(
    folder: Annotated[Path, typer.Argument(help="Batch results folder holding summary.csv (or a summary.csv).")],
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="HTML file to write \\[default: summary.html in the folder].")
    ] = None,
    pdf: Annotated[
        bool, typer.Option("--pdf", help="Print the page to PDF (report.pdf for an analysis folder); needs Chromium.")
    ] = False,
    paper: Annotated[Paper, typer.Option("--paper", help="Page size of the PDF.")] = Paper.a4,
) -> None:
    """Render a batch summary.csv into one HTML page across clips; --pdf prints a page to PDF.

    One row per clip, and plots of hip extension by side across clips when the
    clips' reports hold it. For a folder of `hipform analyze` (it has report.html and
    no summary.csv), --pdf writes its report.pdf.

    Examples
    --------
      hipform report results/

      hipform report squat_hipform/ --pdf --paper Letter
    """
    from hipform.landmark_io import write_text_atomic
    from hipform.render.batch_html import load_batch, render_batch_html

    if pdf:
        from hipform.render.pdf import html_to_pdf

        if folder.is_dir() and (folder / "report.html").is_file() and not (folder / "summary.csv").is_file():
            html_to_pdf(folder / "report.html", folder / "report.pdf", paper.value)
            console.print(f"{folder / 'report.html'} -> {folder / 'report.pdf'}", highlight=False)
            return
    batch = load_batch(folder)
    target = out or (batch.folder / "summary.html")
    write_text_atomic(target, render_batch_html(batch))
    console.print(f"{len(batch.rows)} clips -> {target}", highlight=False, markup=False)
    if pdf:
        html_to_pdf(target, target.with_suffix(".pdf"), paper.value, landscape=True)
        console.print(f"{target} -> {target.with_suffix('.pdf')}", highlight=False, markup=False)


@app.command()
@one_line_errors
def live(
    exercise: Annotated[str, typer.Option("--exercise", "-e", help="Exercise name (see `hipform exercises`).")],
    camera: Annotated[int, typer.Option(help="Camera index (0 = the first camera).")] = 0,
    source: Annotated[
        Path | None, typer.Option("--source", help="Play a video file as if it were the camera (real time).")
    ] = None,
    model: ModelOpt = Model.lite,
    headless: Annotated[
        bool, typer.Option("--headless", help="No window: print each rep and cue in the terminal as it happens.")
    ] = False,
    pace: Annotated[
        bool,
        typer.Option(
            "--pace/--no-pace",
            help="With --source: play at the clip's frame rate, dropping frames the pipeline cannot keep up "
            "with (like a camera); --no-pace analyses every frame as fast as it can.",
        ),
    ] = True,
    side: Annotated[Side, typer.Option(help="Working (stance) side; auto detects it per rep.")] = Side.auto,
    view: Annotated[ViewChoice, typer.Option(help="Camera view; auto detects it.")] = ViewChoice.auto,
    config: Annotated[
        Path | None, typer.Option("--config", "-c", help="TOML file overriding thresholds (see docs/config.md).")
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", "-o",
            help="Report folder (default: <clip stem>_live_hipform/ next to --source, else hipform_live_<time>/).",
        ),
    ] = None,
    single_leg: Annotated[
        bool | None,
        typer.Option("--single-leg/--double-leg", help="Hip thrust: force single- or double-leg (default: detect)."),
    ] = None,
) -> None:
    """Live feedback from a camera: skeleton, reps per side and a cue after each rep.

    Press q in the window to stop (Ctrl-C when --headless); the report of the session is
    then written like `hipform analyze`'s, plus live.json with what was shown live.

    Examples
    --------
      hipform live --exercise single-leg-squat

      hipform live -e squat --source clip.mp4 --headless --out results/live1
    """
    from hipform.errors import ConfigError
    from hipform.live import run_live
    from hipform.pipeline import Settings

    if source is None and not 0 <= camera <= MAX_CAMERA_INDEX:
        raise ConfigError(f"--camera {camera}: a camera index is 0..{MAX_CAMERA_INDEX} (0 = the first camera)")
    settings = Settings.from_cli(
        exercise, config=config, side=side.value, view=view.value, model=model.value, single_leg=single_leg
    )
    run_live(settings, camera=camera, source=source, headless=headless, out_dir=out, pace=pace, console=console)


@app.command()
@one_line_errors
def batch(
    folder: Annotated[Path, typer.Argument(help="Folder of clips (searched recursively).")],
    exercise: Annotated[str, typer.Option("--exercise", "-e", help="Exercise name (see `hipform exercises`).")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder: one folder per clip and summary.csv.")],
    jobs: Annotated[
        int | None, typer.Option("--jobs", "-j", help="Clips analysed in parallel \\[default: CPU cores].")
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option("--scheduler", help="Dask scheduler address: run on a cluster (needs hipform\\[dask])."),
    ] = None,
    side: Annotated[Side, typer.Option(help="Working (stance) side; auto detects it per rep.")] = Side.auto,
    view: Annotated[ViewChoice, typer.Option(help="Camera view; auto detects it per clip.")] = ViewChoice.auto,
    model: ModelOpt = Model.full,
    config: Annotated[
        Path | None, typer.Option("--config", "-c", help="TOML file overriding thresholds (see docs/config.md).")
    ] = None,
) -> None:
    """Score every clip in a folder: one report folder per clip and OUT/summary.csv.

    Clips already scored with the same content and settings are skipped, so an
    interrupted batch resumes where it stopped. A clip that cannot be scored is a
    failed row in summary.csv; the others carry on. See docs/batch.md.

    Examples
    --------
      hipform batch clips/ --exercise running --out results/

      hipform batch clips/ -e walking -o results/ --jobs 2

      hipform batch clips/ -e running -o results/ --scheduler tcp://10.0.0.5:8786
    """
    from rich.markup import escape
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from hipform.batch import DaskExecutor, LocalExecutor, run_batch
    from hipform.errors import ConfigError
    from hipform.pipeline import Settings

    if jobs is not None and not 1 <= jobs <= 1024:
        raise ConfigError(f"--jobs {jobs}: give a number of worker processes from 1 to 1024")
    if jobs is not None and scheduler:
        raise HipformError("choose either --jobs (this machine) or --scheduler (a Dask cluster), not both")
    settings = Settings.from_cli(exercise, config=config, side=side.value, view=view.value, model=model.value)
    executor = DaskExecutor(scheduler) if scheduler else LocalExecutor(jobs)
    progress = Progress(
        TextColumn("[bold]clips"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[last]}"),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
    )
    task = progress.add_task("clips", total=None, last="")

    def on_start(total: int, done: int) -> None:
        progress.update(task, total=total)

    def on_clip(row: dict, skipped: bool) -> None:
        mark = "up to date" if skipped else row["status"]
        progress.update(task, advance=1, last=escape(f"{row['clip']}: {mark}"))
        if row["status"] != "ok" and not skipped:
            progress.console.print(
                f"[yellow]failed[/] {escape(str(row['clip']))}: {escape(str(row['error']))}", highlight=False
            )

    try:
        with progress:
            result = run_batch(folder, out, settings, executor, on_start, on_clip)
    finally:
        if isinstance(executor, DaskExecutor):
            executor.close()
    if result.not_regular:
        shown = ", ".join(result.not_regular[:5]) + (" ..." if len(result.not_regular) > 5 else "")
        err_console.print(
            f"skipped {len(result.not_regular)} entries that are not regular files (FIFO, socket, device, "
            f"broken link): {escape(shown)}",
            highlight=False,
            soft_wrap=True,
        )
    ok = len(result.rows) - result.failed
    console.print(
        f"{len(result.rows)} clips: {ok} ok, {result.failed} failed "
        f"({result.scored} scored now, {result.skipped} up to date) -> {result.summary_path}",
        highlight=False, markup=False,
    )


@app.command()
@one_line_errors
def history(
    folders: Annotated[list[Path], typer.Argument(help="Report folders of one subject's sessions (any order).")],
    out: Annotated[
        Path, typer.Option("--out", "-o", help="HTML page to write; the CSV goes beside it.")
    ] = Path("history.html"),
    config: Annotated[
        Path | None,
        typer.Option("--config", "-c", help="TOML file; its [compare] table sets the smallest real change per metric."),
    ] = None,
) -> None:
    """A subject's sessions over time: per measure, the value per session with its spread and a sentence.

    Sessions are ordered by their session date (--session-date when analysing). Each
    change is judged against the measure's smallest real change, as `hipform compare`
    does. Writes history.html and history.csv (or -o PAGE.html and PAGE.csv).

    Example: hipform history week1_hipform/ week3_hipform/ week6_hipform/ -o anna.html
    """
    from hipform.compare import load_compare_config
    from hipform.history import build_history, history_csv, load_sessions
    from hipform.landmark_io import write_text_atomic
    from hipform.render.history_html import render_history_html

    reports, names = load_sessions(folders)
    h = build_history(reports, names, load_compare_config(config) if config else None)
    write_text_atomic(out, render_history_html(h))
    write_text_atomic(out.with_suffix(".csv"), history_csv(h))
    from rich.markup import escape

    for m in h.measures:
        console.print(escape(m.sentence()), highlight=False)
    console.print(f"{len(h.sessions)} sessions -> {out} and {out.with_suffix('.csv')}", highlight=False)


class ExportFormat(StrEnum):
    """Export format."""

    trc = "trc"
    mot = "mot"
    xlsx = "xlsx"


@app.command()
@one_line_errors
def export(
    folder: Annotated[Path, typer.Argument(help="A report folder written by `hipform analyze`.")],
    format: Annotated[
        ExportFormat,
        typer.Option("--format", "-f", help="trc: landmark trajectories; mot: per-frame angles; xlsx: the tables."),
    ],
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Folder to write into [default: the report folder].")
    ] = None,
) -> None:
    """Export a report folder for OpenSim, Sports2D or a spreadsheet (see docs/outputs.md).

    trc writes landmarks_px.trc (pixels) and landmarks_m.trc (metres, when the pose model
    gave world landmarks); mot writes angles.mot (degrees per frame); xlsx writes
    tables.xlsx (one sheet per table).

    Examples
    --------
      hipform export squat_hipform/ --format trc

      hipform export squat_hipform/ -f xlsx -o shared_with_coach/
    """
    from hipform.export import export_folder

    for path in export_folder(folder, format.value, out):
        console.print(f"written {path}", highlight=False)


def interrupt_on_sigterm() -> Any:
    """Make SIGTERM stop the command like Ctrl-C (temporary files removed, exit 130).

    Returns the previous handler, or None when not in the main thread (nothing changed).
    """

    def handler(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    try:
        return signal.signal(signal.SIGTERM, handler)
    except ValueError:
        return None


def silence_native_stderr() -> None:
    """Send what native libraries write to file descriptor 2 to /dev/null.

    MediaPipe's C++ core and TensorFlow Lite log to the process's stderr directly
    (``W0000 ... landmark_projection_calculator.cc``), which would bury hipform's own
    one-line messages. Python's ``sys.stderr`` is moved to a duplicate of the original
    descriptor first, so progress bars and errors still reach the terminal. Set
    ``HIPFORM_DEBUG=1`` to keep the native logs.
    """
    if os.environ.get("HIPFORM_DEBUG"):
        return
    try:
        sys.stderr.flush()
        saved = os.dup(2)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        os.close(devnull)
        sys.stderr = os.fdopen(saved, "w", buffering=1, encoding=getattr(sys.stderr, "encoding", None) or "utf-8")
    except (OSError, ValueError, AttributeError):
        return


def run() -> None:
    """Console-script entry point."""
    silence_native_stderr()
    sys.exit(app())
