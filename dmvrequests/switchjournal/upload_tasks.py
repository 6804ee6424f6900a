"""Background work of the journal uploads: the task takes the upload's id and calls the service
(registered in SwitchJournalConfig.ready(); queued by name, dmvrequests/tasking.py)."""

from celery import shared_task

from dmvrequests.switchjournal.uploads import upload_run


@shared_task
def run_journal_upload(job_id):
    """Import an uploaded journal. Safe to run twice: the service claims a queued upload only."""
    job = upload_run(job_id)
    return job.status if job is not None else "skipped"
