"""Queue a Celery task by its name, so that a service never imports its own app's tasks
module (which imports the service: a cycle). Each app that has tasks imports its tasks
module in `AppConfig.ready()`, so they are registered before any service runs.
"""

from celery import current_app


def task_named(name):
    """The registered Celery task called `name` (its dotted path, e.g.
    "dmvrequests.reports.tasks.run_export_job"). Raises KeyError for a task that is not
    registered (its module was never imported)."""
    return current_app.tasks[name]
