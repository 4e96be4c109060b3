"""How a request's user is loaded: with their home, which most resident pages read."""

from __future__ import annotations

from allauth.account.auth_backends import AuthenticationBackend

from commonwatch.core.prepared import PreparedLookup

from .models import User

# Made on every signed-in request: compiled once per process, asked of the database
# each time (core.prepared), so a deactivated or closed account is seen at once.
_USER_WITH_HOME = PreparedLookup(
    lambda pk: User._default_manager.select_related("home").filter(pk=pk).order_by()[:1],
    pk=(-1, User._meta.pk),
)


class ResidentAuthenticationBackend(AuthenticationBackend):
    """allauth's log-in rules (e-mail or password), plus the home in the same query.

    Django loads the signed-in user on every request; joining the home there saves the
    feed, the map and the live channel a query each (home_of reads ``user.home``).
    """

    def get_user(self, user_id):
        user = _USER_WITH_HOME.first(pk=user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
