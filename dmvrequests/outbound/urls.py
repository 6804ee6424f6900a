from django.urls import path

from dmvrequests.outbound import views

app_name = "outbound"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("patterns/", views.patterns, name="patterns"),
    path("<int:pk>/", views.item, name="item"),
    path("<int:pk>/message/", views.message, name="message"),
    path("<int:pk>/attachments/<int:number>/", views.attachment, name="attachment"),
    path("<int:pk>/link/", views.link, name="link"),
    path("<int:pk>/open-case/", views.open_case, name="open_case"),
    path("<int:pk>/dismiss/", views.dismiss, name="dismiss"),
]
