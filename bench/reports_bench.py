"""Annual reports at province scale: seconds per report and for a whole province.

Measured side by side in one run (a ratio holds on a shared machine, an absolute time
does not):
- one association's .docx (the busiest association of the scale data, every section built
  from its records and written), median of --runs, as a ratio to a one-page document
  written with the same machinery;
- PDF conversion per report with LibreOffice (--pdf-runs conversions, median seconds);
- the province: every association's .docx generated through the job queue — huey with its
  SQLite queue, a consumer of --workers worker processes (2 on this 2-core machine), each
  task building one report from the records, writing its .docx to disk and keeping
  nothing — total seconds, and memory: each worker's resident size after each report, to
  show it stays flat (no report's data is held after it is written). With --sample N only
  the first N associations are written and the total is extrapolated (the result says so).

Uses its own SQLite database under var/bench-reports/ (or DATABASE_URL) seeded with
`seed_scale`; writes bench/results/reports.json.

    .venv/bin/python bench/reports_bench.py            # the whole province, 2 workers
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def median_seconds(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def rss_mb() -> float:
    """This process's resident memory now (not its peak)."""
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def setup(settings: str) -> None:
    os.environ.setdefault("GUILDHALL_VAR_DIR", str(ROOT / "var" / "bench-reports"))
    os.environ["DJANGO_SETTINGS_MODULE"] = settings
    # Make sure the queue is a real one (the test settings run tasks in process).
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()


def out_dir() -> Path:
    return Path(os.environ["GUILDHALL_VAR_DIR"]) / "province"


def write_report(org: Any, year: int) -> bytes:
    from django.utils import timezone

    from guildhall.kit import report as sections
    from guildhall.reports.render import report_docx

    figures = [s.as_dict() for s in sections.build(org, year)]
    return report_docx(org_name=org.name, supervisor_name=org.parent.name if org.parent else "",
                       year=year, number=f"〔{year}〕1号", signer="", day=timezone.localdate(),
                       sections=figures, narratives={})


def province_task() -> Any:
    """The job: one association's report written to disk; returns (worker, ms, MB after)."""
    from huey.contrib.djhuey import db_task

    @db_task(name="bench_write_report")
    def write_one(org_id: int, year: int) -> tuple[int, float, float]:
        from guildhall.orgs.models import Organization

        started = time.perf_counter()
        org = Organization.objects.select_related("parent").get(pk=org_id)
        (out_dir() / f"{org_id}.docx").write_bytes(write_report(org, year))
        return os.getpid(), (time.perf_counter() - started) * 1000, rss_mb()

    return write_one


def consume(workers: int) -> int:
    """Run the job queue's consumer (the bench starts this in a child process)."""
    setup("guildhall.settings")
    from django.db import connections
    from huey.contrib.djhuey import HUEY

    province_task()
    connections.close_all()  # each forked worker opens its own
    HUEY.create_consumer(workers=workers, worker_type="process", periodic=False,
                         initial_delay=0.05, max_delay=0.2).run()
    return 0


def province(ids: list[int], year: int, workers: int) -> dict[str, Any]:
    """Queue one task per association, run a consumer of `workers` processes, wait for all."""
    import shutil
    import signal
    import subprocess

    from huey.contrib.djhuey import HUEY

    write_one = province_task()
    HUEY.flush()
    shutil.rmtree(out_dir(), ignore_errors=True)
    out_dir().mkdir(parents=True)
    consumer = subprocess.Popen([sys.executable, __file__, "--consume", "--workers", str(workers)],
                                env=os.environ.copy())
    try:
        started = time.perf_counter()
        results = [write_one(org_id, year) for org_id in ids]
        rows = [r.get(blocking=True, timeout=3600) for r in results]
        elapsed = time.perf_counter() - started
    finally:
        consumer.send_signal(signal.SIGINT)  # huey's graceful stop
        consumer.wait(timeout=60)
    by_worker: dict[int, list[float]] = {}
    for pid, _ms, mb in rows:
        by_worker.setdefault(pid, []).append(mb)
    written = sum(1 for p in out_dir().iterdir() if p.stat().st_size > 0)
    return {"elapsed": elapsed, "rows": rows, "by_worker": by_worker, "written": written,
            "task_ms_median": statistics.median(ms for _pid, ms, _mb in rows)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--associations", type=int, default=2000)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--pdf-runs", type=int, default=3)
    parser.add_argument("--sample", type=int, default=0, help="write only this many reports")
    parser.add_argument("--workers", type=int, default=2, help="the job queue's worker processes")
    parser.add_argument("--consume", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.consume:
        return consume(args.workers)

    setup("guildhall.settings")
    from django.core.management import call_command
    from django.db.models import Count
    from django.utils import timezone

    from guildhall.documents import pdf
    from guildhall.documents.writer import OfficialDocument
    from guildhall.orgs.models import Organization
    from guildhall.site.scale import seed_scale

    call_command("migrate", verbosity=0)
    associations = Organization.objects.filter(kind=Organization.Kind.ASSOCIATION)
    if associations.count() < args.associations:
        started = time.perf_counter()
        seed_scale(associations=args.associations, years=args.years, log=lambda m: print(" ", m))
        print(f"data ready in {time.perf_counter() - started:.0f}s")
    year = timezone.localdate().year

    def write(org) -> bytes:
        return write_report(org, year)

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
    run = province(chosen, year, args.workers)
    elapsed, done = run["elapsed"], len(run["rows"])
    per_report = elapsed / max(done, 1)
    whole = per_report * total
    print(f"{done} reports ({run['written']} files) in {elapsed:.0f}s with {args.workers} "
          f"workers ({per_report * 1000:.0f} ms a report overall, a task's median "
          f"{run['task_ms_median']:.0f} ms); "
          f"{'extrapolated ' if len(chosen) < total else ''}province of {total}: {whole:.0f}s")
    memory = {}
    for n, (_pid, sizes) in enumerate(sorted(run["by_worker"].items()), start=1):
        tenth = max(len(sizes) // 10, 1)
        memory[f"worker_{n}"] = {
            "reports": len(sizes),
            "rss_mb_every_tenth": [round(m, 1) for m in sizes[::tenth]] + [round(sizes[-1], 1)],
            "rss_mb_after_first_50": round(max(sizes[:50]), 1),
            "rss_mb_max": round(max(sizes), 1)}
        print(f"worker {n}: {len(sizes)} reports, RSS every tenth (MB) "
              f"{memory[f'worker_{n}']['rss_mb_every_tenth']}")

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
        "province_reports_written": done,
        "province_is_sample": len(chosen) < total,
        "province_workers": args.workers,
        "province_seconds_measured": round(elapsed, 1),
        "province_seconds_for_all": round(whole, 1),
        "province_goal_seconds": 600,
        "province_task_ms_median": round(run["task_ms_median"], 1),
        "worker_memory": memory,
        "command": "bench/reports_bench.py" + (f" --sample {args.sample}" if args.sample else "")
                   + (f" --workers {args.workers}" if args.workers != 2 else ""),
        "note": "huey's SQLite queue with a consumer of process workers on this 2-core machine "
                "(shared with other work); each task builds one report from the records and "
                "writes its .docx to disk",
    }
    out = ROOT / "bench" / "results" / "reports.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
