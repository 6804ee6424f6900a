from django.urls import path

from dmvrequests.portal import views

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
    path("officers/", views.officers, name="officers"),
    path("officers/<int:pk>/decide/", views.officer_decide, name="officer_decide"),
    path("staff/officers/", views.staff_officers, name="staff_officers"),
    path(
        "staff/officers/<int:pk>/decide/", views.staff_officer_decide, name="staff_officer_decide"
    ),
]
