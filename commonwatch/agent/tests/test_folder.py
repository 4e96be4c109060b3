"""A folder of recordings: each new one is watched once it rests, broken ones are
reported and skipped, and the agent keeps watching."""

from commonwatch.agent.spool import Spool

from .process import log_of, start_agent, wait_for
from .videos import scene, write_video


def test_new_recordings_in_a_folder_are_watched_as_they_appear(tmp_path):
    folder = tmp_path / "recordings"
    folder.mkdir()
    spool = Spool(tmp_path / "spool")
    agent = start_agent(
        folder, spool.root, "http://127.0.0.1:9", "--settle", "0.5", "--poll", "0.2"
    )
    try:
        (folder / "broken.mp4").write_bytes(b"not a video at all")
        arrive(folder, "first.mp4", scene(8, [(3, 5)]))
        wait_for(lambda: len(queued(spool)) == 1, 60, "the first clip")
        arrive(folder, "second.mp4", scene(9, [(1, 2), (5, 6)]))
        wait_for(lambda: len(queued(spool)) == 3, 60, "the second recording's clips")

        assert agent.poll() is None  # still watching
    finally:
        agent.kill()
        agent.wait()

    names = sorted(clip.meta["filename"].split("-")[0] for clip in queued(spool))
    assert names == ["first", "second", "second"]  # two separate motions in the second
    assert "cannot read" in log_of(spool.root).read_text()


def arrive(folder, name, frames):
    """A recording appears as cameras write them: under a hidden name, then renamed."""
    part = folder / f".{name}.part"
    write_video(part, frames, fmt="mp4")
    part.rename(folder / name)


def queued(spool):
    return spool.queued() if spool.queue.exists() else []
