"""Shared, cached work for the report tests: one real-clip analysis, headless Chromium.

The real MediaPipe run on the squat clip is done once per test session (cached here),
whichever report test module asks first.
"""

from __future__ import annotations

import atexit
import functools
import json
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

REPO = Path(__file__).resolve().parents[1]
SQUAT_CLIP = REPO.parent / "shared" / "videos" / "squat_front_pexels_5fps.mp4"
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking")

_TMP = Path(tempfile.mkdtemp(prefix="hipform-render-tests-"))
atexit.register(shutil.rmtree, _TMP, ignore_errors=True)


@dataclass(frozen=True)
class ClipRun:
    """A finished ``hipform analyze`` run: its folder, report dict and the CLI's output."""

    out: Path
    report: dict
    stdout: str
    exit_code: int


@functools.cache
def squat_clip_run() -> ClipRun:
    """``hipform analyze`` on the real front squat clip, single-leg-squat rules, left leg, with --video.

    The clip is a two-legged squat; the single-leg rules with ``--side left`` judge its
    left knee, pelvis and trunk (5 fps: timing not judged). A config file lowers every
    warn/fault threshold of the exercise, as a clinician may, so there are faults to render,
    and accepts the clip's oblique camera and deep (foreshortened) knee.
    """
    from typer.testing import CliRunner

    from hipform.cli import app
    from hipform.exercises import get_exercise

    out = _TMP / "squat"
    strict = [
        f"{t.name} = {max(t.minimum, 0.0) + (1.0 if '_fault' in t.name else 0.5)}"
        for t in get_exercise("single-leg-squat").thresholds
        if ("_warn" in t.name or "_fault" in t.name) and t.name.endswith("_deg")
    ]
    strict += [f"{t.name} = {t.maximum}" for t in get_exercise("single-leg-squat").thresholds if "yaw" in t.name]
    # the squat is deep (thigh at ~55% of its standing length): accept the foreshortened leg too
    sls = get_exercise("single-leg-squat").thresholds
    strict += [f"{t.name} = {t.minimum}" for t in sls if "segment_min" in t.name]
    config = _TMP / "strict.toml"
    config.write_text("[single-leg-squat]\n" + "\n".join(strict) + "\n")
    res = CliRunner().invoke(
        app,
        ["analyze", str(SQUAT_CLIP), "-e", "single-leg-squat", "--side", "left", "--video", "-c", str(config),
         "-o", str(out)],
    )
    report = json.loads((out / "report.json").read_text()) if (out / "report.json").is_file() else {}
    return ClipRun(out, report, res.output, res.exit_code)


def chromium() -> str | None:
    """Path of the Chromium binary, or None."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


@dataclass(frozen=True)
class BrowserRun:
    """A headless Chromium screenshot of a page and the network requests the page made."""

    screenshot: Path
    page_requests: list[str]


def open_in_chromium(page: Path, size: tuple[int, int] = (1100, 2400)) -> BrowserRun:
    """Load a local page in headless Chromium; screenshot it and log its network requests.

    Every host name resolves to nothing (``--host-resolver-rules``), so nothing can leave
    the machine, and Chromium's network log records each request the page tried.
    Chromium's own background requests (initiator ``not an origin``) are left out.
    """
    exe = chromium()
    assert exe, "chromium not installed"
    work = Path(tempfile.mkdtemp(dir=_TMP))
    shot, netlog = work / "page.png", work / "net.json"
    cmd = [
        exe,
        *CHROMIUM_FLAGS,
        f"--user-data-dir={work / 'profile'}",
        "--host-resolver-rules=MAP * ~NOTFOUND",
        f"--log-net-log={netlog}",
        f"--window-size={size[0]},{size[1]}",
        f"--screenshot={shot}",
        page.resolve().as_uri(),
    ]
    subprocess.run(cmd, check=True, capture_output=True, timeout=120)
    return BrowserRun(shot, page_requests(netlog))


def page_requests(netlog: Path) -> list[str]:
    """URLs of the requests a page started, from a Chromium net log."""
    d = json.loads(netlog.read_text())
    start = d["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    urls = []
    for e in d["events"]:
        p = e.get("params", {})
        if e["type"] == start and "url" in p and p.get("initiator") != "not an origin":
            urls.append(p["url"])
    return urls


def not_blank(png: Path) -> tuple[float, float]:
    """(grey-level standard deviation, share of coloured pixels) of a screenshot."""
    img = cv2.imread(str(png))
    assert img is not None, f"cannot read {png}"
    grey = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
    hsv = cv2.cvtColor(img, cv2.COLOR_BGR2HSV)
    coloured = float(np.mean((hsv[..., 1] > 60) & (hsv[..., 2] > 40)))
    return float(grey.std()), coloured
