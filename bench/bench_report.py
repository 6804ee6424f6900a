"""The harness's results as Markdown, for the terminal and docs/performance.md."""

import re

# Pages held to "at most half the admin changelist's time"; the dashboard has its own budget.
DASHBOARD = "Dashboard"


def _verdict(ok):
    return "meets" if ok else "**misses**"


def page_table(results):
    baseline = next((r for r in results if r.page.baseline), None)
    lines = [
        "| Page | p50 (ms) | p95 (ms) | Queries | Target p95 | p95 ÷ admin p95 | Verdict |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for result in results:
        page = result.page
        ratio = result.p95_ms / baseline.p95_ms if baseline and not page.baseline else None
        halved = ratio is None or page.label.startswith(DASHBOARD) or ratio <= 0.5
        ok = result.status == 200 and (page.target_ms is None or result.p95_ms <= page.target_ms)
        lines.append(
            f"| {page.label} | {result.p50_ms:.1f} | {result.p95_ms:.1f} | {result.queries} "
            f"| {f'≤ {page.target_ms:,.0f} ms' if page.target_ms else '—'} "
            f"| {f'{ratio:.2f}' if ratio is not None else '—'} "
            f"| {'baseline' if page.baseline else _verdict(ok and halved)} |"
        )
    return "\n".join(lines)


def _first_number(text, pattern):
    match = re.search(pattern, text)
    return float(match.group(1).replace(",", "")) if match else None


def number_in(text, pattern):
    return _first_number(text, pattern)


def page_dicts(results, cases):
    """The page results as plain data for --json, each labelled with the database size."""
    baseline = next((r for r in results if r.page.baseline), None)
    found = []
    for result in results:
        page = result.page
        ratio = result.p95_ms / baseline.p95_ms if baseline and not page.baseline else None
        found.append(
            {
                "label": page.label,
                "database_cases": cases,
                "p50_ms": round(result.p50_ms, 1),
                "p95_ms": round(result.p95_ms, 1),
                "queries": result.queries,
                "ratio_to_admin_p95": round(ratio, 3) if ratio is not None else None,
                "target_p95_ms": page.target_ms,
                "meets_target": (
                    None
                    if page.target_ms is None
                    else result.status == 200 and result.p95_ms <= page.target_ms
                ),
                "status": result.status,
                "samples": result.samples,
                "urls": len(page.url) if isinstance(page.url, tuple) else 1,
                "baseline": page.baseline,
            }
        )
    return found


# Targets of issue 18: CSV and XLSX rows per second, CSV peak memory.
EXPORT_TARGETS = {"csv": (100_000, 150), "xlsx": (20_000, None), "json": (None, None)}


def rate_table(figures):
    intake_rate = _first_number(figures["intake"], r"([\d.,]+) messages/second")
    policy_rate = _first_number(figures["policy"], r"([\d.,]+) evaluations/second")
    lines = ["| Measure | Result | Target | Verdict |", "|---|---|---|---|"]
    for fmt, export in figures["exports"].items():
        rate_target, memory_target = EXPORT_TARGETS[fmt]
        ok = (rate_target is None or export["rows_per_second"] >= rate_target) and (
            memory_target is None or export["peak_rss_mb"] <= memory_target
        )
        target = ", ".join(
            part
            for part in (
                f"≥ {rate_target:,} rows/s" if rate_target else "",
                f"≤ {memory_target} MB" if memory_target else "",
            )
            if part
        )
        lines.append(
            f"| {fmt.upper()} export ({export['writer']}) | {export['rows']:,} rows "
            f"of a {export['database_cases']:,}-case database in {export['seconds']} s: "
            f"**{export['rows_per_second']:,} rows/s**; peak RSS of the exporting process "
            f"**{export['peak_rss_mb']:.0f} MB** ({export['rss_before_export_mb']:.0f} MB "
            f"before it started) | {target or '—'} | "
            f"{_verdict(ok) if target else '—'} |"
        )
    lines += [
        f"| Email intake (bench_intake.py, a throwaway empty database) | "
        f"**{intake_rate:,.1f} messages/s**: {_sentence(figures['intake'])} | — | — |",
        f"| Policy evaluation (bench_policy.py, no database) | "
        f"**{policy_rate:,.0f} evaluations/s** | 10,000 in ≤ 1 s | "
        f"{_verdict(policy_rate >= 10_000)} |",
    ]
    return "\n".join(lines)


def _sentence(line):
    inside = re.search(r"\((.*)\)", line)
    return inside.group(1) if inside else line


def render(results, figures, *, cases, seeded_in, args, load_before):
    import os

    from run import machine

    load_after = os.getloadavg()[0]
    lines = [
        f"**{cases:,} cases.** "
        f"Measured with `python bench/run.py --cases {cases} --rounds {args.rounds} "
        f"--iterations {args.iterations}` (`make bench`) on {machine()}. Load average (1 "
        f"minute) when the run started: {load_before:.1f}; when it ended: {load_after:.1f}.",
        "",
        "Server time is measured in-process with Django's test Client (every middleware, the "
        "views, their queries and the templates; no network, no WSGI server), "
        f"{args.rounds} interleaved rounds of about {args.iterations} requests per page; each "
        "figure is the median of the rounds' percentiles.",
        "",
    ]
    if seeded_in is not None:
        lines += [f"Seeding {cases:,} cases took {seeded_in / 60:.1f} minutes.", ""]
    lines += [page_table(results), "", rate_table(figures)]
    return "\n".join(lines)
