"""The walkthrough notebook runs end to end (real clip, real pose model), so it cannot rot."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "walkthrough.ipynb"


@pytest.mark.slow
def test_walkthrough_notebook_executes_and_plots(tmp_path, monkeypatch):
    monkeypatch.setenv("HIPFORM_WALKTHROUGH_OUT", str(tmp_path))
    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOK.parent)}}
    )
    client.execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.output_type == "error"]
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) == 2  # the landmark tracks and the per-step hip extension
    text = "".join(o.get("text", "") for o in outputs)
    assert "walking seen from side" in text and "steps found:" in text
    assert "report.html:" in text
    written = {p.name for p in (tmp_path / "walk").iterdir()}
    assert {"report.json", "report.html", "landmarks.csv", "steps.csv"} <= written
