from django.urls import path

from dmvrequests.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
    path("exports/", views.export_page, name="exports"),
    path("cases.csv", views.cases_csv, name="cases_csv"),
    path("exports/<uuid:job_id>/", views.export_job, name="export_job"),
    path("exports/<uuid:job_id>/status.json", views.export_job_status, name="export_job_status"),
    path("exports/<uuid:job_id>/download", views.export_job_download, name="export_job_download"),
    path("transparency/", views.transparency, name="transparency"),
    path("transparency.csv", views.transparency_csv, name="transparency_csv"),
    path("attestation/", views.attestation, name="attestation"),
    path("attestation.csv", views.attestation_csv, name="attestation_csv"),
]
