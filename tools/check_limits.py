"""Size and complexity limits of the code, checked by `make limits` (part of `make lint`).

- No module above 600 lines, migrations and tests aside: a module that grows past it
  holds more than one reason to change and is split (docs/architecture.md).
- No function, method or class above complexity C: radon's cyclomatic complexity
  rank D (21 or more) or worse fails, tests included.

Usage: python tools/check_limits.py [root ...]   (default: accounts dmvrequests)
Prints one line per breach and exits 1 when there is any; prints nothing and exits 0
otherwise.
"""

import sys
from pathlib import Path

from radon.complexity import cc_rank, cc_visit

MAX_MODULE_LINES = 600
WORST_RANK = "C"
DEFAULT_ROOTS = ("accounts", "dmvrequests")


def _exempt_from_size(path: Path) -> bool:
    return "migrations" in path.parts or "tests" in path.parts


def _blocks(source: str):
    """Every function, method and class radon measures, as (name, line, complexity)."""
    for block in cc_visit(source):
        yield block.fullname, block.lineno, block.complexity
        for method in getattr(block, "methods", ()):
            yield method.fullname, method.lineno, method.complexity


def breaches(roots) -> list[str]:
    """One message per module over the size limit and per block over the complexity rank."""
    found = []
    for root in roots:
        for path in sorted(Path(root).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            source = path.read_text(encoding="utf-8")
            lines = source.count("\n")
            if lines > MAX_MODULE_LINES and not _exempt_from_size(path):
                found.append(
                    f"{path}: {lines} lines, over the limit of {MAX_MODULE_LINES}; "
                    "split it by reason to change"
                )
            for name, line, complexity in _blocks(source):
                rank = cc_rank(complexity)
                if rank > WORST_RANK:
                    found.append(
                        f"{path}:{line} {name}: complexity {complexity} (rank {rank}), over "
                        f"rank {WORST_RANK}; split it into smaller functions"
                    )
    return found


def main(argv: list[str]) -> int:
    problems = breaches(argv or DEFAULT_ROOTS)
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
