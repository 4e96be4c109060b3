"""The language an answer is in: the only one offered, or the one the browser asks for."""

from __future__ import annotations


def test_with_one_language_answers_are_in_it_whatever_the_browser_asks(client, db):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="fr")

    assert response["Content-Language"] == "en"
    assert "Accept-Language" not in response.get("Vary", "")


def test_with_a_second_language_the_browser_chooses(client, db, settings):
    settings.LANGUAGES = [("en", "English"), ("fr", "French")]

    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="fr")

    assert response["Content-Language"] == "fr"
    assert "Accept-Language" in response["Vary"]
