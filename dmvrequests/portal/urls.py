from django.urls import path

from dmvrequests.portal import certification_views, status_views, views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in/", views.SignInView.as_view(), name="login"),
    path("sign-out/", views.sign_out, name="logout"),
    path("register/", views.register, name="register"),
    path("verify/<str:token>/", views.verify, name="verify"),
    path("sign-in/code/", views.mfa_verify, name="mfa_verify"),
    path("mfa/setup/", views.mfa_setup, name="mfa_setup"),
    path("requests/new/", views.submit, name="submit"),
    path("requests/<str:number>/", status_views.request_status, name="request"),
    path("requests/<str:number>/answer/", status_views.answer, name="answer"),
    path("requests/<str:number>/messages/", status_views.message, name="message"),
    path(
        "requests/<str:number>/letters/<int:letter_id>/pdf/",
        status_views.letter_pdf,
        name="letter_pdf",
    ),
    path("files/<str:token>/", status_views.release_download, name="release_download"),
    path("officers/", views.officers, name="officers"),
    path("officers/<int:pk>/decide/", views.officer_decide, name="officer_decide"),
    path("staff/officers/", views.staff_officers, name="staff_officers"),
    path(
        "staff/officers/<int:pk>/decide/", views.staff_officer_decide, name="staff_officer_decide"
    ),
    path("staff/cases/<str:number>/", status_views.staff_case, name="staff_case"),
    path("staff/cases/<str:number>/messages/", status_views.staff_message, name="staff_message"),
    path(
        "staff/cases/<str:number>/files/",
        status_views.staff_release_file,
        name="staff_release_file",
    ),
    path("certifications/", certification_views.certifications, name="certifications"),
    path(
        "certifications/<int:pk>/document/",
        certification_views.certification_document,
        name="certification_document",
    ),
    path(
        "staff/certifications/",
        certification_views.staff_certifications,
        name="staff_certifications",
    ),
    path(
        "staff/certifications/<int:pk>/document/",
        certification_views.staff_certification_document,
        name="staff_certification_document",
    ),
]
