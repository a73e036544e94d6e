"""The ``hipform`` command line: a thin typer layer over the pipeline.

This is the only place where exceptions become one-line messages and exit codes.
"""

from __future__ import annotations

import functools
import os
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
        "  hipform pose clip.mp4 -o landmarks.csv --model lite\n\n"
        "  hipform exercises"
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
)

F = TypeVar("F", bound=Callable[..., Any])


def one_line_errors(func: F) -> F:
    """Turn hipform errors (and anything unexpected) into one line on stderr and an exit code.

    Set ``HIPFORM_DEBUG=1`` to see the traceback of an unexpected error.
    """

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except HipformError as e:
            err_console.print(f"[bold red]error:[/] {e}", highlight=False, soft_wrap=True)
            raise typer.Exit(e.exit_code) from None
        except KeyboardInterrupt:
            err_console.print("interrupted")
            raise typer.Exit(130) from None
        except typer.Exit:
            raise
        except Exception as e:  # noqa: BLE001 - last line of defence: no tracebacks for users
            if os.environ.get("HIPFORM_DEBUG"):
                raise
            err_console.print(
                f"[bold red]internal error:[/] {e.__class__.__name__}: {e} (set HIPFORM_DEBUG=1 for details)",
                highlight=False,
                soft_wrap=True,
            )
            raise typer.Exit(70) from None

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


def progress_bar(label: str):  # noqa: ANN201 - returns (callback, context manager)
    """A rich progress bar showing frames, frames per second and ETA."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TaskProgressColumn,
        TextColumn,
        TimeRemainingColumn,
    )

    progress = Progress(
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
    task = progress.add_task(label, total=None, fps=0.0)

    def update(done: int, total: int) -> None:
        elapsed = progress.tasks[0].elapsed or 0.0
        progress.update(task, completed=done, total=total or None, fps=done / elapsed if elapsed > 0 else 0.0)

    return update, progress


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
    update, progress = progress_bar(f"pose ({model.value})")
    with progress:
        seq = load_sequence(video, model.value, update)
    write_landmarks_csv(seq, output)
    found = seq.found_fraction(("left_hip", "right_hip"))
    console.print(
        f"{len(seq)} frames, {seq.fps:.1f} fps, {seq.image_size[0]}x{seq.image_size[1]} px; "
        f"hips found in {100 * found:.0f}% of frames -> {output}",
        highlight=False,
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
        typer.Option("--out", "-o", help="Output folder [default: <input stem>_hipform/ next to the input]."),
    ] = None,
    single_leg: Annotated[
        bool | None,
        typer.Option("--single-leg/--double-leg", help="Hip thrust: force single- or double-leg (default: detect)."),
    ] = None,
) -> None:
    """Analyse a recorded set: count reps (or steps), measure them, report faults.

    Writes report.json, landmarks.csv and reps.csv (steps.csv for running/walking)
    into the output folder and prints a table.

    Examples
    --------
      hipform analyze squat.mp4 --exercise single-leg-squat

      hipform analyze run.mp4 -e running --out results/run1

      hipform analyze landmarks.csv -e step-up --side left --config my_thresholds.toml
    """
    from hipform.exercises import get_exercise
    from hipform.pipeline import Settings, analyse_file
    from hipform.render.terminal import print_report

    settings = Settings.from_cli(
        exercise, config=config, side=side.value, view=view.value, model=model.value, single_leg=single_leg
    )
    update, progress = progress_bar(f"pose ({model.value})")
    with progress:
        report, _seq, out_dir = analyse_file(input, settings, out, update)
    print_report(report.to_dict(), get_exercise(exercise), console)
    console.print(f"report written to {out_dir}/", highlight=False)


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
        mt = Table(title="metrics", title_justify="left")
        for c in ("name", "unit", "view", "meaning"):
            mt.add_column(c)
        for m in ex.metrics:
            mt.add_row(m.name, m.unit, m.view, m.description)
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


def run() -> None:
    """Console-script entry point."""
    sys.exit(app())
