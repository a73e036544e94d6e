"""Subject selection with several people in view: synthetic tracks and the real clips."""

from __future__ import annotations

import numpy as np
import pytest
from fixtures_pose import HINGE_TWO, WALK, clip_detections, hip_centre, make_pose

from hipform.sequence import FramePose
from hipform.tracking import (
    OnlineTracker,
    TrackerConfig,
    link_tracks,
    make_detections,
    pose_centre_scale,
    score_tracks,
    select_subject,
)

FPS = 30.0


def _shuffled(frames: list[list[FramePose]], seed: int = 1) -> list[list[FramePose]]:
    rng = np.random.default_rng(seed)
    return [[poses[i] for i in rng.permutation(len(poses))] for poses in frames]


def _hinge_and_bystander(n: int = 90) -> list[list[FramePose]]:
    """A person doing a leg swing in place, and a larger still bystander in every frame."""
    frames = []
    for i in range(n):
        swing = 0.8 * np.sin(np.pi * i / n) ** 2
        subject = make_pose(300, 400, 100, leg_swing=swing)
        bystander = make_pose(700 + 2 * np.sin(i), 500, 130)
        frames.append([subject, bystander] if 10 <= i < n - 5 else [bystander])
    return _shuffled(frames)


def test_centre_and_scale():
    centre, scale = pose_centre_scale(make_pose(300, 400, 100))
    np.testing.assert_allclose(centre, [300, 400])
    assert 260 < scale < 300  # box diagonal of the stick figure
    assert pose_centre_scale(FramePose.missing()) is None


def test_duplicates_of_one_person_are_merged():
    a = make_pose(300, 400, 100)
    b = make_pose(303, 402, 100)
    c = make_pose(800, 400, 100)
    dets = make_detections(0, [a, b, c], TrackerConfig())
    assert len(dets) == 2


def test_moving_subject_beats_larger_still_bystander():
    frames = _hinge_and_bystander()
    sel = select_subject(frames, FPS)
    hips = hip_centre(sel.poses)
    found = np.isfinite(hips).all(axis=1)
    assert found[10:85].all() and not found[:10].any()
    np.testing.assert_allclose(hips[found, 0], 300)
    assert sel.n_tracks == 2
    best, other = sel.scores
    assert best.articulation > other.articulation
    assert best.presence < other.presence


def test_walker_crossing_beats_still_bystander():
    frames = []
    for i in range(120):
        walker = make_pose(1500 - 12 * i, 700, 90)
        stander = make_pose(600, 250, 90)
        frames.append([stander, walker] if i < 110 else [stander])
    sel = select_subject(_shuffled(frames), FPS)
    hips = hip_centre(sel.poses)
    assert np.isfinite(hips[:110]).all()
    np.testing.assert_allclose(hips[:110, 1], 700)
    assert np.isnan(hips[110:]).all()  # subject lost: NaN, not the bystander


def test_track_survives_short_gaps_and_is_stitched():
    frames = []
    for i in range(60):
        pose = make_pose(200 + 3 * i, 300, 80)
        frames.append([] if 20 <= i < 30 else [pose])
    tracks = link_tracks(frames, FPS)
    assert len(tracks) == 1
    assert len(tracks[0]) == 50


def test_a_far_jump_starts_a_new_track():
    frames = [[make_pose(200, 300, 80)] for _ in range(20)] + [[make_pose(900, 300, 80)] for _ in range(20)]
    tracks = link_tracks(frames, FPS)
    assert len(tracks) == 2
    assert [len(t) for t in tracks] == [20, 20]


def test_scores_are_sorted_and_empty_input():
    assert score_tracks([], 10) == []
    sel = select_subject([[], [], []], FPS)
    assert not sel.found and len(sel.poses) == 3
    assert all(not p.found for p in sel.poses)


def test_online_tracker_keeps_the_subject_and_takes_over_when_lost():
    tracker = OnlineTracker(FPS)
    out = []
    for i in range(100):
        subject = make_pose(300 + i, 400, 100)
        intruder = make_pose(700, 400, 140)
        if i < 5:
            poses = [subject]
        elif i < 60:
            poses = [intruder, subject]
        else:
            poses = [intruder]  # the subject left
        out.append(tracker.update(poses))
    hips = hip_centre(out)
    np.testing.assert_allclose(hips[:60, 0], 300 + np.arange(60))
    gap = int(round(TrackerConfig().max_gap_s * FPS))
    assert np.isnan(hips[60 : 60 + gap]).all()  # not switched at once
    np.testing.assert_allclose(hips[61 + gap :, 0], 700)


# real clips (MediaPipe) -------------------------------------------------------------
def _selection(name: str):
    clip = clip_detections(name)
    return clip, select_subject(clip.candidates, clip.info.fps)


def test_walk_clip_subject_is_the_walker_not_the_jumper():
    clip, sel = _selection(WALK)
    hips = hip_centre(sel.poses)
    found = np.isfinite(hips).all(axis=1)
    # present while she is in view, gone after she leaves
    assert found[59:196].mean() > 0.9
    assert not found[215:].any()
    # the walker's hips stay low in the picture; the jumper's are on the box (y < 450 px)
    assert np.nanmin(hips[:, 1]) > 450
    # she walks right to left: x falls steadily and never jumps to the jumper
    xs = hips[found, 0]
    assert xs[0] > 1300 and xs[-1] < 100
    assert np.max(np.abs(np.diff(xs))) < 150
    assert np.corrcoef(np.flatnonzero(found), xs)[0, 1] < -0.98


def test_two_person_hinge_subject_is_the_man_on_the_treadmill():
    clip, sel = _selection(HINGE_TWO)
    hips = hip_centre(sel.poses)
    found = np.isfinite(hips).all(axis=1)
    # the bystander (white T-shirt) has her hips near y = 1300 px, x = 750 px
    assert np.nanmax(hips[:, 1]) < 1050
    assert np.nanmax(hips[:, 0]) < 650
    assert np.max(np.linalg.norm(np.diff(hips[found], axis=0), axis=1)) < 120
    # he is found in nearly every frame until the bystander hides him near the end
    assert found[:80].mean() > 0.9
    assert found.mean() > 0.8


@pytest.mark.parametrize("name", [WALK, HINGE_TWO])
def test_real_clip_scores_explain_the_choice(name):
    _, sel = _selection(name)
    assert sel.n_tracks >= 2
    assert sel.scores[0].score > 1.2 * sel.scores[1].score
