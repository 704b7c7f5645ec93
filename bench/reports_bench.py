"""Annual reports at province scale: seconds per report and for a whole province.

Measured side by side in one run (a ratio holds on a shared machine, an absolute time
does not):
- one association's .docx (the busiest association of the scale data, every section built
  from its records and written), median of --runs, as a ratio to a one-page document
  written with the same machinery;
- PDF conversion per report with LibreOffice (--pdf-runs conversions, median seconds);
- the province: every association's .docx generated through the job queue (huey; the
  test settings run its tasks in process, one after another), total seconds, and memory:
  tracemalloc's traced size after each report, to show it stays flat (no report's data is
  held after it is written). With --sample N only the first N associations are written and
  the total is extrapolated to all of them (the result says so).

Uses its own SQLite database under var/bench-reports/ (or DATABASE_URL) seeded with
`seed_scale`; writes bench/results/reports.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def median_seconds(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--associations", type=int, default=2000)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--pdf-runs", type=int, default=3)
    parser.add_argument("--sample", type=int, default=0, help="write only this many reports")
    args = parser.parse_args()

    os.environ.setdefault("GUILDHALL_VAR_DIR", str(ROOT / "var" / "bench-reports"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "guildhall.settings_test"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db.models import Count
    from django.utils import timezone
    from huey.contrib.djhuey import HUEY

    from guildhall.documents import pdf
    from guildhall.documents.writer import OfficialDocument
    from guildhall.kit import report as sections
    from guildhall.orgs.models import Organization
    from guildhall.reports.render import report_docx
    from guildhall.site.scale import seed_scale

    call_command("migrate", verbosity=0)
    associations = Organization.objects.filter(kind=Organization.Kind.ASSOCIATION)
    if associations.count() < args.associations:
        started = time.perf_counter()
        seed_scale(associations=args.associations, years=args.years, log=lambda m: print(" ", m))
        print(f"data ready in {time.perf_counter() - started:.0f}s")
    year = timezone.localdate().year

    def write(org) -> bytes:
        figures = [s.as_dict() for s in sections.build(org, year)]
        return report_docx(org_name=org.name, supervisor_name=org.parent.name if org.parent else "",
                           year=year, number=f"〔{year}〕1号", signer="", day=timezone.localdate(),
                           sections=figures, narratives={})

    def one_page() -> bytes:
        doc = OfficialDocument(title="一页文件")
        doc.title("一页文件")
        doc.text("正文。")
        return doc.bytes()

    busiest = associations.annotate(n=Count("filings")).order_by("-n", "pk").select_related(
        "parent").first()
    baseline = median_seconds(one_page, args.runs)
    report_time = median_seconds(lambda: write(busiest), args.runs)
    docx = write(busiest)
    print(f"one page {baseline * 1000:.1f} ms, report {report_time * 1000:.1f} ms "
          f"({report_time / baseline:.1f}x), {len(docx) // 1024} KB")

    pdf_seconds, pages = [], None
    if pdf.soffice_path():
        for _ in range(args.pdf_runs):
            started = time.perf_counter()
            converted = pdf.convert(docx)
            pdf_seconds.append(time.perf_counter() - started)
            pages = converted.pages
        print(f"PDF {statistics.median(pdf_seconds):.2f} s per report ({pages} pages)")

    ids = list(associations.order_by("pk").values_list("pk", flat=True))
    total = len(ids)
    chosen = ids[:args.sample] if args.sample else ids
    written = {"bytes": 0, "count": 0}

    @HUEY.task()
    def write_one(org_id: int) -> None:
        org = Organization.objects.select_related("parent").get(pk=org_id)
        written["bytes"] += len(write(org))
        written["count"] += 1

    tracemalloc.start()
    traced = []
    started = time.perf_counter()
    for n, org_id in enumerate(chosen, start=1):
        write_one(org_id)
        if n % 20 == 0 or n == len(chosen):
            traced.append(tracemalloc.get_traced_memory()[0])
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    per_report = elapsed / max(written["count"], 1)
    province = per_report * total
    print(f"{written['count']} reports in {elapsed:.0f}s ({per_report * 1000:.0f} ms each); "
          f"{'extrapolated ' if len(chosen) < total else ''}province of {total}: {province:.0f}s")
    print(f"traced memory every 20 reports (MB): {[round(t / 2**20, 1) for t in traced]}")

    results = {
        "what": "annual reports: one association's .docx as a ratio to a one-page document, "
                "PDF per report, every association's .docx through the job queue",
        "associations": total,
        "busiest_association_filings": busiest.n,
        "one_page_ms": round(baseline * 1000, 2),
        "report_docx_ms": round(report_time * 1000, 2),
        "report_to_one_page_ratio": round(report_time / baseline, 1),
        "report_docx_kb": len(docx) // 1024,
        "pdf_seconds_median": round(statistics.median(pdf_seconds), 2) if pdf_seconds else None,
        "pdf_pages": pages,
        "province_reports_written": written["count"],
        "province_is_sample": len(chosen) < total,
        "province_seconds_measured": round(elapsed, 1),
        "province_seconds_for_all": round(province, 1),
        "province_goal_seconds": 600,
        "traced_memory_mb_every_20": [round(t / 2**20, 2) for t in traced],
        "traced_memory_peak_mb": round(peak / 2**20, 2),
        "note": "tasks run through huey in process (immediate mode), one after another on one core",
    }
    out = ROOT / "bench" / "results" / "reports.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
