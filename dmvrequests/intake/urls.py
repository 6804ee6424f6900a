from django.urls import path

from dmvrequests.intake import views

app_name = "intake"

urlpatterns = [
    path("quarantine/", views.quarantine, name="quarantine"),
    path("quarantine/<int:pk>/", views.quarantine_detail, name="quarantine_detail"),
    path("quarantine/<int:pk>/release/", views.quarantine_release, name="quarantine_release"),
    path("quarantine/<int:pk>/discard/", views.quarantine_discard, name="quarantine_discard"),
    path("messages/<int:pk>/", views.message_original, name="message"),
]
