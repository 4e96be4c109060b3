"""A choice that is not offered is refused in one sentence that writes back nothing of
what was sent: a value put in a link or a form by someone else never shows on the page
or in the API's answer under the site's name."""

from __future__ import annotations

import json

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from commonwatch.accounts import services as accounts
from commonwatch.accounts.models import ApiToken
from commonwatch.cameras.models import Camera
from commonwatch.cameras.tests.helpers import PLACE
from commonwatch.core.forms import CHOICE_NOT_OFFERED
from commonwatch.web.access_doc import page_patterns

SENT = "<b>Pwned</b> call 555-0100"
NOT_OFFERED = "Choose one of the options offered."


def _every_form_class(base=forms.BaseForm):
    for form in base.__subclasses__():
        yield form
        yield from _every_form_class(form)


def test_no_choice_field_of_any_form_writes_back_what_was_sent():
    assert page_patterns()  # every page's module, and so every form, is loaded
    echoing = [
        f"{form.__module__}.{form.__name__}.{name}"
        for form in _every_form_class()
        for name, field in getattr(form, "base_fields", {}).items()
        for code in ("invalid_choice", "invalid_pk_value")
        if "%(" in str(field.error_messages.get(code, ""))
    ]

    assert echoing == []


@pytest.mark.parametrize(
    "field",
    [
        forms.ChoiceField(choices=[("a", "A")]),
        forms.TypedChoiceField(choices=[(1, "One")], coerce=int),
        forms.MultipleChoiceField(choices=[("a", "A")]),
    ],
)
def test_a_choice_field_made_now_refuses_in_the_same_words(field):
    with pytest.raises(ValidationError) as refused:
        field.clean([SENT] if isinstance(field, forms.MultipleChoiceField) else SENT)

    assert refused.value.messages == [NOT_OFFERED]


def test_a_model_checking_its_own_choices_refuses_in_the_same_words():
    with pytest.raises(ValidationError) as refused:
        models.CharField(choices=[("a", "A")]).clean(SENT, None)

    assert refused.value.messages == [str(CHOICE_NOT_OFFERED)]


@pytest.mark.django_db
def test_a_page_refuses_a_choice_without_showing_it(client, resident):
    client.force_login(resident)
    form = {"name": "Porch", "kind": SENT, **PLACE, "agency_visibility": SENT}

    response = client.post(reverse("cameras:new"), form)

    page = response.content.decode()
    assert response.status_code == 400
    assert page.count(NOT_OFFERED) == 2
    assert "Pwned" not in page and "555-0100" not in page
    assert not Camera.objects.exists()


@pytest.mark.django_db
def test_every_choice_of_another_form_is_refused_in_the_same_words(client, resident):
    client.force_login(resident)
    form = {"name": "Script", "scope": SENT, "lifetime_days": SENT}

    response = client.post(reverse("accounts:api_tokens"), form)

    page = response.content.decode()
    assert page.count(NOT_OFFERED) == 2
    assert "Pwned" not in page and "555-0100" not in page
    assert not ApiToken.objects.exists()


@pytest.mark.django_db
def test_the_api_refuses_a_choice_without_writing_it_back(client, resident):
    _token, raw = accounts.create_api_token(user=resident, name="phone", scope="write")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}", "content_type": "application/json"}

    camera = client.post(
        "/api/v1/cameras", json.dumps({"name": "Porch", "kind": SENT, **PLACE}), **auth
    )
    topic = client.put(
        "/api/v1/notifications/settings",
        json.dumps({"kind": "community.post_alert", "topic": SENT, "delivery": "email"}),
        **auth,
    )

    for answer in (camera, topic):
        assert answer.status_code == 422
        assert "Pwned" not in answer.content.decode() and "555-0100" not in answer.content.decode()
