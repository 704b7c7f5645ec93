"""Load benchmark: locust against gunicorn with the production settings, a realistic mix of
association and supervisor work at rising numbers of simultaneous users.

    .venv/bin/pip install '.[bench]'   # locust
    .venv/bin/python bench/load_bench.py [--users 5,10,20,40] [--seconds 30] [--workers 3]

It keeps its own data under var/bench-load/ (SQLite with the demo data, or DATABASE_URL),
serves it with gunicorn on a free port, and for each number of users runs locust for
`--seconds`: people sign in once, then browse their lists, open a filing, file a draft
through the API, open a publication under review and (supervisors) the dashboard.
It reports requests per second, the 95th-percentile latency as a ratio to the minimal
signed-in page (measured alone first, on the same server) and errors, names the knee of
the curve (the first step where adding users no longer adds 10 % throughput), and writes
bench/results/load.json. Load generator and server share this machine, so figures are a
lower bound of what the server alone would do.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import gevent  # noqa: F401  (locust patches the standard library first)
from locust import HttpUser, between, task
from locust.env import Environment

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "guildhall-demo"
PLACES: dict = {}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env(var: Path) -> dict:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "guildhall.settings",
           "GUILDHALL_VAR_DIR": str(var), "HTTPS": "false", "SECOND_FACTOR": "off",
           "ALLOWED_HOSTS": "127.0.0.1", "EMAIL_URL": "dummymail://",
           "PYTHONPATH": str(ROOT)}
    return env


def _manage(env: dict, *args: str) -> str:
    return subprocess.run([sys.executable, "-m", "django", *args], env=env, check=True,
                          capture_output=True, text=True, timeout=1800).stdout


PLACES_SCRIPT = r"""
import json
from guildhall.orgs.models import Organization
from guildhall.events.models import Filing
from guildhall.publications.models import Publication
soft = Organization.objects.get(code="soft"); sup = Organization.objects.get(code="sup")
print(json.dumps({
    "soft": soft.pk, "sup": sup.pk,
    "filing": Filing.objects.filter(organization=soft).order_by("pk").values_list("pk", flat=True).first(),
    "publication": Publication.objects.filter(organization=soft).order_by("pk").values_list("pk", flat=True).first(),
}))
"""


def _sign_in(client, username: str) -> None:
    page = client.get("/accounts/login/", name="sign in (form)")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    client.post("/accounts/login/", name="sign in", headers={"Referer": client.base_url + "/accounts/login/"},
                data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token})


class AssociationPerson(HttpUser):
    weight = 3
    wait_time = between(0.5, 2)

    def on_start(self) -> None:
        _sign_in(self.client, "soft-editor")
        self.key = PLACES.get("key")

    @task(3)
    def home(self) -> None:
        self.client.get(f"/o/{PLACES['soft']}/", name="association home")

    @task(3)
    def filings(self) -> None:
        self.client.get(f"/o/{PLACES['soft']}/events/", name="filing list")

    @task(2)
    def filing(self) -> None:
        if PLACES.get("filing"):
            self.client.get(f"/o/{PLACES['soft']}/events/{PLACES['filing']}/", name="a filing")

    @task(2)
    def publication(self) -> None:
        if PLACES.get("publication"):
            self.client.get(f"/o/{PLACES['soft']}/publications/{PLACES['publication']}/",
                            name="a publication under review")

    @task(1)
    def file_a_draft(self) -> None:
        start = time.strftime("%Y-%m-%dT10:00:00+08:00", time.localtime(time.time() + 90 * 86400))
        end = start.replace("T10:", "T12:")
        self.client.post("/api/v1/events/", name="file a draft (API)",
                         headers={"Authorization": f"Bearer {PLACES['key']}"},
                         json={"organization": PLACES["soft"], "title": "负载测试的活动",
                               "type": "seminar", "starts_at": start, "ends_at": end,
                               "venue": "协会会议室"})


class SupervisorPerson(HttpUser):
    weight = 1
    wait_time = between(0.5, 2)

    def on_start(self) -> None:
        _sign_in(self.client, "sup-approver")

    @task(2)
    def home(self) -> None:
        self.client.get(f"/o/{PLACES['sup']}/", name="supervisor home")

    @task(2)
    def queue(self) -> None:
        self.client.get(f"/o/{PLACES['sup']}/events/queue/", name="approval queue")

    @task(2)
    def dashboard(self) -> None:
        if PLACES.get("dashboard"):
            self.client.get(PLACES["dashboard"], name="dashboard")


class Baseline(HttpUser):
    wait_time = between(0, 0)

    def on_start(self) -> None:
        _sign_in(self.client, "soft-staff")

    @task
    def minimal(self) -> None:
        self.client.get("/accounts/password/", name="minimal page")


def _run(host: str, classes: list, users: int, seconds: float) -> dict:
    env = Environment(user_classes=classes, host=host)
    runner = env.create_local_runner()
    runner.start(users, spawn_rate=max(users, 1))
    gevent.sleep(min(5.0, seconds / 4))  # everyone signed in before counting
    env.stats.reset_all()
    gevent.sleep(seconds)
    total = env.stats.total
    result = {"users": users, "requests": total.num_requests, "errors": total.num_failures,
              "rps": round(total.total_rps, 1),
              "p50_ms": total.get_response_time_percentile(0.5),
              "p95_ms": total.get_response_time_percentile(0.95),
              "by_page": {name: {"requests": s.num_requests, "errors": s.num_failures,
                                 "p95_ms": s.get_response_time_percentile(0.95)}
                          for (name, _method), s in env.stats.entries.items()}}
    runner.quit()
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", default="5,10,20,40")
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--workers", type=int, default=3)
    args = parser.parse_args()
    var = ROOT / "var" / "bench-load"
    var.mkdir(parents=True, exist_ok=True)
    env = _env(var)
    _manage(env, "migrate", "--noinput", "-v0")
    _manage(env, "seed_demo", "--if-empty")
    _manage(env, "collectstatic", "--noinput", "-v0")
    PLACES.update(json.loads(_manage(env, "shell", "-c", PLACES_SCRIPT).strip().splitlines()[-1]))
    PLACES["key"] = _manage(env, "create_token", "soft-editor", "--name", "load").strip().split()[-1]
    import importlib.util

    if importlib.util.find_spec("guildhall.dashboard") is not None:
        PLACES["dashboard"] = f"/o/{PLACES['sup']}/dashboard/"

    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "guildhall.wsgi",
                               "--bind", f"127.0.0.1:{port}", "--workers", str(args.workers)],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    host = f"http://127.0.0.1:{port}"
    try:
        import requests

        for _ in range(300):
            try:
                requests.get(host + "/accounts/login/", timeout=10)
                break
            except requests.RequestException:
                time.sleep(0.1)
        baseline = _run(host, [Baseline], 1, max(args.seconds / 3, 5))
        minimal = baseline["p50_ms"] or 1
        print(f"minimal signed-in page alone: median {minimal} ms")
        steps = []
        for users in [int(u) for u in args.users.split(",")]:
            step = _run(host, [AssociationPerson, SupervisorPerson], users, args.seconds)
            step["p95_ratio"] = round(step["p95_ms"] / minimal, 1)
            steps.append(step)
            print(f"{users:4d} users: {step['rps']:7.1f} req/s, p95 {step['p95_ms']} ms "
                  f"(×{step['p95_ratio']} the minimal page), {step['errors']} errors")
    finally:
        server.terminate()
        server.wait(30)
    knee = next((b["users"] for a, b in zip(steps, steps[1:], strict=False) if b["rps"] < a["rps"] * 1.1), None)
    print(f"knee: {knee} users" if knee else "knee: not reached at these numbers of users")
    result = {"machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
              "database": "postgresql" if os.environ.get("DATABASE_URL") else "sqlite",
              "gunicorn_workers": args.workers, "seconds_per_step": args.seconds,
              "minimal_page_median_ms": minimal, "steps": steps, "knee_users": knee,
              "errors": sum(s["errors"] for s in steps)}
    out = ROOT / "bench" / "results" / "load.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=1, ensure_ascii=False), "utf-8")
    print(f"written to {out}")
    return 1 if result["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
