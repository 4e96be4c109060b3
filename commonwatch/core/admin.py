"""Outbox messages for the operator: what waits and why, never what they carry."""

from __future__ import annotations

from django.contrib import admin

from .admin_site import OperatorModelAdmin
from .models import OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(OperatorModelAdmin):
    list_display = ["kind", "created_at", "attempts", "done_at", "available_at"]
    list_filter = ["kind", ("done_at", admin.EmptyFieldListFilter)]
    fields = ["kind", "created_at", "available_at", "attempts", "last_error", "done_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
