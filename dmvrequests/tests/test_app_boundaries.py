"""The app boundaries of docs/decisions/0006-app-boundaries.md hold, and a forbidden import
fails the check that CI runs (`make contracts`, part of `make lint`).

The deliberate violation is made in a copy of the code, checked against the project's own
contracts (pyproject.toml), so the test proves the real configuration catches it.
"""

import shutil
import subprocess  # noqa: S404 - runs the project's own linter on the project's own files
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
PACKAGES = ("accounts", "dmvrequests")


def lint_imports(where):
    """Run import-linter in `where` on its pyproject.toml; (exit code, report)."""
    done = subprocess.run(  # noqa: S603 - fixed arguments, no shell
        [str(LINT_IMPORTS), "pyproject.toml", "--no-cache"],
        cwd=where,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    return done.returncode, done.stdout + done.stderr


@pytest.fixture
def copy_of_the_code(tmp_path):
    """The packages and pyproject.toml copied (without tests, migrations and caches)."""
    ignore = shutil.ignore_patterns("__pycache__", "tests", "migrations", "*.pyc")
    for package in PACKAGES:
        shutil.copytree(ROOT / package, tmp_path / package, ignore=ignore)
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def add_import(module, statement):
    with module.open("a") as file:
        file.write(f"\n{statement}  # a deliberate violation\n")


def test_the_code_keeps_every_contract():
    code, report = lint_imports(ROOT)
    assert code == 0, report
    assert "0 broken" in report, report


def test_django_in_the_engine_breaks_the_build(copy_of_the_code):
    add_import(copy_of_the_code / "dmvrequests/policy/engine.py", "import django.db  # noqa")
    code, report = lint_imports(copy_of_the_code)
    assert code == 1, report
    assert "The policy engine is pure Python" in report
    assert "dmvrequests.policy.engine -> django" in report


def test_a_case_in_accounts_breaks_the_build(copy_of_the_code):
    add_import(copy_of_the_code / "accounts/models.py", "import dmvrequests.cases.models  # noqa")
    code, report = lint_imports(copy_of_the_code)
    assert code == 1, report
    assert "Accounts and agencies know no case BROKEN" in " ".join(report.split())
    assert "accounts.models -> dmvrequests.cases.models" in report


def test_a_channel_reaching_into_case_models_breaks_the_build(copy_of_the_code):
    # `letters` is a channel the contract names before it exists (the others exist now).
    portal = copy_of_the_code / "dmvrequests/letters"
    portal.mkdir()
    (portal / "__init__.py").write_text("")
    (portal / "views.py").write_text("from dmvrequests.cases.services import case_create\n")
    add_import(portal / "views.py", "from dmvrequests.cases.models import DisclosureRequest")
    code, report = lint_imports(copy_of_the_code)
    assert code == 1, report
    assert "dmvrequests.letters.views -> dmvrequests.cases.models" in report
    # Through the services is the allowed way: only the models import is reported.
    assert "-> dmvrequests.cases.services" not in report


def test_an_import_cycle_inside_an_app_breaks_the_build(copy_of_the_code):
    # The cycle that used to be hidden in a function: requests -> decisions -> requests.
    add_import(
        copy_of_the_code / "dmvrequests/cases/services/requests.py",
        "def _late():\n    from dmvrequests.cases.services.decisions import case_decide  # noqa",
    )
    code, report = lint_imports(copy_of_the_code)
    assert code == 1, report
    assert "No import cycles between the modules of a package" in " ".join(report.split())
    assert "No cycles are allowed in dmvrequests.cases.services." in report
    assert "- .requests -> .decisions (1 import)" in report
