from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "dmvrequests.portal"
    label = "portal"
    verbose_name = "Agency portal"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from dmvrequests.portal.timeline import register_portal_sources

        register_portal_sources()

        from dmvrequests.cases.signals import case_status_changed
        from dmvrequests.portal import receivers

        case_status_changed.connect(receivers.case_status_changed, dispatch_uid="portal_status")
