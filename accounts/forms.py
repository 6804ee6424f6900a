from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.contrib.auth.password_validation import password_validators_help_texts
from django.utils.html import format_html, format_html_join

from dmvrequests.forms import USWDSFormMixin


class SignInForm(AuthenticationForm):
    def clean_username(self):
        # AuthenticationForm sets max_length after building the field, so it is never
        # enforced; django-axes would then fail to store an over-long name.
        username = self.cleaned_data.get("username", "")
        if len(username) > 150 or "\x00" in username:
            raise forms.ValidationError(
                "That is not a username of this system. Check it and try again."
            )
        return username

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


def password_rules_html():
    """The password rules (each validator's help text) as a list: HTML built here, every
    rule escaped. Django's password_validators_help_text_html() is HTML but a lazy string
    that is not marked safe, so the field's include (which escapes help text, and marks
    none safe) would show its tags; this list is marked safe, and only it."""
    rules = password_validators_help_texts()
    if not rules:
        return ""
    items = format_html_join("", "<li>{}</li>", ((rule,) for rule in rules))
    return format_html('<ul class="usa-list margin-y-05">{}</ul>', items)


class PasswordForm(USWDSFormMixin, PasswordChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].help_text = password_rules_html()


class RoleGrantDecisionForm(USWDSFormMixin, forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", "Approve"), ("refuse", "Refuse")], widget=forms.RadioSelect
    )
    note = forms.CharField(
        required=False,
        max_length=200,
        label="Note (optional)",
        help_text="Why, for the record; kept in the grant's history.",
    )
