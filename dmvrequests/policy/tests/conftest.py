import pytest
from django.contrib.auth.models import Group

from accounts.models import Office, User


@pytest.fixture
def make_user(db):
    """make_user("Counsel") -> a signed-in-able user of one office with that role."""

    def make(role, **extra):
        office, _ = Office.objects.get_or_create(code="albany", defaults={"name": "Albany"})
        user = User.objects.create_user(
            f"{role.lower()}-{User.objects.count()}", password="x" * 12, office=office, **extra
        )
        user.groups.add(Group.objects.get(name=role))
        return user

    return make
