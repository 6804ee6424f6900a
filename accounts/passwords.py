"""Password rules beyond Django's: words that make a DMV password guessable."""

import re

from django.core.exceptions import ValidationError

# Lower-case fragments an attacker tries first against a government system.
BANNED_FRAGMENTS = (
    "password",
    "passw0rd",
    "letmein",
    "welcome",
    "qwerty",
    "dmv",
    "motorvehicle",
    "license",
    "changeme",
    "admin",
    "counsel",
    "clerk",
    "auditor",
    "spring",
    "summer",
    "autumn",
    "winter",
    "123456",
)


class BannedPasswordValidator:
    """Refuses passwords built on a banned word or on the username."""

    def validate(self, password, user=None):
        lowered = re.sub(r"[^a-z0-9]", "", password.lower())
        fragment = next((f for f in BANNED_FRAGMENTS if f in lowered), None)
        if fragment:
            raise ValidationError(
                f"Your password contains “{fragment}”, which is among the first words attackers "
                "try. Choose a passphrase of several unrelated words.",
                code="password_banned_word",
            )
        username = re.sub(r"[^a-z0-9]", "", (getattr(user, "username", "") or "").lower())
        if len(username) >= 3 and username in lowered:
            raise ValidationError(
                "Your password contains your username. Choose one that does not.",
                code="password_contains_username",
            )

    def get_help_text(self):
        return "Your password cannot contain common words such as “password” or your username."
