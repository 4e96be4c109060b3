"""How a request's user is loaded: with their home, which most resident pages read."""

from __future__ import annotations

from allauth.account.auth_backends import AuthenticationBackend

from .models import User


class ResidentAuthenticationBackend(AuthenticationBackend):
    """allauth's log-in rules (e-mail or password), plus the home in the same query.

    Django loads the signed-in user on every request; joining the home there saves the
    feed, the map and the live channel a query each (home_of reads ``user.home``).
    """

    def get_user(self, user_id):
        user = User._default_manager.select_related("home").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
