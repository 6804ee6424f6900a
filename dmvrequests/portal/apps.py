from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "dmvrequests.portal"
    label = "portal"
    verbose_name = "Agency portal"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from dmvrequests.cases.timeline import register_source
        from dmvrequests.portal.timeline import MESSAGE_KINDS, portal_events

        register_source(MESSAGE_KINDS, portal_events)

        from dmvrequests.cases.signals import case_status_changed
        from dmvrequests.portal import receivers

        case_status_changed.connect(receivers.case_status_changed, dispatch_uid="portal_status")
