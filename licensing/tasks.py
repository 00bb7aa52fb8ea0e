"""Nightly licensing jobs: thin wrappers over services, safe to run twice."""

from celery import shared_task

from licensing import services
from regulator.audit import audit_context


@shared_task
def flag_overdue_applications() -> dict:
    with audit_context(command="licensing.flag_overdue_applications"):
        return services.flag_overdue_applications()


@shared_task
def refresh_licence_statuses() -> dict:
    """Renewal reminders (expiring) and expiry."""
    with audit_context(command="licensing.refresh_licence_statuses"):
        return services.refresh_licence_statuses()
