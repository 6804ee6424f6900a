"""Browser journeys against a real server (`make e2e`; see docs/accessibility.md).

One gunicorn server per run, on a free port, in front of its own database: pytest-django
creates the test database as usual (a file for SQLite, `test_<name>_e2e` on PostgreSQL), with
the data migrations (roles, policy profiles, federal agencies), and seed_demo loads the demo
offices, users, agencies and cases. The server runs in production-like mode (DEBUG off,
static files collected and served by WhiteNoise, MFA required). Tests set up what the server
cannot be asked for through the ORM, with committed writes (no test transaction: the server
must see them), and everything else happens in Chromium, as users do it.
"""

import io
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pytest

from e2e.support import (
    CHROMIUM,
    CHROMIUM_ARGS,
    PASSWORD,
    TRUSTED_AUTHSERV_ID,
    VIEWPORT,
    WCAG_TAGS,
    AxeLog,
    Person,
    axe_source,
    axe_version,
    totp_code,
)

# Playwright's sync API keeps an asyncio loop in this thread, which makes Django refuse ORM
# calls ("async context"). The set-up code here is ordinary synchronous code all the same.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

REPO = Path(__file__).resolve().parent.parent
AXE_LOG = AxeLog()
SERVER_LOG = {}


def pytest_collection_modifyitems(items):
    missing = [item.nodeid for item in items if item.get_closest_marker("e2e") is None]
    if missing:
        raise pytest.UsageError("Tests in e2e/ must be marked e2e: " + ", ".join(missing))


def pytest_terminal_summary(terminalreporter):
    if AXE_LOG.pages:
        terminalreporter.section(
            f"axe-core {axe_version()}: WCAG 2.1 A and AA ({', '.join(WCAG_TAGS)})"
        )
        for line in AXE_LOG.lines:
            terminalreporter.write_line(line)
        terminalreporter.write_line(
            f"{AXE_LOG.pages} pages checked, {AXE_LOG.violations} violations"
        )
        terminalreporter.write_line(
            f"Keyboard: {len(AXE_LOG.swept)} kinds of page swept with Tab, {AXE_LOG.tab_stops} "
            "stops, every control reached, each with a visible focus indicator"
        )
    failed = terminalreporter.stats.get("failed") or terminalreporter.stats.get("error")
    if failed and SERVER_LOG.get("path") and Path(SERVER_LOG["path"]).exists():
        terminalreporter.section("server log (last 80 lines)")
        for line in Path(SERVER_LOG["path"]).read_text(errors="replace").splitlines()[-80:]:
            terminalreporter.write_line(line)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


# The database ---------------------------------------------------------------------------


@pytest.fixture(scope="session")
def e2e_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("e2e")


@pytest.fixture(scope="session")
def django_db_modify_db_settings(e2e_dir):
    """A database the server process can open too: a file for SQLite (pytest-django's
    default is in memory), and a name of its own on PostgreSQL."""
    from django.conf import settings

    db = settings.DATABASES["default"]
    test = db.setdefault("TEST", {})
    if db["ENGINE"].endswith("sqlite3"):
        test["NAME"] = str(e2e_dir / "e2e.sqlite3")
    else:
        test["NAME"] = f"test_{db['NAME']}_e2e"


def database_url(db):
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    user = quote(db.get("USER") or "", safe="")
    password = quote(db.get("PASSWORD") or "", safe="")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = quote(db.get("HOST") or "", safe="")
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{auth}{host}{port}/{quote(db['NAME'], safe='')}"


@pytest.fixture(scope="session")
def django_db_setup(django_test_environment, django_db_blocker, django_db_modify_db_settings):
    """pytest-django creates only the databases its `django_db` tests ask for; these tests
    ask for none (they must not run in a transaction), so create the default one here."""
    from django.test.utils import setup_databases, teardown_databases

    with django_db_blocker.unblock():
        config = setup_databases(
            verbosity=0, interactive=False, aliases={"default"}, serialized_aliases=set()
        )
    yield
    with django_db_blocker.unblock():
        teardown_databases(config, verbosity=0)


@pytest.fixture(scope="session")
def e2e_database(django_db_setup, django_db_blocker):
    """The migrated test database with the demo data, and its URL for the server."""
    from django.core.management import call_command
    from django.db import connection

    with django_db_blocker.unblock():
        previous = os.environ.get("DEMO_PASSWORD")
        os.environ["DEMO_PASSWORD"] = PASSWORD
        try:
            call_command("seed_demo", stdout=io.StringIO())
            call_command("seed_letterheads", stdout=io.StringIO())
        finally:
            if previous is None:
                del os.environ["DEMO_PASSWORD"]
            else:
                os.environ["DEMO_PASSWORD"] = previous
        url = database_url(connection.settings_dict)
        connection.close()
    return url


@pytest.fixture(autouse=True)
def _database(django_db_blocker):
    """Set-up writes are committed at once (no test transaction), so the server sees them."""
    with django_db_blocker.unblock():
        yield


