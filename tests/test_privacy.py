"""--blur-faces: the face region (from the face landmarks, with a margin) is blurred, nothing else."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from synth_body import standing_sequence

from hipform.landmarks import landmark_index
from hipform.render import stills
from hipform.render.privacy import FACE, blur_face, face_ellipse


def textured(seq, seed=0) -> np.ndarray:
    """A frame of the clip's size full of fine detail (so any blurring shows)."""
    w, h = seq.image_size
    rng = np.random.default_rng(seed)
    return rng.integers(0, 256, (h, w, 3), dtype=np.uint8)


def ellipse_mask(shape, ell, grow: float = 0.0) -> np.ndarray:
    (cx, cy), (a, b) = ell
    m = np.zeros(shape[:2], np.uint8)
    cv2.ellipse(m, (round(cx), round(cy)), (round(a + grow), round(b + grow)), 0, 0, 360, 255, -1)
    return m > 0


@pytest.mark.parametrize("yaw", [0.0, 60.0, 90.0])
def test_blur_changes_the_face_only_and_covers_every_face_landmark(yaw):
    seq = standing_sequence(yaw_deg=yaw, n=3, noise_px=0.0)
    img = textured(seq)
    out = blur_face(img.copy(), seq, 1)
    ell = face_ellipse(seq, 1)
    assert ell is not None
    changed = np.abs(out.astype(int) - img.astype(int)).max(axis=2) > 0
    inside = ellipse_mask(img.shape, ell, grow=1.5)
    assert changed.any()
    assert not (changed & ~inside).any(), "pixels outside the face region changed"
    # every face landmark the model found lies well inside the blurred region, turned or not
    core = ellipse_mask(img.shape, ell, grow=-4.0)
    for j in FACE:
        x, y = seq.xyz[1, j, :2]
        if np.isfinite(x):
            assert core[int(round(y)), int(round(x))], f"face landmark {j} not covered at yaw {yaw}"
    # and the region is detail-free: its pixel-to-pixel variation collapses
    face = inside & ellipse_mask(img.shape, ell, grow=-6.0)
    assert np.abs(np.diff(out.astype(int), axis=1))[face[:, 1:]].mean() < 0.2 * np.abs(
        np.diff(img.astype(int), axis=1)
    )[face[:, 1:]].mean()


def test_without_face_landmarks_the_head_is_placed_above_the_shoulders():
    seq = standing_sequence(n=3, noise_px=0.0)
    xyz = seq.xyz.copy()
    xyz[:, list(FACE)] = np.nan  # the face was not found (turned away, hair, cap)
    blind = seq.replace(xyz=xyz)
    (cx, cy), (a, b) = face_ellipse(blind, 0)
    sh = 0.5 * (seq.xyz[0, landmark_index("left_shoulder"), :2] + seq.xyz[0, landmark_index("right_shoulder"), :2])
    nose = seq.xyz[0, landmark_index("nose"), :2]
    assert cy < sh[1]  # above the shoulders (image y points down)
    assert np.hypot((nose[0] - cx) / a, (nose[1] - cy) / b) < 1.0  # where the face really is


def test_blurred_stills_differ_from_unblurred_ones_only_in_the_face_region():
    """The still is cropped and scaled: map the face region through the same rendering."""
    seq = standing_sequence(yaw_deg=30.0, n=3, noise_px=0.0)
    img = textured(seq, 1)
    plain = stills.render_still(img.copy(), seq, 1, [])
    blurred = stills.render_still(blur_face(img.copy(), seq, 1), seq, 1, [])
    # where the face region lands in the still: render a white face region on black, minus black alone
    black = np.zeros_like(img)
    white_face = black.copy()
    white_face[ellipse_mask(img.shape, face_ellipse(seq, 1), grow=2.0)] = 255
    region = np.abs(stills.render_still(white_face, seq, 1, []).astype(int)
                    - stills.render_still(black, seq, 1, []).astype(int)).max(axis=2) > 0
    region = cv2.dilate(region.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
    diff = np.abs(blurred.astype(int) - plain.astype(int)).max(axis=2) > 0
    assert diff.sum() > 50, "the still's face was not blurred"
    assert not (diff & ~region).any(), "the blurred still changed outside the face region"
