"""The English catalog (commonwatch/locale) that writes allauth's headings and buttons in
the site's sentence case: its compiled .mo says what its .po says, and the pages show it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

PO = Path(__file__).resolve().parents[2] / "locale" / "en" / "LC_MESSAGES" / "django.po"
ENTRY = re.compile(r'^msgid "(.+)"\nmsgstr "(.+)"$', re.MULTILINE)


def test_the_compiled_catalog_says_what_its_source_says():
    entries = ENTRY.findall(PO.read_text())
    assert len(entries) > 30
    with translation.override("en"):
        said = {msgid: translation.gettext(msgid) for msgid, _msgstr in entries}
    assert said == dict(entries), "run scripts/compile_messages.sh and commit the .mo"


@pytest.mark.django_db
def test_sign_in_and_sign_up_read_in_sentence_case(client):
    sign_in = client.get(reverse("account_login")).content.decode()
    sign_up = client.get(reverse("account_signup")).content.decode()
    assert re.search(r"<h1>\s*Sign in\s*</h1>", sign_in) and "Remember me" in sign_in
    assert re.search(r"<h1>\s*Sign up\s*</h1>", sign_up)
    assert "Sign In" not in sign_in + sign_up
