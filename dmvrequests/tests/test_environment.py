import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from dmvrequests import environment
from dmvrequests.settings import BASE_DIR, parse_email_url


class TestHelpers:
    def test_it_reads_booleans(self, monkeypatch):
        monkeypatch.setenv("X_FLAG", "off")
        assert environment.env_bool("X_FLAG", True) is False
        monkeypatch.setenv("X_FLAG", "Yes")
        assert environment.env_bool("X_FLAG", False) is True

    def test_it_rejects_a_malformed_boolean_naming_the_variable(self, monkeypatch):
        monkeypatch.setenv("DMV_REQUIRE_MFA", "maybe")
        with pytest.raises(ImproperlyConfigured, match="DMV_REQUIRE_MFA"):
            environment.env_bool("DMV_REQUIRE_MFA", True)

    def test_it_rejects_a_malformed_number_naming_the_variable(self, monkeypatch):
        monkeypatch.setenv("SESSION_IDLE_MINUTES", "thirty")
        with pytest.raises(ImproperlyConfigured, match="SESSION_IDLE_MINUTES"):
            environment.env_int("SESSION_IDLE_MINUTES", 30)

    def test_it_enforces_bounds(self, monkeypatch):
        monkeypatch.setenv("SESSION_IDLE_MINUTES", "0")
        with pytest.raises(ImproperlyConfigured, match="at least 1"):
            environment.env_int("SESSION_IDLE_MINUTES", 30, minimum=1)

    def test_it_rejects_an_unknown_url_scheme(self, monkeypatch):
        monkeypatch.setenv("REDIS_URL", "http://localhost:6379")
        with pytest.raises(ImproperlyConfigured, match="REDIS_URL"):
            environment.env_url("REDIS_URL", schemes={"redis"})

    def test_it_splits_lists(self, monkeypatch):
        monkeypatch.setenv("ALLOWED_HOSTS", "a.gov, b.gov,,")
        assert environment.env_list("ALLOWED_HOSTS") == ["a.gov", "b.gov"]

    def test_it_parses_email_urls(self):
        parsed = parse_email_url("smtp://user%40x:p%2Fw@mail.example.gov:587?tls=1")
        assert parsed["EMAIL_HOST"] == "mail.example.gov"
        assert parsed["EMAIL_PORT"] == 587
        assert parsed["EMAIL_HOST_USER"] == "user@x"
        assert parsed["EMAIL_HOST_PASSWORD"] == "p/w"
        assert parsed["EMAIL_USE_TLS"] is True
        assert "console" in parse_email_url("")["EMAIL_BACKEND"]
        with pytest.raises(ImproperlyConfigured, match="EMAIL_URL"):
            parse_email_url("ftp://x")


def run_settings(env):
    """Import the settings in a fresh interpreter with exactly `env` (plus PATH)."""
    full = {"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "dmvrequests.settings", **env}
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=BASE_DIR,
        env=full,
        capture_output=True,
        text=True,
        timeout=60,
    )


class TestProductionSettings:
    GOOD = {
        "DJANGO_ENV": "production",
        "SECRET_KEY": "x" * 64,
        "ALLOWED_HOSTS": "dmv.example.gov",
        "DATABASE_URL": "sqlite:////tmp/never-created.sqlite3",
    }

    def test_it_starts_with_the_required_variables(self):
        assert run_settings(self.GOOD).returncode == 0

    @pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"])
    def test_it_refuses_to_start_without(self, missing):
        env = {k: v for k, v in self.GOOD.items() if k != missing}
        result = run_settings(env)
        assert result.returncode != 0
        assert missing in result.stderr

    def test_it_refuses_mfa_off(self):
        result = run_settings({**self.GOOD, "DMV_REQUIRE_MFA": "false"})
        assert result.returncode != 0
        assert "DMV_REQUIRE_MFA" in result.stderr

    def test_it_names_a_malformed_variable(self):
        result = run_settings({**self.GOOD, "SESSION_IDLE_MINUTES": "lots"})
        assert result.returncode != 0
        assert "SESSION_IDLE_MINUTES" in result.stderr


class TestDmvState:
    def test_a_state_s_code_in_any_case_is_taken(self):
        assert run_settings({"DMV_STATE": "ny"}).returncode == 0

    def test_anything_else_stops_the_process_naming_the_variable(self):
        result = run_settings({"DMV_STATE": "New York"})
        assert result.returncode != 0
        assert "DMV_STATE must be the state's two-letter postal code" in result.stderr
