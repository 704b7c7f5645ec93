"""Real app servers for the production-path tests: gunicorn processes with the production
settings against the test database (PostgreSQL) and, when asked, Redis."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import requests
from django.conf import settings
from django.db import connection

REDIS = os.environ.get("TEST_SERVERS_REDIS_URL", "redis://127.0.0.1:6379/13")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def redis_up() -> bool:
    try:
        import redis

        redis.Redis.from_url(REDIS, socket_connect_timeout=1).ping()
        return True
    except Exception:
        return False


def argon2_password(user: Any, password: str = "guildhall-demo") -> None:
    """Give `user` a password the production settings can check (they hash with Argon2
    only; the test settings use a fast hasher)."""
    from django.contrib.auth.hashers import Argon2PasswordHasher

    hasher = Argon2PasswordHasher()
    user.password = hasher.encode(password, hasher.salt())
    user.save(update_fields=["password"])


class Servers:
    """Start gunicorn servers sharing one var folder (static files, secret key) and the test
    database; `cleanup` registers their ends (a TestCase's addCleanup)."""

    def __init__(self, cleanup: Any, *, redis: bool = True, **extra_env: str) -> None:
        self.cleanup = cleanup
        var = tempfile.TemporaryDirectory(prefix="guildhall-servers-")
        cleanup(var.cleanup)
        db = connection.settings_dict
        self.env = {**os.environ, "DJANGO_SETTINGS_MODULE": "guildhall.settings",
                    "GUILDHALL_VAR_DIR": var.name, "HTTPS": "false", "SECOND_FACTOR": "off",
                    "ALLOWED_HOSTS": "127.0.0.1", "PYTHONPATH": str(Path(settings.BASE_DIR)),
                    "DATABASE_URL": f"postgres://{db['USER'] or 'postgres'}@"
                                    f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
                    **extra_env}
        self.env.pop("REDIS_URL", None)
        if redis:
            import redis as redis_client

            redis_client.Redis.from_url(REDIS).flushdb()
            self.env["REDIS_URL"] = REDIS
        # Static files once (it also writes the secret key the servers share).
        subprocess.run([sys.executable, "-m", "django", "collectstatic", "--noinput", "-v0"],
                       env=self.env, check=True, timeout=300)

    def serve(self, workers: int = 1) -> tuple[str, subprocess.Popen]:
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "guildhall.wsgi", "--bind", f"127.0.0.1:{port}",
             "--workers", str(workers), "--timeout", "60"], env=self.env,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        self.cleanup(_stop, server)
        url = f"http://127.0.0.1:{port}"
        for _ in range(300):
            try:
                requests.get(url + "/accounts/login/", timeout=20)
                return url, server
            except requests.RequestException:
                time.sleep(0.1)
        raise AssertionError(f"the server on {port} did not start")

    def run(self, *command: str, **kwargs: Any) -> subprocess.Popen:
        """Start `guildhall <command>` with the servers' settings."""
        return subprocess.Popen([sys.executable, "-m", "django", *command], env=self.env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                **kwargs)


def _stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()


def post_form(session: requests.Session, url: str, data: dict) -> requests.Response:
    """GET the page for its CSRF token, then POST the form as a browser does."""
    page = session.get(url, timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    return session.post(url, data={**data, "csrfmiddlewaretoken": token}, timeout=30,
                        headers={"Referer": url}, allow_redirects=False)


def signed_in(url: str, username: str) -> requests.Session:
    session = requests.Session()
    session.headers["Accept-Language"] = "zh-hans"
    response = post_form(session, url + "/accounts/login/",
                         {"username": username, "password": "guildhall-demo"})
    assert response.status_code == 302, response.status_code
    return session
