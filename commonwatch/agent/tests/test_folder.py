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
        # A camera writes under a temporary name and renames when done.
        write_video(folder / ".first.mp4.part", scene(8, [(3, 5)]), fmt="mp4")
        (folder / ".first.mp4.part").rename(folder / "first.mp4")
        wait_for(
            lambda: spool.sources.exists() and len(list(spool.sources.iterdir())) == 2,
            60,
            "both files watched",
        )
        write_video(folder / "second.mp4", scene(9, [(1, 2), (5, 6)]))
        wait_for(lambda: len(list(spool.sources.iterdir())) == 3, 60, "the second recording")

        assert agent.poll() is None  # still watching
    finally:
        agent.kill()
        agent.wait()

    names = sorted(clip.meta["filename"].split("-")[0] for clip in spool.open().queued())
    assert names == ["first", "second", "second"]  # two separate motions in the second
    assert "cannot read" in log_of(spool.root).read_text()
