"""Background work of the reports app: tasks take ids and call a service."""

from celery import shared_task

from dmvrequests.reports.services import export_job_run, export_jobs_expire


@shared_task(bind=True)
def run_export_job(self, job_id):
    """Write an export job's file. Safe to run twice: the service claims the job, and the
    same task delivered again after its worker died takes the job over."""
    job = export_job_run(job_id=job_id, task_id=self.request.id or "")
    return job.status if job is not None else "skipped"


@shared_task
def expire_export_jobs():
    """Delete the files of expired export jobs (daily, from the beat schedule)."""
    return export_jobs_expire()
