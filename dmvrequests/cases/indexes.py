"""The indexes of a case (DisclosureRequest.Meta.indexes), each named for the page or
read it serves; the migrations that made them are named beside the ones Django cannot
express. Kept here so that the model's module keeps to its fields and rules."""

from collections.abc import Iterable

from django.db import models


def case_indexes(open_statuses: Iterable[str]) -> list[models.Index]:
    """The case table's indexes; `open_statuses` are the statuses of an open case
    (models.OPEN_STATUSES), for the clerk's default queue."""
    return [
        models.Index(fields=["office", "status", "received_at"], name="case_office_queue_idx"),
        models.Index(fields=["status", "emergency", "due_date"], name="case_review_queue_idx"),
        # Counsel's "Cases assigned to me" (one status, "due" order), read in order and
        # stopped at the page: by (counsel, status) alone, every case of a counsel with
        # thousands in review was read and sorted for its first fifty (1,000,000 cases).
        models.Index(
            fields=["assigned_counsel", "status", "-emergency", "due_date", "received_at", "id"],
            name="case_assigned_due_idx",
        ),
        models.Index(fields=["agency", "received_at"], name="case_agency_idx"),
        models.Index(fields=["received_at"], name="case_received_idx"),
        models.Index(fields=["subject_license_number"], name="case_license_idx"),
        models.Index(fields=["subject_plate"], name="case_plate_idx"),
        models.Index(fields=["subject_name"], name="case_subject_name_idx"),
        models.Index(fields=["subject_vin"], name="case_vin_idx"),
        # The queue's default order ("due"): any page of one status without a sort.
        models.Index(
            fields=["office", "status", "-emergency", "due_date", "received_at", "id"],
            name="case_queue_due_idx",
        ),
        # The clerk's default queue (open cases, "due" order), read in order: with several
        # statuses case_queue_due_idx cannot (1,000,000 cases: a 1,174-row sort, 7.5 ms).
        models.Index(
            fields=["office", "-emergency", "due_date", "received_at", "id"],
            condition=models.Q(status__in=tuple(open_statuses)),
            name="case_open_queue_due_idx",
        ),
        # Also on PostgreSQL: UPPER(subject_name) text_pattern_ops, for the search's
        # case-insensitive prefix match (migration 0005; not expressible here).
        models.Index(fields=["subject_plate_key"], name="case_plate_key_idx"),
        models.Index(fields=["subject_license_key"], name="case_license_key_idx"),
        # Also on PostgreSQL: a pg_trgm GIN index on subject_name_key, for any part of
        # a name (migration 0006; SQLite scans, which is fine at its sizes).
        # The search's office arm newest first, index only for a common name: the
        # name key rides along (INCLUDE, PostgreSQL; cases/search.py).
        models.Index(
            fields=["office", "-received_at", "-id"],
            include=["subject_name_key"],
            name="case_office_newest_idx",
        ),
    ]
