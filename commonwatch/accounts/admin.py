"""The operator's view of accounts: who, which role, active or not. Nothing else.

Home points, passwords, e-mail addresses and second factors are not editable here,
and accounts are not deleted here: the delete page would list a person's posts and
comments, linking their "Neighbor #N" across threads. Residents delete their own
account; an operator deactivates one.
"""

from __future__ import annotations

from django.contrib import admin

from commonwatch.core.admin_site import OperatorModelAdmin

from . import services
from .models import User


@admin.register(User)
class UserAdmin(OperatorModelAdmin):
    list_display = ["email", "role", "is_active", "date_joined", "last_login"]
    list_filter = ["role", "is_active"]
    search_fields = ["email"]
    fields = ["email", "role", "is_active", "date_joined", "last_login"]
    readonly_fields = ["email", "date_joined", "last_login"]
    actions = None

    def has_add_permission(self, request):
        return False  # people sign up themselves; staff are promoted here

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        services.update_role_and_access(
            operator=request.user, user=obj, role=obj.role, is_active=obj.is_active
        )
