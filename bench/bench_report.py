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


def rate_table(figures):
    export = figures["export"]
    intake_rate = _first_number(figures["intake"], r"([\d.,]+) messages/second")
    policy_rate = _first_number(figures["policy"], r"([\d.,]+) evaluations/second")
    export_ok = export["rows_per_second"] >= 50_000 and export["peak_rss_mb"] <= 200
    return "\n".join(
        [
            "| Measure | Result | Target | Verdict |",
            "|---|---|---|---|",
            f"| CSV export, every case | {export['rows']:,} rows in {export['seconds']} s: "
            f"**{export['rows_per_second']:,} rows/s**; peak RSS of the exporting process "
            f"**{export['peak_rss_mb']:.0f} MB** ({export['rss_before_export_mb']:.0f} MB "
            f"before it started) | ≥ 50,000 rows/s, ≤ 200 MB | {_verdict(export_ok)} |",
            f"| Email intake (bench_intake.py) | **{intake_rate:,.1f} messages/s**: "
            f"{_sentence(figures['intake'])} | — | — |",
            f"| Policy evaluation (bench_policy.py) | **{policy_rate:,.0f} evaluations/s** "
            f"| 10,000 in ≤ 1 s | {_verdict(policy_rate >= 10_000)} |",
        ]
    )


def _sentence(line):
    inside = re.search(r"\((.*)\)", line)
    return inside.group(1) if inside else line


def render(results, figures, *, cases, seeded_in, args, load_before):
    import os

    from run import machine

    load_after = os.getloadavg()[0]
    lines = [
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
    if figures.get("reports"):
        lines += ["", "bench_reports.py:", "", "```", figures["reports"], "```"]
    return "\n".join(lines)
