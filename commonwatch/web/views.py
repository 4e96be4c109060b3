from django.http import JsonResponse
from django.shortcuts import render
from django.views import defaults

from commonwatch.accounts.access import EVERYONE, access, needs
from commonwatch.accounts.selectors import home_of
from commonwatch.geo.distance import m_to_miles
from commonwatch.moderation.models import Rule
from commonwatch.moderation.policies import MODERATE
from commonwatch.moderation.trust import ESTABLISHED_FLAGS_TO_HIDE

from .api import NOT_FOUND


@access(EVERYONE)
def home(request):
    """The front page: what Commonwatch is, and the next step for whoever is looking."""
    user = request.user
    home = home_of(user) if user.is_authenticated else None
    queue = needs(MODERATE)
    context = {
        "home": home,
        "radius_mi": f"{m_to_miles(home.radius_m):.2f}".rstrip("0").rstrip(".") if home else None,
        "perms_moderate": queue.allows(user) or queue.admits(user),
    }
    return render(request, "web/index.html", context)


@access(EVERYONE)
def guidelines(request):
    """The community rules in full, read from the Rule list moderators cite, so the page
    and the moderation code can never disagree."""
    context = {"rules": list(Rule), "flags_to_hide": ESTABLISHED_FLAGS_TO_HIDE}
    return render(request, "web/guidelines.html", context)


@access(EVERYONE)
def privacy(request):
    """What Commonwatch collects and who sees it: visitors deserve it before they join."""
    return render(request, "web/privacy.html")


@access(EVERYONE)
def terms(request):
    """The terms of use, readable before anyone signs up."""
    return render(request, "web/terms.html")


def page_not_found(request, exception):
    """Django's 404 (the site's own page), and the API's error shape under /api/."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": str(NOT_FOUND)}, status=404)
    return defaults.page_not_found(request, exception)