# The server -----------------------------------------------------------------------------


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def server_env(e2e_database, e2e_dir):
    env = {
        **os.environ,
        "DJANGO_ENV": "development",
        "DEBUG": "false",
        # The tests' password hasher (fast MD5) stays accepted; DEBUG stays off.
        "DMV_TESTING": "1",
        "DATABASE_URL": e2e_database,
        "DMV_REQUIRE_MFA": "true",
        "EMAIL_URL": "locmem:",
        "PRIVATE_MEDIA_ROOT": str(e2e_dir / "private-media"),
        "INTAKE_TRUSTED_AUTHSERV_ID": TRUSTED_AUTHSERV_ID,
    }
    # No broker: background tasks run in the web process, as in the embedded default.
    for name in ("REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "PYTEST_CURRENT_TEST"):
        env.pop(name, None)
    return env


@pytest.fixture(scope="session")
def manage(server_env):
    """Run a management command as an operator would, against the server's database."""

    def run(*args, stdin=None):
        return subprocess.run(  # noqa: S603 - this interpreter, our own arguments
            [sys.executable, "manage.py", *args],
            cwd=REPO,
            env=server_env,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=120,
        )

    return run


@pytest.fixture(scope="session")
def base_url(server_env, manage, e2e_dir):
    collected = manage("collectstatic", "--noinput", "--verbosity", "0")
    assert collected.returncode == 0, collected.stderr
    port = free_port()
    log_path = e2e_dir / "server.log"
    SERVER_LOG["path"] = str(log_path)
    with open(log_path, "w") as log:
        server = subprocess.Popen(  # noqa: S603 - this interpreter, our own arguments
            [
                sys.executable, "-m", "gunicorn", "dmvrequests.wsgi",
                "--bind", f"127.0.0.1:{port}",
                "--workers", "2", "--threads", "4", "--timeout", "120",
                "--access-logfile", "-", "--error-logfile", "-",
                # Not a long-lived server: no control socket in the home folder.
                "--no-control-socket",
            ],
            cwd=REPO, env=server_env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(server, url + "/accounts/sign-in/", log_path)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def wait_until_serving(server, url, log_path, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"The server stopped at start:\n{log_path.read_text()[-4000:]}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - our own server
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            # Not up yet, or slow to answer its first request on a loaded machine.
            pass
        time.sleep(0.2)  # polling a process that is starting: nothing to wait on in a browser
    raise RuntimeError(
        f"The server did not answer within {seconds} s:\n{log_path.read_text()[-4000:]}"
    )


# The browser ----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import expect, sync_playwright

    if not Path(CHROMIUM).exists():
        raise RuntimeError(
            f"No Chromium at {CHROMIUM}: run `bash .ci/chromium.sh` (Debian's chromium package), "
            "or set E2E_CHROMIUM."
        )
    expect.set_options(timeout=15_000)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def axe_script():
    return axe_source()


class People:
    """Everyone taking part in a journey, each in a browser context of their own."""

    def __init__(self, browser, base_url, axe_script):
        self.browser, self.base_url, self.axe_script = browser, base_url, axe_script
        self.persons = []

    def new(self, who="visitor"):
        context = self.browser.new_context(
            viewport=VIEWPORT, accept_downloads=True, locale="en-US", timezone_id="America/New_York"
        )
        context.set_default_timeout(20_000)
        # axe-core is added to every page as an init script: the app's CSP forbids inline
        # scripts, and an init script is run by the browser itself, so the CSP stays on.
        context.add_init_script(self.axe_script)
        person = Person(context=context, base_url=self.base_url, axe_log=AXE_LOG, who=who)
        self.persons.append(person)
        return person

    def signed_in(self, username, **options):
        """A demo user who set up an authenticator app before (its device is created here),
        signed in through the sign-in page and the code page."""
        device = enrol_authenticator(username)
        person = self.new(username)
        person.sign_in(username, code=lambda: totp_code(device), **options)
        return person

    def close(self, check):
        try:
            if check:
                for person in self.persons:
                    person.check_all_pages_were_checked()
        finally:
            for person in self.persons:
                person.context.close()


def enrol_authenticator(username):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.models import User

    user = User.objects.get(username=username)
    # A fresh device per journey: a TOTP code is accepted only once, and journeys follow
    # one another faster than the 30-second step.
    TOTPDevice.objects.filter(user=user).delete()
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


@pytest.fixture
def people(request, browser, base_url, axe_script):
    crowd = People(browser, base_url, axe_script)
    yield crowd
    report = getattr(request.node, "report_call", None)
    crowd.close(check=report is not None and report.passed)


@pytest.fixture
def use_profile():
    """Make a shipped policy profile the active one, as an administrator would."""
    from accounts.models import User
    from dmvrequests.policy.models import PolicyProfile
    from dmvrequests.policy.services import profile_activate

    def activate(slug):
        admin = User.objects.get(username="admin")
        return profile_activate(profile=PolicyProfile.objects.get(slug=slug), actor=admin)

    yield activate
    activate("dppa")


@pytest.fixture
def files(e2e_dir):
    folder = e2e_dir / "files"
    folder.mkdir(exist_ok=True)
    return folder
