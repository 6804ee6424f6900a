from django.urls import path

from dmvrequests.cases import views

app_name = "cases"

CASE = "<str:number>/"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("search/", views.search, name="search"),
    path("new/", views.create, name="create"),
    path("new/policy-preview/", views.evaluate_preview, name="evaluate"),
    path(CASE, views.detail, name="detail"),
    path(CASE + "submit/", views.submit, name="submit"),
    path(CASE + "decide/", views.decide, name="decide"),
    path(CASE + "transition/", views.transition, name="transition"),
    path(CASE + "assign/", views.assign, name="assign"),
    path(CASE + "share/", views.share, name="share"),
    path(CASE + "share/<int:share_id>/revoke/", views.share_revoke, name="share_revoke"),
    path(
        CASE + "documents/<int:document_id>/verify/", views.document_verify, name="document_verify"
    ),
    path(
        CASE + "documents/<int:document_id>/download/",
        views.document_download,
        name="document_download",
    ),
]
