from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm

from dmvrequests.forms import USWDSFormMixin


class SignInForm(AuthenticationForm):
    error_messages = {
        "invalid_login": (
            "That username and password do not match an account. Check both and try again; "
            "after 5 failures in a row the account is locked for 10 minutes."
        ),
        "inactive": "This account is deactivated. Ask an administrator to reactivate it.",
    }


class TokenForm(USWDSFormMixin, forms.Form):
    token = forms.CharField(
        label="Code",
        max_length=16,
        help_text="The 6-digit code your authenticator app shows, or one of your backup codes.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class PasswordForm(USWDSFormMixin, PasswordChangeForm):
    pass
