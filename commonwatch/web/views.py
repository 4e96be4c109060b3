from django.shortcuts import render

from commonwatch.accounts.access import EVERYONE, access, needs
from commonwatch.accounts.selectors import home_of
from commonwatch.geo.distance import m_to_miles
from commonwatch.moderation.policies import MODERATE


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
