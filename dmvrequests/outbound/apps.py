from django.apps import AppConfig


class OutboundConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "dmvrequests.outbound"
    label = "outbound"
    verbose_name = "Staff email to agencies"

    def ready(self):
        from dmvrequests.cases.threads import register_thread_source
        from dmvrequests.outbound import checks, tasks  # noqa: F401  (register the check, the beat task)
        from dmvrequests.outbound.statistics import dashboard_figures
        from dmvrequests.outbound.timeline import register_email_source, thread_cases
        from dmvrequests.panels import DashboardPanel, register_dashboard_panel

        register_email_source()
        register_thread_source(thread_cases)
        register_dashboard_panel(
            DashboardPanel("outbound", "outbound/_dashboard_panel.html", dashboard_figures)
        )
