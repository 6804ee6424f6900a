from django.urls import path

from dmvrequests.switchjournal import views

app_name = "network"

urlpatterns = [
    path("", views.index, name="index"),
    path("figure.csv", views.figure_csv, name="figure_csv"),
    path("entries/", views.entries, name="entries"),
    path("unknown-oris/", views.unknown_oris, name="unknown_oris"),
    path("unknown-oris/attribute/", views.attribute, name="attribute"),
    path("blocklist/", views.blocklist, name="blocklist"),
    path("blocklist.csv", views.blocklist_download_csv, name="blocklist_csv"),
    path("blocklist.txt", views.blocklist_download_text, name="blocklist_text"),
    path("blocklist/hand-over/", views.hand_over, name="hand_over"),
    path("agencies/<int:pk>/", views.agency, name="agency"),
    path("upload/", views.upload, name="upload"),
    path("upload/<uuid:job_id>/", views.upload_job, name="upload_job"),
    path("upload/<uuid:job_id>/status.json", views.upload_status, name="upload_status"),
]
