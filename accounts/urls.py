from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("sign-in/", views.SignInView.as_view(), name="login"),
    path("sign-out/", views.sign_out, name="logout"),
    path("sign-in/code/", views.mfa_verify, name="mfa_verify"),
    path("mfa/setup/", views.mfa_setup, name="mfa_setup"),
    path("mfa/backup-codes/", views.backup_codes, name="backup_codes"),
    path("password/", views.password_change, name="password_change"),
    path("role-grants/", views.role_grants, name="role_grants"),
    path("role-grants/<int:pk>/decide/", views.role_grant_decide, name="role_grant_decide"),
]
