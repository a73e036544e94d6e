"""Video probing and streaming: timestamps, rotation, truncation, bad inputs."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest
from fixtures_pose import HINGE, WALK, ffmpeg, marker_frames, shared_clip, write_clip

from hipform.errors import InputError
from hipform.video import Frame, FrameSource, VideoFileSource, VideoInfo, iter_frames, open_video


def test_open_video_reads_container_facts():
    info = open_video(shared_clip(WALK))
    assert isinstance(info, VideoInfo)
    assert info.fps == pytest.approx(30.0)
    assert info.frame_count == 230
    assert info.size == (1768, 994)
    assert info.rotation_deg == 0
    assert info.duration_s == pytest.approx(230 / 30)


def test_frames_stream_with_increasing_container_times():
    path = shared_clip(HINGE)
    with VideoFileSource(path) as source:
        assert isinstance(source, FrameSource)
        frames = [(f.index, f.t_s, f.bgr.shape) for f in source]
    assert source.frames_read == 100 and not source.truncated
    idx, t, shapes = zip(*frames, strict=True)
    assert list(idx) == list(range(100))
    assert np.all(np.diff(t) > 0)
    np.testing.assert_allclose(t, np.arange(100) / 60.0, atol=1e-6)
    assert set(shapes) == {(1920, 1080, 3)}


def test_decoding_runs_ahead_on_a_thread_with_bounded_queue():
    source = VideoFileSource(shared_clip(WALK), queue_size=3)
    it = iter(source)
    first = next(it)
    assert isinstance(first, Frame) and first.index == 0
    assert any(th.name == "hipform-decode" for th in threading.enumerate())
    time.sleep(0.5)  # a slow consumer: the decoder must stop at the queue bound
    assert 2 <= source.frames_decoded <= 1 + 3 + 1
    it.close()  # stop early
    assert not source._thread.is_alive()
    assert source.frames_read == 1


def test_iter_frames_helper_and_single_iteration():
    path = shared_clip(HINGE)
    assert sum(1 for _ in iter_frames(path)) == 100
    source = VideoFileSource(path)
    list(source)
    with pytest.raises(RuntimeError, match="only once"):
        list(source)


def test_missing_file():
    with pytest.raises(InputError, match="video not found: .*nope.mp4"):
        open_video("nope.mp4")


def test_folder_is_not_a_video(tmp_path):
    with pytest.raises(InputError, match="expected a video file"):
        open_video(tmp_path)


def test_text_file_is_not_a_video(tmp_path):
    p = tmp_path / "notes.mp4"
    p.write_text("hello, I am not a video\n" * 20)
    with pytest.raises(InputError, match="not a video file") as info:
        open_video(p)
    assert "\n" not in str(info.value)


def test_empty_file(tmp_path):
    p = tmp_path / "empty.mp4"
    p.touch()
    with pytest.raises(InputError, match="empty"):
        VideoFileSource(p)


def test_zero_frame_video(tmp_path):
    p = tmp_path / "zero.mp4"
    ffmpeg("-f", "lavfi", "-i", "color=c=black:s=64x32:r=10", "-frames:v", "0", "-c:v", "mpeg4", str(p))
    with pytest.raises(InputError, match="no decodable frame"):
        open_video(p)


def test_header_only_video(tmp_path):
    full = write_clip(tmp_path / "full.mp4", marker_frames(20))
    fast = tmp_path / "fast.mp4"
    ffmpeg("-i", str(full), "-c", "copy", "-movflags", "+faststart", str(fast))
    cut = tmp_path / "header_only.mp4"
    data = fast.read_bytes()
    cut.write_bytes(data[: data.find(b"mdat") + 8])
    with pytest.raises(InputError, match="no decodable frame"):
        open_video(cut)


def test_truncated_video_stops_at_last_decodable_frame(tmp_path, caplog):
    data = shared_clip(WALK).read_bytes()
    cut = tmp_path / "truncated.mp4"
    cut.write_bytes(data[: len(data) // 2])
    with VideoFileSource(cut) as source:
        assert source.info.frame_count == 230
        times = [f.t_s for f in source]
    assert 50 < source.frames_read < 230
    assert source.truncated
    assert np.all(np.diff(times) > 0)
    assert "ended after" in caplog.text


def test_rotation_metadata_is_applied(tmp_path):
    plain = write_clip(tmp_path / "plain.mp4", marker_frames(10, width=64, height=32))
    rotated = tmp_path / "rotated.mp4"
    ffmpeg("-display_rotation", "90", "-i", str(plain), "-c", "copy", str(rotated))
    info = open_video(rotated)
    assert info.rotation_deg in (90, 270)
    assert info.size == (32, 64)  # portrait after rotation
    frame = next(iter(VideoFileSource(rotated)))
    assert frame.bgr.shape == (64, 32, 3)
    red = frame.bgr[:, :, 2].astype(float) - frame.bgr[:, :, 0]
    # the red stripe that ran along the top edge now runs down a side edge
    assert max(red[:, :3].mean(), red[:, -3:].mean()) > 100
    assert red[:3, 8:-8].mean() < 50


def test_timestamps_fall_back_to_index_over_fps():
    from hipform.video import _Clock

    clock = _Clock(fps=25.0)
    t = [clock.stamp(0, 0.0), clock.stamp(1, 0.0), clock.stamp(2, float("nan")), clock.stamp(3, 120.0)]
    assert t == pytest.approx([0.0, 0.04, 0.08, 0.12])
    assert clock.stamp(4, 100.0) == pytest.approx(0.16)  # going backwards is not allowed
