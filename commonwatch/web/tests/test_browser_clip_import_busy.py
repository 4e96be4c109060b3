"""An owner's folder import meets a busy server, in real Chromium.

When every thread for requests carrying files is taken, the server answers a part 503
with Retry-After and runs nothing of it (media.asgi.FileUploadThreads). The test's live
server has no such layer, so Playwright answers for it: the page's POSTs that carry files
are refused here, in the server's own words, as often as a test says, then let through.
The import script's waits are held until the test lets each go (their length recorded),
so the page can be checked while it waits; Playwright's own clock, once paused, would
pause axe-core's timers too.
"""

from __future__ import annotations

import asyncio
import re
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from commonwatch.cameras.models import Clip, ClipImport, ClipImportFile, ImportState
from commonwatch.cameras.tests.factories import CameraFactory, exported_video
from commonwatch.media.asgi import _busy
from commonwatch.web.tests.conftest import path_is

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

WAITING = "The server is busy: sending again in 1 s…"
NOTHING_SENT = (
    "The server stayed too busy to take these files: nothing was imported. "
    "Try again in a few minutes."
)
REST_NOT_SENT = (
    "The server stayed too busy to take the rest: the files sent before were imported, "
    "the others were not."
)
HOLD_WAITS = r"""
(() => {
  const setTimeout = window.setTimeout;
  window.heldWaits = [];
  window.holdWaits = false;  // set by the test, on the page it means
  window.setTimeout = function (callback, delay, ...args) {
    if (!window.holdWaits || !/clip-import\.js/.test(new Error().stack)) {
      return setTimeout(callback, delay, ...args);
    }
    window.heldWaits.push([delay, () => callback(...args)]);
    return 0;
  };
})();
"""
BUSY_TRIES = 12  # clip-import.js: a part refused as busy is sent again this many times


def busy_answer(path: str) -> dict:
    """What the server answers a POST to `path` when busy, with Retry-After: 1."""
    sent = []

    async def send(message):
        sent.append(message)

    with ThreadPoolExecutor(1) as thread:  # Playwright's loop runs in this one
        thread.submit(asyncio.run, _busy({"path": path}, send)).result()
    headers = {name.decode(): value.decode() for name, value in sent[0]["headers"]}
    assert headers.pop("retry-after") == "5"
    return {
        "status": sent[0]["status"],
        "headers": {**headers, "Retry-After": "1"},
        "body": sent[1]["body"],
    }


class BusyServer:
    """Answers the first POSTs of each part 503 busy, lets the others through.

    A part is known by the names of the files it carries (none: the post that closes an
    import); `refusals(names)` says how many of its POSTs are refused. `posts` lists every
    POST of the import page's script, in order, as (names, "refused" or "sent")."""

    def __init__(self, page, refusals):
        self.refusals = refusals
        self.posts: list[tuple[tuple[str, ...], str]] = []
        page.route(re.compile(r"/clips/import/"), self.answer)

    def answer(self, route, request) -> None:
        if request.method != "POST" or "multipart/form-data" not in request.headers.get(
            "content-type", ""
        ):
            route.continue_()
            return
        body = request.post_data_buffer or b""
        names = re.findall(rb'name="folder"; filename="([^"]*)"', body)
        names = tuple(name.decode() for name in names)
        if sum(1 for part, _ in self.posts if part == names) < self.refusals(names):
            self.posts.append((names, "refused"))
            route.fulfill(**busy_answer(reverse("clip_imports:imports")))
        else:
            self.posts.append((names, "sent"))
            route.continue_()

    def parts(self) -> list[tuple[str, ...]]:
        return list(dict.fromkeys(part for part, _ in self.posts))


def end_wait(page) -> tuple[int, str]:
    """Ends the page's first held wait now: how long it was to last (ms), and what the
    page's status says as soon as it ended."""
    return tuple(
        page.evaluate(
            """() => {
                const [delay, end] = window.heldWaits.shift();
                end();
                return [delay, document.querySelector("#import-sending [role=status]").textContent];
            }"""
        )
    )


def open_import_form(open_page, tmp_path, camera, videos: int):
    export = tmp_path / "ring-export"
    export.mkdir()
    for shade in range(videos):
        (export / f"2026-11-2{shade}T09-00-00.mp4").write_bytes(exported_video(shade))
    owner = open_page()
    owner.sign_in_as(camera.owner)
    page = owner.page
    page.add_init_script(HOLD_WAITS)
    page.goto(reverse("clip_imports:imports"))
    page.evaluate("window.holdWaits = true")
    page.get_by_label("Into which camera").select_option(label=camera.name)
    page.get_by_label("Or a folder").set_input_files(export)
    return owner, page


