"""Tables as cards on a phone (table.stacked), in real Chromium under the app's strict CSP.

On a 390 px wide screen an organization's members table is laid out as one card per
member (who, role, since, then the admin's controls on their own line), so an admin
changes a role or removes someone without scrolling sideways; on a desktop it stays a
table. So do the owner's list of cameras and a person's API tokens (each token's Revoke
on the screen, light or dark). They stay tables for screen readers, and the pages pass
axe-core.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from commonwatch.accounts import services as accounts
from commonwatch.accounts.models import ApiToken, TokenScope
from commonwatch.accounts.tests.factories import HomeFactory, UserFactory
from commonwatch.cameras.tests.factories import CameraFactory
from commonwatch.organizations.models import Kind, Membership, Role
from commonwatch.organizations.tests.factories import member_of, organization
from commonwatch.web.tests.conftest import DESKTOP, PHONE

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

# Long but ordinary addresses: the widest cell a member row has.
MEMBERS = (
    "alexandra.konstantinopoulou@riverside-police.example.org",
    "sam.okafor@riverside-police.example.org",
    "jo.lee@example.org",
    "maria-fernanda.dos-santos@oversight.example.org",
)


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def within_viewport(page, locator) -> bool:
    box = locator.bounding_box()
    return (
        box is not None and box["x"] >= 0 and box["x"] + box["width"] <= page.viewport_size["width"]
    )


def lines_held_together(locator) -> bool:
    """Each line of a wrapped value starts right under the one before (a label that took
    two lines once pushed the value's second line a line further down)."""
    return locator.evaluate(
        """link => {
            const lines = [...link.getClientRects()];
            const height = parseFloat(getComputedStyle(link).lineHeight);
            return lines.every((line, i) => i === 0 || line.top - lines[i - 1].top < 1.5 * height);
        }"""
    )


def accessibility_tree(checked) -> set[tuple[str, str]]:
    """The (role, name) pairs of the page's table parts as Chromium exposes them."""
    cdp = checked.context.new_cdp_session(checked.page)
    try:
        nodes = cdp.send("Accessibility.getFullAXTree")["nodes"]
    finally:
        cdp.detach()
    parts = {"table", "row", "columnheader", "rowheader", "cell"}
    return {
        (node["role"]["value"], node.get("name", {}).get("value", ""))
        for node in nodes
        if not node.get("ignored") and node["role"]["value"] in parts
    }


def test_an_admin_manages_members_on_a_phone_without_scrolling_sideways(open_page):
    agency = organization(Kind.OVERSIGHT, name="Riverside Oversight Board")
    admin = member_of(agency, Role.ADMIN)
    for email in MEMBERS:
        member_of(agency, user=UserFactory(email=email))
    checked = open_page()
    checked.sign_in_as(admin)
    page = checked.page
    assert page.viewport_size == PHONE

    page.goto(reverse("organizations:organization", args=[agency.slug]))
    page.wait_for_load_state("load")
    expect(page.locator("tr[data-member]")).to_have_count(len(MEMBERS) + 1)
    assert fits_the_screen(page)
    table_box = page.locator(".table-scroll")
    assert table_box.evaluate("box => box.scrollWidth <= box.clientWidth"), (
        "the members table scrolls sideways in its box"
    )

    # Each card shows what the column headers say on a desktop, and the controls fit.
    row = page.locator(f'tr[data-member="{MEMBERS[0]}"]')
    expect(row.locator("td[data-label]").first).to_be_visible()
    labels = row.locator("td[data-label]").evaluate_all(
        "cells => cells.map(c => getComputedStyle(c, '::before').content)"
    )
    assert any("Role" in label for label in labels) and any("Since" in label for label in labels)
    change = row.get_by_role("button", name=f"Change role of {MEMBERS[0]}")
    remove = row.get_by_role("button", name=f"Remove {MEMBERS[0]}", exact=True)
    select = row.get_by_label(f"Role of {MEMBERS[0]}")
    for control in (select, change, remove):
        expect(control).to_be_visible()
        assert within_viewport(page, control), f"{control} is off the screen"
    # Each row's buttons say whom they act on to a screen reader, as the row says it to the
    # eye: a list of the page's buttons does not offer four alike "Remove".
    removes = page.locator("tr[data-member]").get_by_role("button", name=re.compile("^Remove"))
    expect(removes).to_have_count(len(MEMBERS))  # not the admin's own row
    for email in MEMBERS:
        expect(
            page.locator(f'tr[data-member="{email}"]').get_by_role(
                "button", name=f"Remove {email}", exact=True
            )
        ).to_have_count(1)

    # Still a table to assistive technology (Chromium's own accessibility tree, not the
    # markup): column headers, the member as row header, cells without the visual labels.
    tree = accessibility_tree(checked)
    assert ("table", "") in tree
    assert {("columnheader", "Role"), ("columnheader", "Since")} <= tree
    assert ("rowheader", MEMBERS[0]) in tree
    assert ("cell", "Oversight member") in tree

    # The keyboard reaches the controls and shows where it is.
    select.focus()
    page.keyboard.press("Tab")
    expect(change).to_be_focused()
    assert change.evaluate("b => getComputedStyle(b).outlineStyle") == "solid"
    change.blur()
    checked.check("organization-members")

    # The controls work from the card: the admin makes one member an admin, removes another.
    select.select_option(label="Oversight admin")
    change.click()
    expect(page.get_by_text(f"{MEMBERS[0]} is now Oversight admin.")).to_be_visible()
    expect(row.get_by_role("cell").first).to_have_text("Oversight admin")
    assert Membership.objects.get(user__email=MEMBERS[0], organization=agency).role == Role.ADMIN
    gone = page.locator(f'tr[data-member="{MEMBERS[1]}"]')
    gone.get_by_role("button", name=f"Remove {MEMBERS[1]}", exact=True).click()
    expect(gone).to_have_count(0)
    assert fits_the_screen(page)

    # A desktop keeps the table: one row per member, the headers shown, no labels repeated.
    page.set_viewport_size(DESKTOP)
    expect(page.locator("thead th").first).to_be_visible()
    cells = row.locator("td, th").evaluate_all(
        "cells => cells.map(c => getComputedStyle(c).display)"
    )
    assert set(cells) == {"table-cell"}
    assert row.locator("td[data-label]").first.evaluate(
        "c => getComputedStyle(c, '::before').content"
    ) in ("none", "normal")
    checked.check()


def test_an_owner_reads_every_column_of_their_cameras_on_a_phone(open_page):
    owner = HomeFactory().user
    CameraFactory(owner=owner, name="Back garden")
    CameraFactory(owner=owner, name="Front door doorbell by the garage")
    checked = open_page()
    checked.sign_in_as(owner)
    page = checked.page

    page.goto(reverse("cameras:list"))
    page.wait_for_load_state("load")
    card = page.get_by_role("row", name="Front door doorbell by the garage")
    zones = card.get_by_role("link", name="none yet — draw one")
    expect(zones).to_be_visible()
    assert within_viewport(page, zones)
    # "Privacy zones" takes two lines of its column, and so does its value, kept together.
    assert zones.evaluate("link => link.getClientRects().length") == 2
    assert lines_held_together(zones)
    assert within_viewport(page, card.get_by_role("link", name="not connected — make one"))
    assert fits_the_screen(page)
    assert page.locator(".table-scroll").evaluate("box => box.scrollWidth <= box.clientWidth")
    tree = accessibility_tree(checked)
    assert ("columnheader", "Device token") in tree and ("rowheader", "Back garden Acme") in tree
    checked.check("camera-list")


def test_a_person_reaches_every_token_and_its_revoke_on_a_phone(open_page):
    person = HomeFactory().user
    accounts.create_api_token(user=person, name="Nightly backup of my camera clips", scope="write")
    used, _raw = accounts.create_api_token(user=person, name="Home Assistant")
    accounts.touch_api_token(token=used)
    checked = open_page()
    checked.sign_in_as(person)
    page = checked.page
    assert page.viewport_size == PHONE

    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        page.goto(reverse("accounts:api_tokens"))
        page.wait_for_load_state("load")
        assert fits_the_screen(page), f"the tokens page scrolls sideways ({scheme})"
        box = page.locator(".table-scroll")
        assert box.evaluate("box => box.scrollWidth <= box.clientWidth"), (
            f"the tokens table scrolls sideways in its box ({scheme})"
        )
        for name in ("Nightly backup of my camera clips", "Home Assistant"):
            card = page.get_by_role("row", name=name)
            revoke = card.get_by_role("link", name=f"Revoke {name}", exact=True)
            expect(revoke).to_be_visible()
            assert within_viewport(page, revoke), f"Revoke {name} is off the screen ({scheme})"
            last_used = card.locator('td[data-label="Last used"]')
            expect(last_used).to_be_visible()
            assert within_viewport(page, last_used), f"Last used of {name} is off the screen"
        for _value, label in TokenScope.choices:  # each choice's whole sentence is read
            choice = page.locator("label", has=page.get_by_label(str(label), exact=True))
            expect(choice).to_have_text(str(label))
            assert within_viewport(page, choice), f"the choice {label!r} is cut off ({scheme})"
        checked.check(f"api-tokens-{scheme}")
    tree = accessibility_tree(checked)
    assert ("columnheader", "Last used") in tree and ("rowheader", "Home Assistant") in tree

    # Revoke leads to its question; the token goes only once the person says yes.
    page.get_by_role("link", name="Revoke Home Assistant", exact=True).click()
    expect(page.get_by_role("heading", name="Revoke “Home Assistant”?")).to_be_visible()
    assert fits_the_screen(page)
    assert ApiToken.objects.filter(pk=used.pk).exists()
    page.get_by_role("button", name="Yes, revoke it").click()
    expect(page.get_by_text("The token was revoked.")).to_be_visible()
    assert not ApiToken.objects.filter(pk=used.pk).exists()


def test_the_public_moderation_log_fits_a_320_px_screen(open_page):
    """WCAG reflow: at 320 px the rules-cited table (three columns of words) was wider than
    its panel and the whole page scrolled sideways; each table now scrolls in its own box,
    which the keyboard reaches, as the months' table does."""
    visitor = open_page()
    page = visitor.page
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(reverse("moderation:log"))
    page.wait_for_load_state("load")

    assert fits_the_screen(page)
    for name in ("Rules cited", "Stopped by the automatic checks"):
        region = page.get_by_role("region", name=name)
        expect(region).to_have_attribute("tabindex", "0")
        assert within_viewport(page, region), name
    visitor.check(screenshot="moderation-log-320")
