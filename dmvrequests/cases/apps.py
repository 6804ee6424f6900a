from django.apps import AppConfig


class CasesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "dmvrequests.cases"
    label = "cases"
    verbose_name = "Cases"

    def ready(self):
        from dmvrequests import vocabulary
        from dmvrequests.cases import models, receivers  # noqa: F401 (connects them)
        from dmvrequests.cases.pages import CasePage

        vocabulary.register(
            status=models.Status,
            channel=models.Channel,
            reason=models.ReasonCode,
            outcome=models.DecisionOutcome,
            verification=models.VerificationResult,
            release_method=models.ReleaseMethod,
            notice_status=models.NoticeStatus,
            case_page=CasePage,
        )
