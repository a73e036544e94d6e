import csv
import io

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from synth_body import standing_sequence

from hipform.errors import InputError, OutputError
from hipform.landmark_io import (
    atomic_path,
    csv_columns,
    parse_landmarks_csv,
    read_landmarks_csv,
    write_landmarks_csv,
)
from hipform.landmarks import N_LANDMARKS


def test_round_trip_with_world_and_missing(tmp_path):
    seq = standing_sequence(30, n=12)
    xyz = seq.xyz.copy()
    xyz[4] = np.nan
    xyz[6, 25] = np.nan
    vis = seq.visibility.copy()
    vis[4] = np.nan
    seq = seq.replace(xyz=xyz, visibility=vis)
    p = tmp_path / "lm.csv"
    write_landmarks_csv(seq, p)
    back = read_landmarks_csv(p)
    np.testing.assert_allclose(back.xyz, seq.xyz, atol=1e-3, equal_nan=True)
    np.testing.assert_allclose(back.visibility, seq.visibility, atol=1e-4, equal_nan=True)
    np.testing.assert_allclose(back.world, seq.world, atol=1e-5, equal_nan=True)
    np.testing.assert_allclose(back.t, seq.t, atol=1e-6)
    assert back.image_size == seq.image_size
    header = p.read_text().splitlines()[0].split(",")
    assert header[:2] == ["frame", "time_s"] and header[-2:] == ["width", "height"]
    assert "left_hip_wx" in header and "left_hip_visibility" in header


def _csv(rows, header):
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue()


def test_foreign_file_reordered_extra_and_missing_optional_columns():
    header = ["height", "left_hip_y", "time_s", "comment", "left_hip_x", "width"]
    text = _csv([[480, 200, 0.0, "a", 100, 640], [480, 201, 0.033, "b", 101, 640]], header)
    seq = parse_landmarks_csv(text)
    assert seq.xy("left_hip").tolist() == [[100, 200], [101, 201]]
    assert np.isnan(seq.xy("right_hip")).all()
    assert seq.visibility[0, 23] == 1.0
    assert seq.world is None and seq.image_size == (640, 480)


@pytest.mark.parametrize(
    ("header", "rows", "match"),
    [
        (["time_s", "left_hip_x", "left_hip_y", "width"], [[0, 1, 2, 3]], "missing required column 'height'"),
        (["time_s", "width", "height"], [[0, 1, 2]], "no landmark columns"),
        (["time_s", "width", "height", "left_hip_x", "left_hip_y"], [], "no data rows"),
        (
            ["time_s", "width", "height", "left_hip_x", "left_hip_y"],
            [[0, 640, 480, 1, 2], [0.1, 640, 480, "abc", 2]],
            r"row 3, column 'left_hip_x': 'abc' is not a number",
        ),
        (
            ["time_s", "width", "height", "left_hip_x", "left_hip_y"],
            [[0.2, 640, 480, 1, 2], [0.1, 640, 480, 1, 2]],
            r"row 3, column 'time_s': time 0.1 does not increase",
        ),
        (
            ["time_s", "width", "height", "left_hip_x", "left_hip_y"],
            [["", 640, 480, 1, 2]],
            "row 2, column 'time_s' is empty",
        ),
        (
            ["time_s", "width", "height", "left_hip_x", "left_hip_y"],
            [[0, 640, 480, 1, 2], [0.1, 320, 480, 1, 2]],
            "differs from the first row",
        ),
        (["time_s", "width", "height", "left_hip_x", "left_hip_y"], [[0, 640, 480, "inf", 2]], "not a finite number"),
    ],
)
def test_malformed_files_name_row_and_column(header, rows, match):
    with pytest.raises(InputError, match=match):
        parse_landmarks_csv(_csv(rows, header))


def test_empty_and_missing_file(tmp_path):
    with pytest.raises(InputError, match="empty file"):
        parse_landmarks_csv("")
    with pytest.raises(InputError, match="not found"):
        read_landmarks_csv(tmp_path / "nope.csv")
    binary = tmp_path / "bin.csv"
    binary.write_bytes(b"\xff\xfe\x00\x81garbage")
    with pytest.raises(InputError):
        read_landmarks_csv(binary)


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(1, 6),
    values=st.lists(st.one_of(st.none(), st.floats(-6e3, 6e3, allow_nan=False)), min_size=6, max_size=6),
    shuffle_seed=st.integers(0, 1000),
)
def test_parser_round_trips_any_values_and_column_order(n, values, shuffle_seed):
    header = csv_columns(with_world=False)
    rows = []
    for i in range(n):
        row = {c: "" for c in header}
        row.update(frame=i, time_s=0.1 * i, width=640, height=480)
        for k, v in enumerate(values):
            row[header[2 + k]] = "" if v is None else repr(v)
        rows.append(row)
    order = list(header)
    np.random.default_rng(shuffle_seed).shuffle(order)
    text = _csv([[r[c] for c in order] for r in rows], order)
    seq = parse_landmarks_csv(text)
    assert len(seq) == n
    got = seq.xyz[0, 0]
    exp_x, exp_y = values[0], values[1]
    if exp_x is None or exp_y is None:
        assert np.isnan(got[:2]).all()
    else:
        assert got[0] == pytest.approx(exp_x) and got[1] == pytest.approx(exp_y)
    assert seq.xyz.shape == (n, N_LANDMARKS, 3)


@settings(max_examples=80, deadline=None)
@given(text=st.text(max_size=200))
def test_parser_never_crashes_with_anything_but_input_error(text):
    try:
        parse_landmarks_csv(text)
    except InputError as e:
        assert "\n" not in str(e)


def test_atomic_path_keeps_old_file_on_failure(tmp_path):
    target = tmp_path / "report.json"
    target.write_text("old")
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_text("half")
        raise RuntimeError("boom")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]


def test_atomic_path_result_is_readable_by_others(tmp_path):
    import os
    import stat

    old = os.umask(0o022)
    try:
        with atomic_path(tmp_path / "report.html") as tmp:
            tmp.write_text("x")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "report.html").stat().st_mode) == 0o644


def test_atomic_path_unwritable(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(OutputError, match="cannot write"), atomic_path(blocker / "sub" / "a.txt"):
        pass