def test_a_part_refused_as_busy_goes_again_after_retry_after_and_counts_once(
    open_page, tmp_path, settings
):
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 2  # three videos: two parts
    camera = CameraFactory(name="Front door")
    owner, page = open_import_form(open_page, tmp_path, camera, videos=3)
    server = BusyServer(page, refusals=lambda names: 1 if names else 0)
    status = page.locator("#import-sending").get_by_role("status")

    page.get_by_role("button", name="Import").click()

    # The first part is refused: the page says it waits, and sends nothing meanwhile.
    expect(status).to_have_text(WAITING)
    expect(page.get_by_role("button", name="Import")).to_be_disabled()
    owner.check("clip-import-busy")
    assert server.posts == [(server.parts()[0], "refused")]
    assert page.evaluate("window.heldWaits.length") == 1
    # Sent again after Retry-After, saying so; taken.
    assert end_wait(page) == (1000, "Sending part 1 of 2…")
    # The second part is refused in its turn, then sent again.
    expect(status).to_have_text(WAITING)
    assert ClipImport.objects.get().files.count() == 2
    assert end_wait(page) == (1000, "Sending part 2 of 2…")

    expect(page).to_have_url(re.compile(r"/clips/import/\d+/$"), timeout=20_000)
    clip_import = ClipImport.objects.get()
    expect(page).to_have_url(path_is(reverse("clip_imports:detail", args=[clip_import.pk])))
    expect(page.locator("#import-done")).to_have_text("3 of 3 files")
    expect(page.locator("#import-counts")).to_contain_text("Imported: 3")
    first, second = server.parts()
    assert server.posts == [
        (first, "refused"),
        (first, "sent"),
        (second, "refused"),
        (second, "sent"),
    ]
    assert sorted(first + second) == sorted(
        ClipImportFile.objects.values_list("name", flat=True)
    )  # each file recorded once
    assert Clip.objects.filter(camera=camera).count() == 3
    assert ClipImport.objects.get().state == ImportState.DONE


def test_a_part_refused_as_busy_past_the_last_try_is_said_and_nothing_is_recorded(
    open_page, tmp_path, settings
):
    camera = CameraFactory(name="Front door")
    owner, page = open_import_form(open_page, tmp_path, camera, videos=2)
    server = BusyServer(page, refusals=lambda names: BUSY_TRIES + 1)
    status = page.locator("#import-sending").get_by_role("status")

    page.get_by_role("button", name="Import").click()
    for tries in range(1, BUSY_TRIES + 1):
        expect(status).to_have_text(WAITING)
        assert len(server.posts) == tries
        assert end_wait(page) == (1000, "Sending part 1 of 1…")

    expect(status).to_have_text(NOTHING_SENT)
    assert server.posts == [(server.parts()[0], "refused")] * (BUSY_TRIES + 1)
    # Nothing was recorded, so the owner may send it all again.
    expect(page.get_by_role("button", name="Import")).to_be_enabled()
    assert page.evaluate("window.heldWaits.length") == 0  # no more tries
    assert len(server.posts) == BUSY_TRIES + 1
    owner.check("clip-import-busy-gave-up")
    assert not ClipImport.objects.exists()
    assert not ClipImportFile.objects.exists()
    assert not Clip.objects.exists()


def test_a_later_part_refused_past_the_last_try_leaves_an_import_of_the_parts_taken(
    open_page, tmp_path, settings
):
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 2  # three videos: two parts
    camera = CameraFactory(name="Front door")
    owner, page = open_import_form(open_page, tmp_path, camera, videos=3)
    refusals = {2: 0, 1: BUSY_TRIES + 1, 0: 1}  # by how many files the part carries
    server = BusyServer(page, refusals=lambda names: refusals[len(names)])
    status = page.locator("#import-sending").get_by_role("status")

    page.get_by_role("button", name="Import").click()
    for _ in range(BUSY_TRIES):
        expect(status).to_have_text(WAITING)
        assert end_wait(page) == (1000, "Sending part 2 of 2…")

    # The import is closed with what it got (its closing post waits its turn too),
    # and the failure stays said while that post waits.
    expect(status).to_have_text(REST_NOT_SENT)
    page.wait_for_function("window.heldWaits.length === 1")
    assert status.text_content() == REST_NOT_SENT
    assert end_wait(page) == (1000, REST_NOT_SENT)
    for _ in range(100):
        if ClipImport.objects.filter(state=ImportState.DONE).exists():
            break
        page.wait_for_timeout(100)
    expect(status).to_have_text(REST_NOT_SENT)
    expect(page.get_by_role("button", name="Import")).to_be_disabled()  # sent already
    first, second, close = server.parts()
    assert close == ()
    assert server.posts == [(first, "sent")] + [(second, "refused")] * (BUSY_TRIES + 1) + [
        (close, "refused"),
        (close, "sent"),
    ]
    owner.check()
    clip_import = ClipImport.objects.get()
    assert clip_import.state == ImportState.DONE
    assert sorted(clip_import.files.values_list("name", flat=True)) == sorted(first)
    assert Clip.objects.filter(camera=camera).count() == 2
