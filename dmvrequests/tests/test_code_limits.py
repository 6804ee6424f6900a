"""The size and complexity limits of tools/check_limits.py (run by `make lint`) catch a
breach, and the project is within them."""

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _checker():
    spec = importlib.util.spec_from_file_location("check_limits", ROOT / "tools/check_limits.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _branchy_function(branches):
    body = "".join(f"    if x == {n}:\n        return {n}\n" for n in range(branches))
    return f"def branchy(x):\n{body}    return None\n"


def test_a_long_module_and_a_complex_function_are_reported(tmp_path):
    checker = _checker()
    package = tmp_path / "app"
    (package / "tests").mkdir(parents=True)
    (package / "migrations").mkdir()
    (package / "long.py").write_text("x = 1\n" * 601)
    (package / "tests" / "test_long.py").write_text("x = 1\n" * 700)  # tests may be long
    (package / "migrations" / "0001_initial.py").write_text(_branchy_function(30))
    within = _branchy_function(19)  # complexity 20, rank C
    (package / "within.py").write_text("x = 1\n" * (600 - within.count("\n")) + within)
    (package / "complex.py").write_text(_branchy_function(20))

    found = checker.breaches([package])

    assert len(found) == 2, found
    assert any(f.startswith(f"{package / 'long.py'}: 601 lines") for f in found), found
    assert any(
        f.startswith(f"{package / 'complex.py'}:1 branchy: complexity 21 (rank D)") for f in found
    ), found
    assert checker.main([str(package)]) == 1


def test_the_project_is_within_the_limits():
    checker = _checker()
    assert checker.breaches([ROOT / "accounts", ROOT / "dmvrequests"]) == []
