"""The four roles. Each is a Django group, created by a migration."""

from django.db import models


class Role(models.TextChoices):
    CLERK = "Clerk", "Clerk"
    COUNSEL = "Counsel", "Counsel"
    ADMINISTRATOR = "Administrator", "Administrator"
    AUDITOR = "Auditor", "Auditor"


# What each role may do, in words: the role-change confirmation shows the change as
# "from → to" with these (accounts/admin.py).
ROLE_POWERS = {
    Role.CLERK: "logs requests, completes intake, records callbacks, releases and subject "
    "notices for the cases of their office",
    Role.COUNSEL: "reviews and decides the cases of their office, checks legal documents and "
    "shares cases",
    Role.ADMINISTRATOR: "manages users, offices, policy profiles, settings and reports; reads "
    "no case",
    Role.AUDITOR: "reads every case and the audit log of every office, and changes nothing",
}


_VERBS = {
    # (remove, grant, change) for what was done, what waits for a second administrator,
    # and what the confirmation page asks about.
    "done": ("removed", "granted", "changed"),
    "pending": ("asks to remove", "asks to grant", "asks to change"),
    "ask": ("remove", "grant", "change"),
}


def role_change_words(name, previous, role, *, pending=False, mood=None):
    """The change in one phrase, by direction: "granted the Counsel role to jsmith",
    "changed jsmith's role from Counsel to Clerk", "removed the Clerk role from jsmith".
    With `pending` (it waits for a second administrator) "asks to grant…"; with
    mood="ask" (the confirmation page) "change jsmith's role from…"."""
    remove, grant, change = _VERBS[mood or ("pending" if pending else "done")]
    before = ", ".join(previous)
    if not role:
        return f"{remove} the {before} role from {name}"
    if not previous:
        return f"{grant} the {role} role to {name}"
    return f"{change} {name}'s role from {before} to {role}"


def role_change_sentence(user, previous, role):
    """What a role change did, in words, for the administrator's message: "Maria Lopez is
    now Clerk; no longer Counsel." (`previous`: the role names before)."""
    lost = [r for r in previous if r != role]
    sentence = f"{user} is now {role}"
    if lost:
        sentence += f"; no longer {', '.join(lost)}"
    return sentence + "."
