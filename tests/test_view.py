import numpy as np
import pytest
from synth_body import standing_sequence

from hipform.view import detect_view, facing_sign, width_ratio


@pytest.mark.parametrize(
    ("yaw", "face", "expected"),
    [
        (0, True, "front"),
        (10, True, "front"),
        (-15, True, "front"),
        (180, False, "rear"),
        (90, True, "side-right"),
        (-90, True, "side-left"),
        (80, True, "side-right"),
    ],
)
def test_detect_view(yaw, face, expected):
    est = detect_view(standing_sequence(yaw, face_visible=face))
    assert est.view == expected
    assert est.confidence > 0.6
    assert "width_ratio_median" in est.evidence


def test_width_ratio_and_facing():
    assert np.nanmedian(width_ratio(standing_sequence(0))) > 0.5
    assert np.nanmedian(width_ratio(standing_sequence(90))) < 0.2
    assert np.nanmean(facing_sign(standing_sequence(90))) == 1
    assert np.nanmean(facing_sign(standing_sequence(-90))) == -1


def test_unknown_view_without_torso():
    seq = standing_sequence(0)
    xyz = seq.xyz.copy()
    xyz[:, 11:13] = np.nan
    est = detect_view(seq.replace(xyz=xyz))
    assert est.view == "unknown" and est.confidence == 0


@pytest.mark.slow
@pytest.mark.parametrize(
    ("clip", "views"),
    [
        ("walk_side_sports2d.mp4", {"side-left"}),  # README: side view, she faces image left
        ("squat_front_pexels_5fps.mp4", {"front"}),  # README: front view
    ],
)
def test_view_of_real_clips_with_labelled_views(clip, views):
    from fixtures_pose import subject_sequence

    from hipform.cleaning import interpolate_gaps

    est = detect_view(interpolate_gaps(subject_sequence(clip)))
    assert est.view in views
    assert est.confidence > 0.5
