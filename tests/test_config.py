import pytest

from hipform.config import COMMON_THRESHOLDS, ThresholdSpec, load_toml, resolve_thresholds
from hipform.errors import ConfigError

SPECS = (
    ThresholdSpec("knee_valgus_warn_deg", 10, "deg", "warn", 0, 45),
    ThresholdSpec("knee_valgus_fault_deg", 15, "deg", "fault", 0, 45),
)


def write(tmp_path, text):
    p = tmp_path / "t.toml"
    p.write_text(text)
    return p


def test_defaults_include_common():
    th = resolve_thresholds("single-leg-squat", SPECS)
    assert th["knee_valgus_warn_deg"] == 10
    assert th["max_gap_s"] == 0.15
    assert {c.name for c in COMMON_THRESHOLDS} <= set(th)


def test_overrides_from_toml(tmp_path):
    p = write(tmp_path, "[analysis]\nmax_gap_s = 0.2\n[single-leg-squat]\nknee_valgus_warn_deg = 8\n[running]\nx = 1\n")
    th = resolve_thresholds("single-leg-squat", SPECS, load_toml(p), known_exercises=["single-leg-squat", "running"])
    assert th["knee_valgus_warn_deg"] == 8 and th["max_gap_s"] == 0.2


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("[single-leg-squat]\nknee_valgus_warn = 8\n", "unknown threshold 'knee_valgus_warn'"),
        ("[single-leg-squat]\nknee_valgus_warn_deg = 90\n", "outside the allowed range"),
        ("[dance]\na = 1\n", r"unknown table \[dance\]"),
        ("[analysis]\nknee_valgus_warn_deg = 8\n", "unknown threshold"),
    ],
)
def test_bad_overrides(tmp_path, text, match):
    with pytest.raises(ConfigError, match=match):
        resolve_thresholds("single-leg-squat", SPECS, load_toml(write(tmp_path, text)))


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("[a\n", "not valid TOML"),
        ("x = 1\n", "must be a table"),
        ("[a]\nb = 'text'\n", "must be a number"),
        ("[a]\nb = true\n", "must be a number"),
    ],
)
def test_bad_files(tmp_path, text, match):
    with pytest.raises(ConfigError, match=match):
        load_toml(write(tmp_path, text))


def test_missing_file(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        load_toml(tmp_path / "none.toml")


def test_thresholds_are_read_only_and_have_no_fallback_for_undeclared_names():
    from hipform.config import Thresholds
    from hipform.pipeline import Settings

    th = Settings("single-leg-squat").thresholds()
    assert isinstance(th, Thresholds)
    assert th["knee_valgus_warn_deg"] == 10.0
    with pytest.raises(KeyError, match="not declared by exercise 'single-leg-squat'"):
        th["lockout_warn_deg"]
    with pytest.raises(TypeError):
        th["knee_valgus_warn_deg"] = 3.0  # type: ignore[index]
    assert th.changed() == {}


def test_thresholds_changed_lists_the_clinicians_values(tmp_path):
    from hipform.pipeline import Settings

    cfg = tmp_path / "t.toml"
    cfg.write_text("[single-leg-squat]\nknee_valgus_warn_deg = 8\n")
    th = Settings.from_cli("single-leg-squat", config=cfg).thresholds()
    assert th.changed() == {"knee_valgus_warn_deg": (10.0, 8.0)}


def test_measuring_code_reads_thresholds_without_literal_fallbacks():
    """A literal fallback (`th.get("x", 15.0)`) can drift from the declared default; none is left."""
    import re
    from pathlib import Path

    pattern = re.compile(r"thresholds?\.get\(\s*\"[a-z_]+\"\s*,|\bth\.get\(\s*\"[a-z_]+\"\s*,")
    hits = [
        f"{p.name}:{i}"
        for p in (Path(__file__).resolve().parents[1] / "hipform").rglob("*.py")
        for i, line in enumerate(p.read_text().splitlines(), 1)
        if pattern.search(line)
    ]
    assert hits == []


def test_docs_config_lists_every_internal_decision_constant_with_its_value():
    import subprocess
    import sys
    from pathlib import Path

    repo = Path(__file__).resolve().parents[1]
    table = subprocess.run([sys.executable, str(repo / "benchmarks" / "constants_table.py")], capture_output=True,
                           text=True, check=True, cwd=repo).stdout.strip()
    assert table in (repo / "docs" / "config.md").read_text(), "rerun benchmarks/constants_table.py into docs/config.md"
