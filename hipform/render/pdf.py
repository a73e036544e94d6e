"""``report.pdf``: the report page printed by a headless Chromium (or Chrome) found on the machine.

Why a browser and not a Python PDF library: the PDF must be the page the clinician sees,
with the same tables, pictures and print stylesheet (``@page`` margins, page numbers and
the session line on every page, rows and pictures never cut). Chromium lays the page out
exactly as it shows it; a pure-Python renderer (WeasyPrint, xhtml2pdf) would be a second
layout engine with its own CSS support and system libraries (Pango, Cairo) to install.
Chromium is one ``apt-get install chromium`` away and is what the tests already use.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from hipform.errors import OutputError

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
NO_BROWSER = (
    "--pdf needs Chromium or Google Chrome: install one (e.g. `apt-get install chromium`, "
    "`brew install --cask chromium`) or set HIPFORM_CHROMIUM to its path"
)
TIMEOUT_S = 180


def find_browser() -> str | None:
    """Path of a Chromium/Chrome binary: ``$HIPFORM_CHROMIUM``, else the first on PATH, else None."""
    env = os.environ.get("HIPFORM_CHROMIUM")
    if env:
        return env if Path(env).is_file() else None
    for name in BROWSERS:
        path = shutil.which(name)
        if path:
            return path
    return None


PAPERS = ("A4", "Letter")


def html_to_pdf(html_path: str | Path, pdf_path: str | Path, paper: str = "A4", *, landscape: bool = False) -> Path:
    """Print an HTML file to PDF with headless Chromium (temporary file, then rename).

    The page's own ``@page`` rules set the margins, page numbers and header; ``paper``
    (``"A4"`` or ``"Letter"``) sets the page size, ``landscape`` its orientation. Chromium's default header and footer
    (date, file name) are turned off.

    Raises
    ------
    OutputError
        When no browser is found or printing fails.
    """
    from hipform.landmark_io import atomic_path

    exe = find_browser()
    if exe is None:
        raise OutputError(NO_BROWSER)
    if paper not in PAPERS:
        raise OutputError(f"paper must be one of {', '.join(PAPERS)}, got {paper!r}")
    page = Path(html_path).read_text(encoding="utf-8")
    size = f"{paper} landscape" if landscape else paper
    page = page.replace("</head>", f"<style>@page{{size:{size}}}</style></head>", 1)
    with tempfile.TemporaryDirectory(prefix="hipform-pdf-") as work, atomic_path(pdf_path, suffix=".pdf") as tmp:
        src = Path(work) / Path(html_path).name
        src.write_text(page, encoding="utf-8")
        cmd = [
            exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--host-resolver-rules=MAP * ~NOTFOUND", f"--user-data-dir={work}",
            "--no-pdf-header-footer", "--print-to-pdf-no-header", "--run-all-compositor-stages-before-draw",
            "--virtual-time-budget=5000", f"--print-to-pdf={tmp}", src.as_uri(),
        ]
        try:
            res = subprocess.run(cmd, capture_output=True, timeout=TIMEOUT_S, check=False)
        except (OSError, subprocess.TimeoutExpired) as e:
            raise OutputError(f"printing {src.name} to PDF with {exe} failed: {e}") from None
        if res.returncode != 0 or not tmp.is_file() or tmp.stat().st_size == 0:
            err = res.stderr.decode("utf-8", "replace").strip().splitlines()
            raise OutputError(f"printing {src.name} to PDF with {exe} failed: {err[-1] if err else res.returncode}")
    return Path(pdf_path)
