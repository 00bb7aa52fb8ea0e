"""Celery tasks: thin wrappers over services. They take ids and are safe to run twice."""

from celery import shared_task
from django.utils import timezone

from complaints import services


@shared_task
def flag_complaint_deadlines():
    return services.flag_deadlines(today=timezone.localdate())
