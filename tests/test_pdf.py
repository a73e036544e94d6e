"""report.pdf: printed by headless Chromium, A4 and Letter, checked page by page with poppler (pdftotext, pdftoppm).

For the real squat clip: the summary, the rep table and the first still are on page 1; every page
carries the subject and session line and its page number "page N of M" with M the PDF's page count.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import cv2
import pytest
from fixtures_pose import missing_input
from render_fixtures import chromium, squat_clip_run
from typer.testing import CliRunner

from hipform.cli import app

NO_POPPLER = "POPPLER IS NOT INSTALLED: the PDF tests did not run (apt-get install poppler-utils; .ci/run installs it)"
NO_CHROMIUM = "CHROMIUM IS NOT INSTALLED: the PDF tests did not run (apt-get install chromium)"


def need_tools() -> None:
    if chromium() is None:
        missing_input(NO_CHROMIUM)
    if not all(shutil.which(t) for t in ("pdftotext", "pdftoppm", "pdfinfo", "pdfimages")):
        missing_input(NO_POPPLER)


def pdf_pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


def page_size_pt(pdf: Path) -> tuple[float, float]:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    m = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info)
    return float(m.group(1)), float(m.group(2))


def page_text(pdf: Path, page: int) -> str:
    out = subprocess.run(["pdftotext", "-layout", "-f", str(page), "-l", str(page), str(pdf), "-"],
                         capture_output=True, text=True, check=True).stdout
    return re.sub(r"\s+", " ", out)


def page_images(pdf: Path, page: int) -> list[tuple[int, int]]:
    out = subprocess.run(["pdfimages", "-list", "-f", str(page), "-l", str(page), str(pdf)],
                         capture_output=True, text=True, check=True).stdout
    rows = [ln.split() for ln in out.splitlines()[2:] if ln.strip()]
    return [(int(r[3]), int(r[4])) for r in rows if r[2] == "image"]


@pytest.fixture(scope="module")
def squat_with_session(tmp_path_factory):
    """The real squat clip's report folder, re-rendered with a subject and session date."""
    run = squat_clip_run()
    assert run.exit_code == 0, run.stdout
    out = tmp_path_factory.mktemp("pdf")
    res = CliRunner().invoke(app, [
        "analyze", str(run.out / "landmarks.csv"), "-e", "single-leg-squat", "--side", "left",
        "--subject", "P-017", "--session-date", "2026-03-02", "-o", str(out / "csv"),
    ])
    assert res.exit_code == 0, res.output
    return run, out / "csv"


@pytest.mark.slow
@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_sample_clip_pdf_page_one_holds_summary_rep_table_and_first_still(paper, tmp_path):
    need_tools()
    run = squat_clip_run()
    folder = tmp_path / "f"
    shutil.copytree(run.out, folder)
    res = CliRunner().invoke(app, ["report", str(folder), "--pdf", "--paper", paper])
    assert res.exit_code == 0, res.output
    pdf = folder / "report.pdf"
    n = pdf_pages(pdf)
    assert 2 <= n <= 4, n  # a 2-rep squat: was 7 pages with one still per page before the print styles
    w, h = page_size_pt(pdf)
    assert (round(w), round(h)) == ((595, 842) if paper == "A4" else (612, 792))
    first = page_text(pdf, 1)
    assert "Summary" in first and "2 reps counted" in first
    assert "Reps" in first and "Frames" in first
    for rep in run.report["reps"]:  # every rep row of the table
        assert f"Rep {rep['index']}" in first, f"still of rep {rep['index']} not on page 1"
    big = [wh for wh in page_images(pdf, 1) if min(wh) >= 150]
    assert len(big) >= 1, "no still image on page 1"
    for p in range(1, n + 1):
        assert f"page {p} of {n}" in page_text(pdf, p)
    # the same page 1 as a picture, for a person to look at
    subprocess.run(["pdftoppm", "-r", "50", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "p")], check=True)
    png = next(tmp_path.glob("p*.png"))
    img = cv2.imread(str(png))
    assert img is not None and img.shape[0] > img.shape[1]  # portrait


@pytest.mark.slow
def test_session_line_on_every_page_and_pdf_from_analyze(squat_with_session):
    need_tools()
    _, folder = squat_with_session
    res = CliRunner().invoke(app, ["report", str(folder), "--pdf"])
    assert res.exit_code == 0, res.output
    pdf = folder / "report.pdf"
    n = pdf_pages(pdf)
    assert n >= 2
    for p in range(1, n + 1):
        assert "Subject P-017 · session 2026-03-02" in page_text(pdf, p), f"page {p} lacks the session line"


def test_pdf_without_a_browser_is_a_one_line_error(tmp_path, monkeypatch):
    (tmp_path / "report.html").write_text("<html><head></head><body>x</body></html>")
    monkeypatch.setenv("HIPFORM_CHROMIUM", str(tmp_path / "no-such-browser"))
    res = CliRunner().invoke(app, ["report", str(tmp_path), "--pdf"])
    assert res.exit_code != 0
    assert "--pdf needs Chromium or Google Chrome" in res.output and "apt-get install chromium" in res.output
    assert "Traceback" not in res.output and not (tmp_path / "report.pdf").exists()


@pytest.mark.slow
def test_wide_batch_summary_prints_whole_in_landscape(tmp_path):
    """The batch table used to print cut off at the page edge: every column must reach the PDF."""
    need_tools()
    import csv

    cols = ["clip", "status", "error", "view"] + [f"peak_hip_extension_measure_{i}_left_deg" for i in range(14)]
    with (tmp_path / "summary.csv").open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(cols)
        for k in range(3):
            w.writerow([f"day{k}/run.mp4", "ok", "", "side-left"] + [f"{10 + i + k}.5" for i in range(14)])
    res = CliRunner().invoke(app, ["report", str(tmp_path), "--pdf"])
    assert res.exit_code == 0, res.output
    pdf = tmp_path / "summary.pdf"
    w_pt, h_pt = page_size_pt(pdf)
    assert w_pt > h_pt  # landscape
    first = page_text(pdf, 1)
    for k in range(3):  # the last column's value of every clip is on the page, not cut off
        assert f"{10 + 13 + k}.5" in first
