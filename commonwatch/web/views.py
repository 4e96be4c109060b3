from django.shortcuts import render

from commonwatch.accounts.access import PUBLIC, access
from commonwatch.accounts.selectors import home_of


@access(PUBLIC)
def home(request):
    """The front page: what Commonwatch is, and the next step for whoever is looking."""
    user = request.user
    context = {"home": home_of(user) if user.is_authenticated else None}
    return render(request, "web/index.html", context)
