"""Page benchmark: each list and dashboard page at province scale, as a ratio to a minimal
signed-in page served by the same stack in the same run, with its query count.

    .venv/bin/python bench/pages_bench.py [--associations 2000] [--years 5] [--runs 15]

Uses its own SQLite database under var/bench/ (or DATABASE_URL), seeds it with
`seed_scale` the first time, and writes bench/results/pages.json.
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
sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--associations", type=int, default=2000)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()

    os.environ.setdefault("GUILDHALL_VAR_DIR", str(ROOT / "var" / "bench"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "guildhall.settings_test"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment
    from django.urls import NoReverseMatch, reverse

    from guildhall.accounts.models import User
    from guildhall.orgs.models import Organization
    from guildhall.site.scale import seed_scale

    setup_test_environment()
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    seed_scale(associations=args.associations, years=args.years, log=lambda m: print(" ", m))
    print(f"data ready in {time.perf_counter() - started:.0f}s")

    sup = Organization.objects.get(code="sup")
    big_sup = Organization.objects.filter(code__startswith="scale-sup").first()
    assoc = Organization.objects.filter(code__startswith="scale-a").order_by("pk").first()
    pages = [
        ("baseline: password form", "sup-admin", "password_change", {}),
        ("supervisor home", "sup-admin", "org_home", {"org_id": sup.pk}),
        ("associations list", "sup-admin", "associations", {"org_id": sup.pk}),
        ("associations list, page 20", "sup-admin", "associations", {"org_id": sup.pk}, "page=20"),
        ("audit trail (association)", f"{assoc.code}-admin", "audit_log", {"org_id": assoc.pk}),
        ("audit trail (supervisor view)", "sup-viewer", "audit_log", {"org_id": assoc.pk}),
        ("members", f"{assoc.code}-admin", "members", {"org_id": assoc.pk}),
        ("inbox", "soft-editor", "inbox", {}),
        ("event filings", f"{assoc.code}-editor", "filing_list", {"org_id": assoc.pk}),
        ("approval queue", "sup-approver", "filing_queue", {"org_id": sup.pk}),
        ("publications", f"{assoc.code}-editor", "publication_list", {"org_id": assoc.pk}),
        ("waiting for me", f"{assoc.code}-reviewer", "publication_waiting", {"org_id": assoc.pk}),
        ("waiting for me (supervisor)", "sup-approver", "publication_waiting", {"org_id": sup.pk}),
        ("incidents", f"{assoc.code}-editor", "incidents:incident_list", {"org_id": assoc.pk}),
        ("incident board", "sup-approver", "incidents:incident_board", {"org_id": sup.pk}),
        ("incident board, closed", "sup-approver", "incidents:incident_board", {"org_id": sup.pk},
         "state=closed"),
    ]
    del big_sup
    results = []
    baseline = None
    for label, username, name, kwargs, *query in pages:
        try:
            url = reverse(name, kwargs=kwargs)
        except NoReverseMatch:
            continue
        if query:
            url = f"{url}?{query[0]}"
        client = Client()
        client.force_login(User.objects.get(username=username))
        for _ in range(3):
            response = client.get(url)
        if response.status_code != 200:
            print(f"{label}: HTTP {response.status_code}, skipped")
            continue
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        query_count = len(queries)  # read now: every request clears the query log
        times = []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            client.get(url)
            times.append(time.perf_counter() - t0)
        median = statistics.median(times)
        baseline = baseline or median
        row = {"page": label, "url": url, "median_ms": round(median * 1000, 1),
               "ratio_to_baseline": round(median / baseline, 2), "queries": query_count}
        results.append(row)
        print(f"{label:<32} {row['median_ms']:>8.1f} ms  ×{row['ratio_to_baseline']:<5} "
              f"{row['queries']:>3} queries")
    out = ROOT / "bench" / "results" / "pages.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({
        "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "python": platform.python_version(),
        "database": connection.vendor, "associations": args.associations, "years": args.years,
        "runs": args.runs, "organizations": Organization.objects.count(),
        "pages": results}, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
