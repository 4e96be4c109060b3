from django.shortcuts import render

from commonwatch.accounts.access import PUBLIC, access
from commonwatch.accounts.roles import Capability, can
from commonwatch.accounts.selectors import home_of
from commonwatch.geo.distance import m_to_miles


@access(PUBLIC)
def home(request):
    """The front page: what Commonwatch is, and the next step for whoever is looking."""
    user = request.user
    home = home_of(user) if user.is_authenticated else None
    context = {
        "home": home,
        "radius_mi": f"{m_to_miles(home.radius_m):.2f}".rstrip("0").rstrip(".") if home else None,
        "perms_moderate": can(user, Capability.MODERATE),
    }
    return render(request, "web/index.html", context)
