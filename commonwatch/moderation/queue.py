"""Claims on queue items: a moderator says "I am on this one" so two do not decide it.

A claim is advisory for reading (everyone still sees the item and who claimed it) and
binding for deciding: while it runs, only its moderator may decide the item. It
expires by itself, so a moderator who walks away never blocks the queue for long.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext as _

from commonwatch.core.errors import Conflict

from .models import Claim

CLAIM_FOR = timedelta(minutes=15)
KINDS = ("post", "edit", "comment", "appeal")


def key(kind: str, pk: int) -> str:
    """The item's name in claims: "post:12"."""
    return f"{kind}:{pk}"


def live_claims(keys, now=None) -> dict[str, Claim]:
    """The running claims on these items, by item."""
    now = now or timezone.now()
    running = Claim.objects.filter(item__in=list(keys), claimed_at__gt=now - CLAIM_FOR)
    return {claim.item: claim for claim in running.select_related("moderator")}


def expires_at(claim: Claim):
    return claim.claimed_at + CLAIM_FOR


def _taken(claim: Claim) -> Conflict:
    """The refusal names the time as the item shows it beside the claim (the site's
    time format), and who holds it, so the moderator knows whom to ask."""
    until = time_format(timezone.localtime(expires_at(claim)), "TIME_FORMAT")
    return Conflict(
        _("Claimed by another moderator until %(until)s: only %(who)s can decide it until then.")
        % {"who": claim.moderator.email, "until": until},
        code="claimed",
    )


def held_by_another(moderator, item: str, now=None) -> Claim | None:
    """Another moderator's running claim on the item, if there is one: the moderator
    may not decide it (nor take the post down) until it is released or runs out."""
    claim = live_claims([item], now).get(item)
    return claim if claim is not None and claim.moderator_id != moderator.pk else None


def require_unclaimed(moderator, item: str) -> None:
    """Refuse a decision on an item another moderator holds a running claim on."""
    claim = held_by_another(moderator, item)
    if claim is not None:
        raise _taken(claim)


@transaction.atomic
def claim(moderator, item: str) -> Claim:
    """Take the item for CLAIM_FOR (again, if already ours); Conflict if another holds it."""
    now = timezone.now()
    held = Claim.objects.select_for_update().filter(item=item).first()
    if held is None:
        try:
            with transaction.atomic():
                return Claim.objects.create(item=item, moderator=moderator, claimed_at=now)
        except IntegrityError:  # claimed at the same instant: theirs
            held = Claim.objects.select_for_update().get(item=item)
    if held.moderator_id != moderator.pk and held.claimed_at > now - CLAIM_FOR:
        raise _taken(held)
    held.moderator, held.claimed_at = moderator, now
    held.save(update_fields=["moderator", "claimed_at"])
    return held


def unclaim(moderator, item: str) -> None:
    """Give one's own claim back; Conflict, naming who holds it, if another moderator's
    claim runs on the item (it stays theirs). Nothing to give back is no error."""
    require_unclaimed(moderator, item)
    Claim.objects.filter(item=item, moderator=moderator).delete()


def release(item: str) -> None:
    """The item was decided: whoever held it, the claim has nothing left to protect."""
    Claim.objects.filter(item=item).delete()


def move(old: str, new: str) -> None:
    """The item was replaced by another (an author's newer edit): its claim follows."""
    Claim.objects.filter(item=old).update(item=new)
