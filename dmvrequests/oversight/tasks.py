"""Scheduled audit work: the nightly chain verification and the retention policy."""

import logging

from celery import shared_task

from dmvrequests.oversight.erasure import retention_apply, retention_years
from dmvrequests.oversight.verification import chain_verification_run

logger = logging.getLogger(__name__)


@shared_task
def verify_audit_chain(actor_id=None):
    """Verify the chain, record the result, email the administrators if it is broken."""
    from accounts.models import User

    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    report = chain_verification_run(actor=actor)
    return report.as_detail()


@shared_task
def apply_retention_policy():
    """Remove subject identifiers past RETENTION_SUBJECT_YEARS; does nothing when it is off."""
    years = retention_years()
    if not years:
        logger.info("Retention policy is off (RETENTION_SUBJECT_YEARS is not set).")
        return 0
    applied = retention_apply(years=years, source="schedule")
    logger.info("Retention policy cleared subject identifiers of %d cases.", len(applied))
    return len(applied)
