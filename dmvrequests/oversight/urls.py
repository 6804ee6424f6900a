from django.urls import path

from dmvrequests.oversight import views

app_name = "audit"

urlpatterns = [
    path("", views.access_log, name="access_log"),
    path("records.csv", views.access_log_csv, name="access_log_csv"),
    path("history/", views.history, name="history"),
    path("directory/", views.directory_history, name="directory_history"),
    path("users/", views.user_activity, name="user_activity"),
    path("verification/", views.verification, name="verification"),
    path("verification/run/", views.verify_now, name="verify_now"),
    path("cases/<str:number>/timeline/", views.case_timeline, name="case_timeline"),
    path("cases/<str:number>/redact/", views.redact, name="redact"),
]
