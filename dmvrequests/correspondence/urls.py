from django.urls import path

from dmvrequests.correspondence import views

app_name = "correspondence"

CASE = "cases/<str:number>/"
LETTER = CASE + "<int:letter_id>/"

urlpatterns = [
    path("notices/", views.notices_batch, name="notices_batch"),
    path("templates/", views.templates, name="templates"),
    path("letterhead/", views.letterhead, name="letterhead"),
    path("templates/languages/", views.language_add, name="language_add"),
    path(
        "templates/<int:office_id>/<slug:kind>/<slug:language>/",
        views.template_edit,
        name="template_edit",
    ),
    path(CASE, views.case_letters, name="case_letters"),
    path(CASE + "issue/", views.issue, name="issue"),
    path(LETTER, views.letter, name="letter"),
    path(LETTER + "pdf/", views.letter_pdf, name="letter_pdf"),
    path(LETTER + "email/", views.email, name="email"),
    path(LETTER + "mailed/", views.mailed, name="mailed"),
]
