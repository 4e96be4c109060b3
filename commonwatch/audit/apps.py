from django.apps import AppConfig


class AuditConfig(AppConfig):
    """The audit trail: append-only, hash-chained, written with each change it records."""

    name = "commonwatch.audit"
    label = "audit"
