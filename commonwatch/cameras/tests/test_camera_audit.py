"""The owner's consent (how agencies may count a camera) is in the audit chain from the
moment it is given, with every change and the camera's removal; never its point."""

import json

import pytest
from django.core.exceptions import ValidationError

from commonwatch.audit.models import AuditEntry
from commonwatch.cameras import services
from commonwatch.cameras.models import AgencyVisibility

pytestmark = pytest.mark.django_db


def _entries(camera_pk):
    return list(
        AuditEntry.objects.filter(target_id=str(camera_pk))
        .exclude(action__startswith="cameras.token.")
        .order_by("sequence")
        .values_list("action", "data")
    )


def test_consent_is_recorded_when_given_changed_and_when_the_camera_goes(resident):
    camera, _token = services.register_camera(
        owner=resident, name="Porch", kind="doorbell", lat=39.74001, lng=-104.99102
    )
    pk = camera.pk
    services.update_camera(owner=resident, camera=camera, name="Front porch")
    services.update_camera(owner=resident, camera=camera, agency_visibility=AgencyVisibility.HIDDEN)
    services.remove_camera(owner=resident, camera=camera)

    assert _entries(pk) == [
        ("cameras.camera.registered", {"agency_visibility": "aggregate"}),
        (
            "cameras.camera.consent_changed",
            {"agency_visibility": "hidden", "before": "aggregate"},
        ),
        ("cameras.camera.removed", {}),
    ]
    written = json.dumps(list(AuditEntry.objects.values_list("data", flat=True)))
    assert "39.74" not in written and "104.99" not in written


def test_a_refused_change_leaves_neither_the_change_nor_an_entry(resident):
    camera, _token = services.register_camera(
        owner=resident, name="Porch", kind="doorbell", lat=39.74, lng=-104.99
    )

    with pytest.raises(ValidationError):
        services.update_camera(owner=resident, camera=camera, agency_visibility="exact", name="")

    camera.refresh_from_db()
    assert camera.agency_visibility == AgencyVisibility.AGGREGATE
    assert [action for action, _ in _entries(camera.pk)] == ["cameras.camera.registered"]
