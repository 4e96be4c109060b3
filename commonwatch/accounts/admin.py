"""The operator's view of accounts. Home points are deliberately absent: nobody sees them."""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from django.contrib import admin
from django.contrib.auth.models import Group

from .models import User

# Roles decide what people may do (roles.py), not groups; second-factor secrets
# are nobody's business but their owner's.
admin.site.unregister(Group)
admin.site.unregister(Authenticator)


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ["email", "role", "is_active", "date_joined", "last_login"]
    list_filter = ["role", "is_active"]
    search_fields = ["email"]
    fields = ["email", "role", "is_active", "date_joined", "last_login"]
    readonly_fields = ["email", "date_joined", "last_login"]

    def has_add_permission(self, request):
        return False  # people sign up themselves; staff are promoted here
