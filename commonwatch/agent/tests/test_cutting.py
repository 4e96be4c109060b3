"""Clips are cut around motion inside the zones, the same way on every run."""

import hashlib
from datetime import timedelta

import av
import pytest

from commonwatch.agent.clips import Cutter
from commonwatch.agent.motion import MotionDetector
from commonwatch.agent.sources import Recording
from commonwatch.agent.spool import Spool

from .conftest import EVENTS, RECORDED
from .videos import scene, write_video

BOTTOM_HALF = [[[0, 0.5], [1, 0.5], [1, 1], [0, 1]]]
TOP_HALF = [[[0, 0], [1, 0], [1, 0.5], [0, 0.5]]]


def cut(path, spool, zones=(), pre_roll=2.0, post_roll=2.0, max_clip=60.0):
    source = Recording(path)
    cutter = Cutter(
        spool=spool,
        detector=MotionDetector(list(zones)),
        source=source,
        pre_roll=pre_roll,
        post_roll=post_roll,
        max_clip=max_clip,
    )
    for frame in source.frames():
        cutter.feed(frame)
    cutter.close()
    return spool.queued()


def duration(path):
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.name == "h264"
        return sum(1 for _ in container.decode(stream)) / 10


def test_each_motion_gets_one_clip_with_seconds_before_and_after(recording, spool):
    clips = cut(recording, spool)

    assert len(clips) == len(EVENTS)
    for clip, (start, end) in zip(clips, EVENTS, strict=True):
        meta = clip.meta
        assert meta["recorded_at"] == (RECORDED + timedelta(seconds=start - 2)).isoformat()
        assert meta["filename"].endswith(".mp4")
        assert meta["size"] == clip.video.stat().st_size
        assert meta["sha256"] == hashlib.sha256(clip.video.read_bytes()).hexdigest()
        # 2 s before the square appears, until 2 s after it has gone.
        assert duration(clip.video) == pytest.approx(end - start + 4, abs=0.3)


def test_long_motion_is_cut_into_clips_of_at_most_max_clip(tmp_path, spool):
    path = write_video(tmp_path / "long.mp4", scene(14, [(1, 13)]))

    clips = cut(path, spool, max_clip=5)

    lengths = [duration(clip.video) for clip in clips]
    assert len(clips) == 3 and max(lengths) <= 5.1
    # The square moves from the 1st to the 13th second: with the rolls, that is every
    # frame of the 14 s recording, each in exactly one clip.
    assert sum(lengths) == pytest.approx(14)


def test_motion_outside_the_zones_is_ignored(tmp_path):
    path = write_video(tmp_path / "top.mp4", scene(8, [(3, 5)], row=0.0))

    assert cut(path, Spool(tmp_path / "a").open(), zones=BOTTOM_HALF) == []
    assert len(cut(path, Spool(tmp_path / "b").open(), zones=TOP_HALF)) == 1


def test_a_still_noisy_scene_makes_no_clip(tmp_path, spool):
    path = write_video(tmp_path / "still.mp4", scene(8, []))

    assert cut(path, spool) == []


def frame_times(path):
    with av.open(str(path)) as container:
        return [frame.pts for frame in container.decode(container.streams.video[0])]


def test_cutting_again_gives_the_same_clips(recording, tmp_path):
    first = cut(recording, Spool(tmp_path / "first").open())
    second = cut(recording, Spool(tmp_path / "second").open())

    # Same names and the same frames at the same times. Not always the same bytes: x264
    # now and then codes a B-frame differently in a process whose other threads decode
    # and detect (seen in about 1 run in 100), so the spool, not the bytes, is what
    # keeps a clip from being sent twice.
    assert [c.clip_id for c in first] == [c.clip_id for c in second]
    assert [c.meta["recorded_at"] for c in first] == [c.meta["recorded_at"] for c in second]
    assert [frame_times(c.video) for c in first] == [frame_times(c.video) for c in second]


def test_a_restarted_cut_queues_nothing_twice(recording, spool):
    first = cut(recording, spool)
    # A run killed while writing leaves a half-written clip behind.
    (spool.start_clip("half-written") / "clip.mp4").write_bytes(b"\x00" * 100)
    spool.mark_sent(first[0], "http://server/upload/1")

    reopened = Spool(spool.root).open()
    again = cut(recording, reopened)

    assert [c.clip_id for c in again] == [c.clip_id for c in first[1:]]
    assert list(reopened.tmp.iterdir()) == []


def test_a_source_whose_clock_starts_again_keeps_its_frames_in_order(tmp_path, spool):
    # Two camera sessions back to back in one MPEG-TS file: the second restarts at 0.
    first = write_video(tmp_path / "a.ts", scene(6, []), fmt="mpegts").read_bytes()
    second = write_video(tmp_path / "b.ts", scene(8, [(3, 5)]), fmt="mpegts").read_bytes()
    path = tmp_path / "restarted.ts"
    path.write_bytes(first + second)

    times = [frame.seconds for frame in Recording(path).frames()]
    clips = cut(path, spool)

    assert all(later > earlier for earlier, later in zip(times, times[1:], strict=False))
    assert times[-1] == pytest.approx(13.9, abs=0.2)
    assert [duration(clip.video) for clip in clips] == [pytest.approx(6, abs=0.3)]
