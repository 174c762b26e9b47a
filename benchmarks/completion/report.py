"""The targets beside the figures, and the table `python benchmarks/engine.py` prints."""

from __future__ import annotations

import statistics
from typing import Any

from benchmarks.completion.scenario import TARGET_BYTES, TARGET_COMMITS, TARGET_RATIO, TARGET_STATEMENTS, Scenario


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def targets(results: dict[str, Scenario]) -> list[dict[str, Any]]:
    """The issue's targets, judged on every engine scenario that ran."""
    checks: list[dict[str, Any]] = []
    b, c = results.get("b"), results.get("c")
    if b is not None and c is not None:
        ratio = c.median_ms / b.median_ms
        checks.append({"target": "c/b median ≤ 2", "value": round(ratio, 2), "pass": ratio <= TARGET_RATIO})
    for key in ("c", "d"):
        scenario = results.get(key)
        if scenario is None:
            continue
        commits, statements = max(scenario.commits), max(scenario.statements)
        checks.append({"target": f"({key}) commits per completion ≤ {TARGET_COMMITS} (max)",
                       "value": commits, "pass": commits <= TARGET_COMMITS})
        checks.append({"target": f"({key}) statements per completion ≤ {TARGET_STATEMENTS} (max)",
                       "value": statements, "pass": statements <= TARGET_STATEMENTS})
        size = scenario.bytes_per_instance or 0.0
        checks.append({"target": f"({key}) bytes per finished instance ≤ {TARGET_BYTES} (12 KiB)",
                       "value": round(size), "pass": size <= TARGET_BYTES})
    return checks


def print_table(report: dict[str, Any], results: dict[str, Scenario]) -> None:
    plan, env = report["plan"], report["machine"]
    print(f"DecisionFlow engine benchmark: {plan['steps']}-step linear chain, {plan['procedures']} procedures "
          f"× {plan['steps']} steps timed after {plan['warmup']} warm-up procedures, "
          f"{plan['data_bytes']} bytes of form data per step")
    print(f"machine: {env['nproc']} CPUs ({env['cpu']}), Python {env['python']}, SpiffWorkflow "
          f"{env['spiffworkflow']}, SQLAlchemy {env['sqlalchemy']}, SQLite {env['sqlite']}"
          + (f", PostgreSQL {env['postgresql']}" if env.get("postgresql") else ""))
    print(f"engine revision {env['engine_revision']}; SQLite files in {env['sqlite_dir']} "
          f"({env['sqlite_filesystem']})")
    print()
    header = (f"{'scenario':<36} {'median ms':>9} {'p95 ms':>8} {'COMMIT ms':>9} {'stmts/compl':>11} "
              f"{'commits/compl':>13} {'DB bytes/inst':>13} {'state bytes':>11} {'peak RSS MB':>11}")
    print(header)
    print("-" * len(header))
    for scenario in results.values():
        stmts = f"{statistics.fmean(scenario.statements):.1f} ({max(scenario.statements)})" \
            if scenario.statements else "-"
        commits = f"{statistics.fmean(scenario.commits):.1f} ({max(scenario.commits)})" if scenario.commits else "-"
        size = f"{scenario.bytes_per_instance:,.0f}" if scenario.bytes_per_instance is not None else "-"
        state = f"{scenario.state_bytes:,.0f}" if scenario.state_bytes is not None else "-"
        commit = f"{scenario.commit_median_ms:.3f}" if scenario.commit_median_ms is not None else "-"
        print(f"{'(' + scenario.key + ') ' + scenario.title:<36} {scenario.median_ms:>9.3f} {scenario.p95_ms:>8.3f} "
              f"{commit:>9} {stmts:>11} {commits:>13} {size:>13} {state:>11} {scenario.peak_rss_mb:>11.1f}")
    print("COMMIT ms: median time inside the driver's commit; stmts and commits: mean (max);")
    print("state bytes: compressed workflow state of a finished procedure; peak RSS: the process's")
    print("high-water mark after each scenario (it only grows)")
    if report.get("skipped"):
        print(f"(d) skipped: {report['skipped']}")
    print()
    for key in ("c", "d"):
        if key in results and results[key].bytes_by_table:
            parts = ", ".join(f"{t} {v:,.0f}" for t, v in results[key].bytes_by_table.items())
            print(f"({key}) bytes per instance by table (with indexes): {parts}")
        if key in results and results[key].bytes_per_instance_compacted is not None:
            print(f"({key}) bytes per instance after VACUUM FULL (dead row versions removed): "
                  f"{results[key].bytes_per_instance_compacted:,.0f}")
    for name, value in report["ratios"].items():
        print(f"{name} = {value:.2f}")
    print()
    print("targets:")
    for check in report["targets"]:
        print(f"  {check['target']:<52} {check['value']!s:>8}  {verdict(check['pass'])}")
    for key in ("c", "d"):
        if key in results:
            for label, log in results[key].statement_log.items():
                print(f"\n({key}) statements of one completion, {label}:")
                for statement in log:
                    print("  " + " ".join(statement.split())[:150])
    profile = report.get("profile")
    if profile:
        print(f"\nprofile of (c): {profile['completions']} completions, "
              f"{profile['profiled_ms_per_completion']:.2f} ms each under cProfile")
        print("  engine functions by cumulative time (ms per completion, share):")
        for row in profile["engine_cumulative"]:
            print(f"    {row['ms_per_completion']:7.3f}  {row['share']:6.1%}  {row['function']}")
        print("  own time by library (ms per completion, share):")
        for name, row in profile["own_time_by_library"].items():
            if row["share"] >= 0.005:
                print(f"    {row['ms_per_completion']:7.3f}  {row['share']:6.1%}  {name}")
