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
