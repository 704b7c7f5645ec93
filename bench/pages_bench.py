"""Page benchmark: each list and dashboard page at province scale, as a ratio to a minimal
signed-in page served by the same stack in the same run, with its query count.

    .venv/bin/python bench/pages_bench.py [--associations 2000] [--years 5] [--runs 15]
    .venv/bin/python bench/pages_bench.py --postgres [postgres://postgres@127.0.0.1:5432/gh_bench]

Uses its own SQLite database under var/bench/, or with --postgres (or BENCH_DATABASE_URL)
that PostgreSQL database; seeds it with `seed_scale` the first time (reused afterwards),
brings the dashboard's rows up to date as its periodic task would, and writes
bench/results/pages.json (SQLite) or bench/results/pages-postgresql.json.

The budget of every page: at most BUDGET_RATIO times the baseline page's median and at
most BUDGET_QUERIES queries, whatever the number of associations and years; a page over
it is named at the end and the run exits with 1.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUDGET_RATIO = 3.0
BUDGET_QUERIES = 30
sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--associations", type=int, default=2000)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--only", action="append", default=[], metavar="TEXT",
                        help="time only the pages whose label contains TEXT (repeatable; the "
                             "baseline is always timed; the results file is not written)")
    parser.add_argument("--postgres", nargs="?", const=os.environ.get(
        "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/guildhall_bench"),
        default=os.environ.get("BENCH_DATABASE_URL"), metavar="DATABASE_URL",
        help="run on this PostgreSQL database instead of SQLite")
    args = parser.parse_args()

    if args.postgres:
        os.environ["DATABASE_URL"] = args.postgres
        os.environ.setdefault("GUILDHALL_VAR_DIR", str(ROOT / "var" / "benchpg"))
    else:
        os.environ.pop("DATABASE_URL", None)
        os.environ.setdefault("GUILDHALL_VAR_DIR", str(ROOT / "var" / "bench"))
    Path(os.environ["GUILDHALL_VAR_DIR"]).mkdir(parents=True, exist_ok=True)
    os.environ["DJANGO_SETTINGS_MODULE"] = "guildhall.settings_test"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment
    from django.urls import NoReverseMatch, reverse

    from guildhall.accounts.models import User
    from guildhall.dashboard.sources import columns
    from guildhall.orgs.models import Organization
    from guildhall.site.scale import seed_scale

    setup_test_environment()
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    seed_scale(associations=args.associations, years=args.years, log=lambda m: print(" ", m))
    if connection.vendor == "postgresql":
        # Seeding loads millions of rows at once; the planner needs their statistics
        # (autovacuum gathers them later in production).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    from guildhall.dashboard.models import Row
    from guildhall.dashboard.services import refresh_all, refresh_stale

    if Row.objects.count() < args.associations:
        print(f"  {refresh_all()} dashboard rows computed")
    else:
        print(f"  {refresh_stale(None, limit=None)} stale dashboard rows refreshed")
    print(f"data ready in {time.perf_counter() - started:.0f}s")

    sup = Organization.objects.get(code="sup")
    this_year = time.localtime().tm_year
    big_sup = Organization.objects.filter(code__startswith="scale-sup").first()
    assoc = Organization.objects.filter(code__startswith="scale-a").order_by("pk").first()
    sort_keys = [c.key for c in columns()]
    pages = [
        ("baseline: password form", "sup-admin", "accounts:password_change", {}),
        ("supervisor home", "sup-admin", "site:org_home", {"org_id": sup.pk}),
        ("associations list", "sup-admin", "orgs:associations", {"org_id": sup.pk}),
        ("associations list, page 20", "sup-admin", "orgs:associations", {"org_id": sup.pk}, "page=20"),
        ("audit trail (association)", f"{assoc.code}-admin", "site:audit_log", {"org_id": assoc.pk}),
        ("audit trail (supervisor view)", "sup-viewer", "site:audit_log", {"org_id": assoc.pk}),
        ("members", f"{assoc.code}-admin", "orgs:members", {"org_id": assoc.pk}),
        ("inbox", "soft-editor", "notifications:inbox", {}),
        ("event filings", f"{assoc.code}-editor", "events:filing_list", {"org_id": assoc.pk}),
        ("approval queue", "sup-approver", "events:filing_queue", {"org_id": sup.pk}),
        ("approval queue, search", "sup-approver", "events:filing_queue", {"org_id": sup.pk},
         "q=协会12"),
        ("filings below, all states, search", "sup-approver", "events:filing_queue",
         {"org_id": sup.pk}, "status=&q=协会12 第3次"),
        ("filings below, all states, search matching all", "sup-approver", "events:filing_queue",
         {"org_id": sup.pk}, "status=&q=专家"),
        ("filings below, all states, search matching none", "sup-approver",
         "events:filing_queue", {"org_id": sup.pk}, "status=&q=没有这个词"),
        ("event filings, search", f"{assoc.code}-editor", "events:filing_list",
         {"org_id": assoc.pk}, "q=第3次"),
        ("publications", f"{assoc.code}-editor", "publications:publication_list", {"org_id": assoc.pk}),
        ("publications, search", f"{assoc.code}-editor", "publications:publication_list",
         {"org_id": assoc.pk}, "q=动态第1"),
        ("waiting for me", f"{assoc.code}-reviewer", "publications:publication_waiting", {"org_id": assoc.pk}),
        ("waiting for me (supervisor)", "sup-approver", "publications:publication_waiting", {"org_id": sup.pk}),
        ("work plan (~30 items)", f"{assoc.code}-editor", "plans:plan_detail",
         {"org_id": assoc.pk, "year": this_year}),
        ("plans of the associations", "sup-approver", "plans:overview", {"org_id": sup.pk}),
        ("assessment queue", "sup-approver", "plans:assessment_queue", {"org_id": sup.pk}),
        ("special meetings", f"{assoc.code}-editor", "meetings:meeting_list", {"org_id": assoc.pk}),
        ("special meetings overview", "sup-viewer", "meetings:meeting_overview", {"org_id": sup.pk}),
        ("special meetings overview, page 20", "sup-viewer", "meetings:meeting_overview",
         {"org_id": sup.pk}, "page=20"),
        ("incidents", f"{assoc.code}-editor", "incidents:incident_list", {"org_id": assoc.pk}),
        ("incident board", "sup-approver", "incidents:incident_board", {"org_id": sup.pk}),
        ("incident board, closed", "sup-approver", "incidents:incident_board", {"org_id": sup.pk},
         "state=closed"),
        ("study sessions and figures", f"{assoc.code}-editor", "study:session_list", {"org_id": assoc.pk}),
        ("codes of conduct", f"{assoc.code}-staff", "study:code_list", {"org_id": assoc.pk}),
        ("study and codes overview", "sup-viewer", "study:overview", {"org_id": sup.pk}),
        ("study and codes overview, page 20", "sup-viewer", "study:overview", {"org_id": sup.pk},
         "page=20"),
        ("dashboard", "sup-viewer", "dashboard:dashboard", {"org_id": sup.pk}),
        *[(f"dashboard sorted by {key}", "sup-viewer", "dashboard:dashboard", {"org_id": sup.pk},
           f"sort={key}") for key in sort_keys],
        ("dashboard, overdue > 0, late first", "sup-viewer", "dashboard:dashboard",
         {"org_id": sup.pk}, "only=overdue&sort=-late_reports"),
        ("dashboard, region and search", "sup-viewer", "dashboard:dashboard",
         {"org_id": sup.pk}, "region=江苏省&q=协会1"),
        ("dashboard, page 20", "sup-viewer", "dashboard:dashboard", {"org_id": sup.pk}, "page=20"),
        ("dashboard, a chart's bar", "sup-viewer", "dashboard:dashboard", {"org_id": sup.pk},
         "chart=incidents:major"),
        ("dashboard, association detail", "sup-viewer", "dashboard:association",
         {"org_id": assoc.pk}),
        ("dashboard export (.xlsx, 2,000 rows)", "sup-viewer", "dashboard:export",
         {"org_id": sup.pk}),
        ("dashboard export, filtered (.xlsx)", "sup-viewer", "dashboard:export",
         {"org_id": sup.pk}, "q=协会12"),
        ("association home", f"{assoc.code}-admin", "site:org_home", {"org_id": assoc.pk}),
    ]
    del big_sup
    if args.only:
        pages = pages[:1] + [p for p in pages[1:] if any(t in p[0] for t in args.only)]
    results = []
    base_client = None
    for label, username, name, kwargs, *query in pages:
        try:
            url = reverse(name, kwargs=kwargs)
        except NoReverseMatch:
            print(f"{label}: no URL named {name}, skipped")
            continue
        if query:
            url = f"{url}?{query[0]}"
        client = Client()
        client.force_login(User.objects.get(username=username))
        for _ in range(3):
            response = client.get(url)
            if response.streaming:
                b"".join(response.streaming_content)
        if response.status_code != 200:
            print(f"{label}: HTTP {response.status_code}, skipped")
            continue
        with CaptureQueriesContext(connection) as queries:
            _read(client.get(url))
        query_count = len(queries)  # read now: every request clears the query log
        if base_client is None:  # the first page is the baseline
            base_client, base_url = client, url
        # The machine is shared: each run times the baseline page and this page one after
        # the other, so that both see the same load, and the ratio is of their medians.
        times, base_times = [], []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            _read(base_client.get(base_url))
            t1 = time.perf_counter()
            _read(client.get(url))
            times.append(time.perf_counter() - t1)
            base_times.append(t1 - t0)
        median, baseline = statistics.median(times), statistics.median(base_times)
        row = {"page": label, "url": url, "median_ms": round(median * 1000, 1),
               "baseline_ms": round(baseline * 1000, 1),
               "ratio_to_baseline": round(median / baseline, 2), "queries": query_count,
               "within_budget": median / baseline <= BUDGET_RATIO and query_count <= BUDGET_QUERIES}
        results.append(row)
        print(f"{label:<32} {row['median_ms']:>8.1f} ms  ×{row['ratio_to_baseline']:<5} "
              f"{row['queries']:>3} queries")
    over = [r["page"] for r in results if not r["within_budget"]]
    if args.only:
        if over:
            print(f"over the budget (×{BUDGET_RATIO:g}, {BUDGET_QUERIES} queries): {', '.join(over)}")
        return 1 if over else 0
    alternative = _dashboard_alternative(sup, results[0]["baseline_ms"] if results else None)
    name = "pages-postgresql.json" if connection.vendor == "postgresql" else "pages.json"
    out = ROOT / "bench" / "results" / name
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({
        "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "python": platform.python_version(),
        "database": connection.vendor, "orgs:associations": args.associations, "years": args.years,
        "runs": args.runs, "organizations": Organization.objects.count(),
        "budget": {"ratio_to_baseline": BUDGET_RATIO, "queries": BUDGET_QUERIES},
        "dashboard_figures": alternative,
        "pages": results}, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"wrote {out}")
    if over:
        print(f"over the budget (×{BUDGET_RATIO:g}, {BUDGET_QUERIES} queries): {', '.join(over)}")
    return 1 if over else 0


def _dashboard_alternative(sup, baseline_ms):
    """What the summary table saves and costs: the figures of every association below
    computed from the records at once (what a page reading aggregate queries would do to
    sort 2,000 rows by any column), and one association's refresh (the cost per write)."""
    from guildhall.dashboard.services import BATCH, compute, refresh
    from guildhall.orgs.models import Organization

    ids = list(Organization.objects.filter(path__startswith=sup.path, kind="association",
                                           is_active=True).values_list("pk", flat=True))
    runs = []
    for _ in range(3):
        t0 = time.perf_counter()
        for start in range(0, len(ids), BATCH):
            compute(ids[start:start + BATCH])
        runs.append(time.perf_counter() - t0)
    writes = []
    for pk in ids[:20]:
        t0 = time.perf_counter()
        refresh([pk])
        writes.append(time.perf_counter() - t0)
    found = {"associations": len(ids),
             "aggregate_queries_all_rows_ms": round(statistics.median(runs) * 1000, 1),
             "refresh_one_row_ms": round(statistics.median(writes) * 1000, 1),
             "baseline_ms": baseline_ms}
    print(f"figures of {len(ids)} associations from the records: "
          f"{found['aggregate_queries_all_rows_ms']} ms; one row's refresh after a write: "
          f"{found['refresh_one_row_ms']} ms")
    return found


def _read(response):
    """Read the whole answer (a streamed export is produced while it is read)."""
    if response.streaming:
        b"".join(response.streaming_content)
    return response


if __name__ == "__main__":
    sys.exit(main())
