"""Stills show the frame each value was taken at, and say when the drawing contradicts the value."""

from __future__ import annotations

import numpy as np
import pytest
from synth_body import standing_sequence
from synth_front import Rep, Stand, make_clip
from synth_hinge import HingeRep, hinge_sequence

from hipform.exercises import get_exercise
from hipform.landmarks import landmark_index
from hipform.pipeline import Settings, analyse_prepared, analyse_sequence
from hipform.render import stills


def test_rdl_still_at_the_deepest_frame_not_the_counter_bottom():
    # a held bottom: the counter's extreme and the frame the RDL measures at are different frames
    seq, _ = hinge_sequence([HingeRep(hold_s=1.0)] * 2, noise_px=0.5, noise_m=0.003, seed=1)
    d = analyse_sequence(seq, Settings("single-leg-rdl")).to_dict()
    wanted = stills.still_times(d)
    assert len(wanted) == len(d["reps"]) == 2
    differ = 0
    for (_, _item, t), r in zip(wanted, d["reps"], strict=True):
        assert stills.frame_for_time(seq, t) == seq.index_at(r["deepest_s"])  # the value's frame
        differ += seq.index_at(r["deepest_s"]) != seq.index_at(r["bottom_s"])
    assert differ >= 1  # the old still (at bottom_s) would have shown another frame


def test_squat_still_redraws_the_reported_fppa():
    clip = make_clip([Stand(1.5, None), *[Rep(None, depth=0.22, valgus=12.0) for _ in range(2)]], seed=7)
    a = analyse_prepared(clip.seq, Settings("squat"))
    d, seq = a.report.to_dict(), a.prepared.smoothed
    for _, rep, t in stills.still_times(d):
        f = stills.frame_for_time(seq, t)
        assert f == seq.index_at(rep["bottom_s"])  # squats measure around the deepest frame
        for side in ("left", "right"):
            drawn = stills.drawn_value(f"knee_valgus_fppa_{side}_deg", seq, f, side)
            assert drawn == pytest.approx(rep["metrics"][f"knee_valgus_fppa_{side}_deg"], abs=1.0)


def _side_view(knee_dx: float):
    """A standing person seen from their left side (facing image left or right), knee moved by ``knee_dx`` px."""
    seq = standing_sequence(yaw_deg=90.0, noise_px=0.0)
    xyz = seq.xyz.copy()
    xyz[:, landmark_index("left_knee"), 0] += knee_dx
    return seq.replace(xyz=xyz)


def test_contradicting_geometry_is_flagged_not_green():
    seq = _side_view(0.0)
    facing = stills.facing_sign(seq, 0)
    assert np.isfinite(facing)
    ahead = _side_view(facing * 60.0)  # thigh forward of the hip
    item = {"side": "left", "metrics": {"peak_hip_extension_deg": 16.8}, "faults": []}
    lines = stills.angle_lines_for_item(item, [get_exercise("running").metric("peak_hip_extension_deg")])
    assert lines[0].severity is None  # ok by the value: would be green
    checked = stills.check_geometry(lines, ahead, 0)
    assert checked[0].mismatch and "opposite sign" in checked[0].mismatch
    assert checked[0].label.endswith(stills.MISMATCH_TEXT)
    img = stills.blank_frame(ahead)
    stills.draw_angle_lines(img, ahead, 0, checked)
    hip, knee = ahead.xyz[0, landmark_index("left_hip"), :2], ahead.xyz[0, landmark_index("left_knee"), :2]
    x, y = np.round((hip + knee) / 2).astype(int)
    assert tuple(img[y, x]) == stills.MISMATCH_BGR
    # the thigh behind the hip agrees with a hip extension: not flagged
    behind = _side_view(-facing * 60.0)
    assert stills.check_geometry(lines, behind, 0)[0].mismatch is None
    # the full render path flags it too
    out = stills.render_still(stills.blank_frame(ahead), ahead, 0, lines)
    assert (np.abs(out.astype(int) - np.array(stills.MISMATCH_BGR)).sum(axis=-1) == 0).any()
