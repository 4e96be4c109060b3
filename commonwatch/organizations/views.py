"""Organization pages: members see theirs, admins run them, operators create them."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from commonwatch.accounts.access import access, needs
from commonwatch.core.errors import Conflict, DomainError, NotAllowed, RateLimited
from commonwatch.core.forms import add_errors, answered_status
from commonwatch.core.outcomes import report_outcome

from . import selectors, services
from .forms import InviteForm, OrganizationForm, SecurityKeysForm
from .memberships import memberships_of
from .models import Role
from .policies import ACCEPT, CREATE, MANAGE, MINE, VIEW


@access(needs(MINE))
@require_safe
def mine(request):
    """The organizations the person belongs to, and a way to create one for operators."""
    return render(request, "organizations/mine.html", {"memberships": memberships_of(request.user)})


@access(needs(VIEW))
@require_safe
def organization(request, slug: str):
    """An organization for its members; its admins also invite and remove people and
    change their roles here."""
    org = selectors.organization_for(request.user, slug)
    return _organization_page(request, org, InviteForm(organization=org))


def _organization_page(request, org, invite_form: InviteForm, status: int = 200):
    manages = _manages(request.user, org)
    context = {
        "organization": org,
        "members": selectors.members_of(org),
        "invitations": selectors.open_invitations(org) if manages else [],
        "manages": manages,
        "roles": [(role, org.title_of(role)) for role in Role.values] if manages else [],
        "invite_form": invite_form,
    }
    return render(request, "organizations/organization.html", context, status=status)


def _manages(user, org) -> bool:
    try:
        selectors.organization_for(user, org.slug, MANAGE)
    except DomainError:
        return False
    return True


@access(needs(MANAGE))
@require_POST
def invite(request, slug: str):
    """Sent: back to the page with a note. Refused: the page again, the address kept and
    each reason beside its field (a waiting invitation, a member)."""
    org = selectors.organization_for(request.user, slug, MANAGE)
    form, status = InviteForm(request.POST, organization=org), 400
    if form.is_valid():
        try:
            services.invite(admin=request.user, organization=org, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        except (Conflict, NotAllowed, RateLimited) as exc:
            form.add_error(None if isinstance(exc, RateLimited) else "email", exc.message)
            status = exc.status
        else:
            sent = _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]}
            messages.success(request, sent)
            return redirect("organizations:organization", slug=org.slug)
    return _organization_page(request, org, form, status=status)


@access(needs(MANAGE))
@require_POST
def revoke(request, slug: str, membership_id: int):
    org = selectors.organization_for(request.user, slug, MANAGE)
    membership = selectors.membership_in(org, membership_id)
    report_outcome(
        request,
        lambda: services.revoke_membership(admin=request.user, membership=membership),
        _("%(email)s is no longer a member.") % {"email": membership.user.email},
    )
    return redirect("organizations:organization", slug=org.slug)


@access(needs(VIEW))
@require_POST
def leave(request, slug: str):
    """Left: to the person's organizations, with a note. Refused (its last admin): back
    to the organization's page saying why."""
    org = selectors.organization_for(request.user, slug)
    left = report_outcome(
        request,
        lambda: services.leave_organization(member=request.user, organization=org),
        _("You have left %(name)s.") % {"name": org.name},
    )
    if not left:
        return redirect("organizations:organization", slug=org.slug)
    return redirect("organizations:mine" if request.user.holds_staff_membership else "web:home")


@access(needs(MANAGE))
@require_POST
def change_role(request, slug: str, membership_id: int):
    """Changed or refused (the last admin, an unknown role): back to the page with a note."""
    org = selectors.organization_for(request.user, slug, MANAGE)
    membership = selectors.membership_in(org, membership_id)
    role = request.POST.get("role", "")
    report_outcome(
        request,
        lambda: services.change_role(admin=request.user, membership=membership, role=role),
        _("%(email)s is now %(title)s.")
        % {"email": membership.user.email, "title": org.title_of(role)},
    )
    return redirect("organizations:organization", slug=org.slug)


@access(needs(MANAGE))
@require_POST
def withdraw(request, slug: str, invitation_id: int):
    org = selectors.organization_for(request.user, slug, MANAGE)
    invitation = selectors.invitation_in(org, invitation_id)
    report_outcome(
        request,
        lambda: services.withdraw_invitation(admin=request.user, invitation=invitation),
        _("The invitation of %(email)s is withdrawn.") % {"email": invitation.email},
    )
    return redirect("organizations:organization", slug=org.slug)


@access(needs(MANAGE))
@require_POST
def security_keys(request, slug: str):
    org = selectors.organization_for(request.user, slug, MANAGE)
    required = SecurityKeysForm(request.POST).is_valid() and "required" in request.POST
    report_outcome(
        request,
        lambda: services.require_security_keys(
            admin=request.user, organization=org, required=required
        ),
        _("Members now sign in with a security key or passkey.")
        if required
        else _("Members may sign in with any second factor."),
    )
    return redirect("organizations:organization", slug=org.slug)


@access(needs(CREATE))
@require_http_methods(["GET", "POST"])
def create(request):
    form = OrganizationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            org, _invitation = services.create_organization(
                operator=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(org)s is created; its first admin has an invitation.") % {"org": org},
            )
            return redirect("organizations:mine")
    context = {"form": form}
    return render(request, "organizations/create.html", context, status=answered_status(form))


@access(needs(ACCEPT))
@require_http_methods(["GET", "POST"])
def invitation(request, token: str):
    """The invited person, signed in with the invited address, accepts."""
    invited = services.invitation_for(token)
    if request.method == "POST":
        try:
            membership = services.accept_invitation(user=request.user, raw_token=token)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("You are now %(title)s of %(org)s.")
                % {"title": membership.title, "org": invited.organization},
            )
            return redirect("organizations:organization", slug=invited.organization.slug)
    return render(request, "organizations/invitation.html", {"invitation": invited})
