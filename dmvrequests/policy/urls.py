from django.urls import path

from dmvrequests.policy import views

app_name = "policy"

urlpatterns = [
    path("try/", views.try_request, name="try"),
]
