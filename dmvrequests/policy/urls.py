from django.urls import path

from dmvrequests.policy import views

app_name = "policy"

urlpatterns = [
    path("try/", views.try_request, name="try"),
    path("profiles/", views.profile_list, name="profiles"),
    path("profiles/<slug:slug>/review/", views.profile_review, name="profile_review"),
]
