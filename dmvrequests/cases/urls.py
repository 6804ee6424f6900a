from django.urls import path

from dmvrequests.cases import action_views, views

app_name = "cases"

CASE = "<str:number>/"
DOCUMENT = CASE + "documents/<int:document_id>/"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("search/", views.search, name="search"),
    path("new/", views.create, name="create"),
    path("new/policy-preview/", views.evaluate_preview, name="evaluate"),
    path(CASE, views.detail, name="detail"),
    path(CASE + "edit/", views.edit, name="edit"),
    path(CASE + "submit/", views.submit, name="submit"),
    path(CASE + "decide/", views.decide, name="decide"),
    path(CASE + "transition/", views.transition, name="transition"),
    path(CASE + "assign/", views.assign, name="assign"),
    path(CASE + "share/", views.share, name="share"),
    path(CASE + "share/<int:share_id>/revoke/", views.share_revoke, name="share_revoke"),
    path(CASE + "callback/", action_views.callback, name="callback"),
    path(CASE + "ask/", action_views.ask, name="ask"),
    path(CASE + "answer/", action_views.answer, name="answer"),
    path(CASE + "second-approval/", action_views.second_approval, name="second_approval"),
    path(CASE + "release/", action_views.release, name="release"),
    path(CASE + "notice/sent/", action_views.notice_sent, name="notice_sent"),
    path(CASE + "notice/exempt/", action_views.notice_exempt, name="notice_exempt"),
    path(CASE + "documents/", action_views.document_add, name="document_add"),
    path(DOCUMENT + "describe/", action_views.document_describe, name="document_describe"),
    path(DOCUMENT + "verify/", action_views.document_verify, name="document_verify"),
    path(DOCUMENT + "download/", views.document_download, name="document_download"),
]
