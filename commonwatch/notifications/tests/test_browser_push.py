"""Push in a real Chromium: a resident turns push on, and a neighbor's post reaches
them as a notification shown by the site's service worker.

What an offline test can and cannot exercise, honestly: Chromium's own push service
(Google's FCM) is out of reach, so the browser's PushManager.subscribe() cannot
complete here, and the page must say so truthfully. Everything on either side of
that gap is real: the permission prompt (granted by the context), the service worker
registered from the site root, the server's push encrypted by pywebpush and decrypted
at a loopback push service with a subscription's keys (test_push.py), and that very
decrypted message handed to the browser's service worker through the DevTools
protocol (ServiceWorker.deliverPushMessage, what Chrome's own "Push" button does),
which shows it as a notification.
"""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from commonwatch.accounts import services as accounts
from commonwatch.community.tests.factories import CENTER, published, resident_at
from commonwatch.web.tests.conftest import DESKTOP, PHONE

from .push_service import Browser, PushService

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]
NOTIFICATIONS = """async () => {
    const registration = await navigator.serviceWorker.getRegistration("/");
    const shown = registration ? await registration.getNotifications() : [];
    return shown.map(n => ({title: n.title, body: n.body, url: n.data && n.data.url}));
}"""


def _push_from_the_server(client, resident, settings) -> dict:
    """A neighbor's post, pushed by the server and decrypted at the loopback service."""
    service, keys = PushService(), Browser()
    settings.WEB_PUSH_HOSTS = ["127.0.0.1"]
    try:
        _token, raw = accounts.create_api_token(user=resident, name="phone", scope="write")
        client.post(
            "/api/v1/notifications/push/devices",
            {"endpoint": service.endpoint("phone"), "keys": keys.keys()},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {raw}",
        )
        post = published(resident_at(*CENTER), category="crime", title="Van broken into")
        [received] = service.received
    finally:
        service.close()
    said = keys.decrypt(received.body)
    assert said["url"] == f"/feed/posts/{post.pk}/"
    return said


def _eventually(page, probe, seconds: float = 10):
    """What `probe` returns once it returns something (the browser works on its own time)."""
    for _ in range(int(seconds * 10)):
        found = probe()
        if found:
            return found
        page.wait_for_timeout(100)
    raise AssertionError(f"nothing came within {seconds} s")


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_neighbors_post_reaches_the_resident_as_a_push_message(
    open_page, client, settings, viewport
):
    resident = resident_at(CENTER[0] + 0.001, CENTER[1])
    checked = open_page(time_zone="America/Denver")
    page = checked.page
    page.set_viewport_size(viewport)
    checked.context.grant_permissions(["notifications"], origin=checked.base_url)
    checked.sign_in_as(resident)

    cdp = checked.context.new_cdp_session(page)
    page.goto("/notifications/settings/")
    # Until quiet hours are saved, their time zone is the browser's own.
    expect(page.get_by_label("in the time zone")).to_have_value("America/Denver")

    # And every page tells the site that zone, for the times the next pages show.
    def told_zone():  # once the page has loaded and is idle
        return {c["name"]: c["value"] for c in checked.context.cookies()}.get("tz")

    assert _eventually(page, told_zone) == "America/Denver"
    # A browser that does not push yet is offered to turn push on, not off.
    expect(page.locator("#push[data-state=off]")).to_be_attached()
    expect(page.get_by_role("button", name="Turn off push on this device")).to_be_hidden()
    expect(page.get_by_text("Push is not on for any device yet.")).to_be_visible()
    checked.check(screenshot="push-settings")
    page.get_by_role("button", name="Turn on push on this device").click()
    status = page.locator("#push .push-status")
    # The worker registers from the site root; the subscription needs Google's push
    # service, which is offline here: the page says so instead of pretending.
    expect(page.locator("#push[data-worker=ready]")).to_be_attached()
    expect(status).to_contain_text("could not reach its push service", timeout=20_000)
    scope = page.evaluate("async () => (await navigator.serviceWorker.getRegistration('/')).scope")
    assert scope == checked.base_url + "/"
    checked.check(screenshot="push-offline-status")

    said = _push_from_the_server(client, resident, settings)
    registrations = []
    cdp.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda e: registrations.extend(e["registrations"]),
    )
    cdp.send("ServiceWorker.enable")
    registration = _eventually(
        page,
        lambda: next((r for r in registrations if r["scopeURL"] == checked.base_url + "/"), None),
    )
    page.evaluate("async () => { await navigator.serviceWorker.ready; }")  # activated

    def delivered_and_shown():
        # A worker the browser stopped meanwhile may miss one delivery; the notification's
        # tag makes a second delivery replace the first rather than add to it.
        cdp.send(
            "ServiceWorker.deliverPushMessage",
            {
                "origin": checked.base_url,
                "registrationId": registration["registrationId"],
                "data": json.dumps(said),
            },
        )
        for _ in range(30):
            found = page.evaluate(NOTIFICATIONS)
            if found:
                return found
            page.wait_for_timeout(100)
        return None

    shown = next((found for _ in range(4) if (found := delivered_and_shown())), None)
    assert shown, "no notification after four deliveries of the push"
    assert shown == [{"title": "Crime near your home", "body": said["body"], "url": said["url"]}]
    assert "Van broken into" in shown[0]["body"]
