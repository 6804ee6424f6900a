from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save, pre_delete


class ReportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "dmvrequests.reports"
    label = "reports"
    verbose_name = "Reports and exports"

    def ready(self):
        # Registers the tasks the services queue by name (dmvrequests/tasking.py).
        from dmvrequests.cases.models import (
            Decision,
            DisclosureRequest,
            LegalDocument,
            Release,
            SubjectNotice,
        )
        from dmvrequests.cases.signals import cases_loaded
        from dmvrequests.reports import tasks  # noqa: F401

        # The rollups follow every change that moves a report's count, in its transaction.
        cases_loaded.connect(_cases_loaded, dispatch_uid="rollup_rebuild_after_load")
        post_save.connect(_case_saved, sender=DisclosureRequest, dispatch_uid="rollup_case")
        pre_delete.connect(_case_deleted, sender=DisclosureRequest, dispatch_uid="rollup_case_del")
        for model in (Decision, LegalDocument, Release, SubjectNotice):
            uid = f"rollup_{model._meta.model_name}"
            post_save.connect(_part_changed, sender=model, dispatch_uid=uid)
            post_delete.connect(_part_changed, sender=model, dispatch_uid=f"{uid}_del")


def _case_saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    from dmvrequests.reports.rollups import refresh_case

    refresh_case(instance.pk)


def _case_deleted(sender, instance, **kwargs):
    from dmvrequests.reports.rollups import forget_case

    forget_case(instance.pk)


def _part_changed(sender, instance, raw=False, **kwargs):
    if raw or instance.case_id is None:
        return
    from dmvrequests.reports.rollups import refresh_case

    refresh_case(instance.case_id)


def _cases_loaded(sender, **kwargs):
    from dmvrequests.reports.rollups import rebuild

    rebuild()
