"""Recording into the audit trail: one call, inside the transaction of the change."""

from __future__ import annotations

from django.db import models, transaction
from django.utils import timezone

from .chain import canonical, link_hash
from .models import AuditEntry, AuditHead


def record(
    *,
    actor,
    action: str,
    target: models.Model | None = None,
    data: dict | None = None,
    public: bool = False,
    actor_role: str = "",
) -> AuditEntry:
    """Append one entry to the chain: who (by id and role), what (a dotted action such as
    ``moderation.post.rejected``), on what, with which details.

    Call it where the change is written: it joins that transaction, so the entry exists
    exactly when the change does. Entries are chained one at a time (the head row is
    locked until the transaction ends); `data` must hold no personal details beyond ids.
    """
    actor_id = getattr(actor, "pk", None)
    role = actor_role or (getattr(actor, "role", "") if actor is not None else "system")
    target_type = f"{target._meta.app_label}.{target._meta.model_name}" if target else ""
    target_id = str(target.pk) if target is not None else ""
    data = data or {}
    with transaction.atomic():
        AuditHead.objects.get_or_create(pk=1)  # made by the migration; again after a flush
        head = AuditHead.objects.select_for_update().get(pk=1)
        at = timezone.now()
        sequence = head.sequence + 1
        fields = (sequence, at, actor_id, role, action, target_type, target_id, data, public)
        entry_hash = link_hash(head.hash, canonical(*fields))
        entry = AuditEntry.objects.create(
            sequence=sequence,
            at=at,
            actor_id=actor_id,
            actor_role=role,
            action=action,
            target_type=target_type,
            target_id=target_id,
            data=data,
            public=public,
            previous_hash=head.hash,
            hash=entry_hash,
        )
        AuditHead.objects.filter(pk=1).update(sequence=sequence, hash=entry_hash)
    return entry
