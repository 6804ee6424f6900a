from django.urls import path

from dmvrequests.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
    path("cases.csv", views.cases_csv, name="cases_csv"),
]
