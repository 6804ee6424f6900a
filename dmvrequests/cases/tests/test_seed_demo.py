import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from dmvrequests.cases.models import DisclosureRequest, Status

pytestmark = pytest.mark.django_db


def test_it_loads_offices_users_and_cases_in_every_status(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("DEMO_PASSWORD", "demo-password-for-tests")
    password_file = tmp_path / "pw"
    call_command("seed_demo", password_file=str(password_file))
    assert set(User.objects.values_list("username", flat=True)) >= {
        "clerk",
        "clerk2",
        "counsel",
        "admin",
        "auditor",
    }
    clerk, clerk2 = User.objects.get(username="clerk"), User.objects.get(username="clerk2")
    assert clerk.office != clerk2.office
    assert clerk.check_password("demo-password-for-tests")
    assert 35 <= DisclosureRequest.objects.count() <= 45
    statuses = set(DisclosureRequest.objects.values_list("status", flat=True))
    assert statuses == set(Status.values)
    assert DisclosureRequest.objects.values("office").distinct().count() == 2
    assert password_file.read_text().strip() == "demo-password-for-tests"
    assert "demo-password-for-tests" in capsys.readouterr().out


def test_it_runs_once(monkeypatch):
    call_command("seed_demo")
    count = DisclosureRequest.objects.count()
    call_command("seed_demo")
    assert DisclosureRequest.objects.count() == count


def test_it_refuses_production(settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="production"):
        call_command("seed_demo")


def test_it_runs_new_yorks_profile_and_names_every_demo_user(monkeypatch, capsys):
    from dmvrequests.cases.management.commands.seed_demo import USERS
    from dmvrequests.policy.services import profile_active

    monkeypatch.setenv("DEMO_PASSWORD", "demo-password-for-tests")
    call_command("seed_demo")
    assert profile_active().slug == "ny"
    out = capsys.readouterr().out
    for username, *_ in USERS:
        assert f"  {username} " in out, username
    assert "counsel3" in out and "second approvals" in out
    # Run again (`make run` every time): the users are listed again, the password is not.
    call_command("seed_demo")
    again = capsys.readouterr().out
    assert "already loaded" in again and "auditor" in again
    assert "demo-password-for-tests" not in again
