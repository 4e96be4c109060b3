"""Background tasks: django-tasks (Django 6's django.tasks) on the install's own queue."""

from __future__ import annotations

from django.conf import settings
from django_tasks import task as django_task


def task(function=None, **options):
    """django-tasks' @task, on settings.TASK_QUEUE: installs sharing Redis never share jobs."""
    return django_task(function, queue_name=settings.TASK_QUEUE, **options)
