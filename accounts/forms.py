from django.contrib.auth.forms import AuthenticationForm


class SignInForm(AuthenticationForm):
    error_messages = {
        "invalid_login": (
            "That username and password do not match an account. Check both and try again; "
            "after several failures your account is locked for a while."
        ),
        "inactive": "This account is deactivated. Ask an administrator to reactivate it.",
    }
