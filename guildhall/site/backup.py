"""Backup and restore: the database and the uploaded files, with a manifest of SHA-256s.

A backup folder holds `database.sqlite3` (SQLite's online backup, taken while the app runs)
or `database.pgdump` (`pg_dump --format=custom`), `media/` (a copy of the uploaded files) and
`manifest.json` (every file's SHA-256 and size, the audit chain's length and last hash).
A restore first checks every file of the folder against the manifest, then replaces the
database and the files, and finally checks the audit chain and every stored file against
the SHA-256 its record holds.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection

from guildhall.audit.models import AuditRecord
from guildhall.audit.services import verify_chain
from guildhall.core.uploads import StoredFile
from guildhall.lib import uploads

MANIFEST = "manifest.json"
FORMAT = 1


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why, for the operator."""


@dataclass
class Check:
    ok: bool
    audit_records: int = 0
    files_checked: int = 0
    problems: list[str] = field(default_factory=list)


def _sha256(path: Path) -> str:
    with open(path, "rb") as fh:
        return uploads.sha256(iter(lambda: fh.read(1 << 20), b""))


def _engine() -> str:
    vendor = connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        raise BackupError(f"backups of a {vendor} database are not supported")
    return vendor


def _pg_env() -> dict[str, str]:
    db = connection.settings_dict
    env = {**os.environ, "PGDATABASE": db["NAME"], "PGHOST": db.get("HOST") or "",
           "PGPORT": str(db.get("PORT") or ""), "PGUSER": db.get("USER") or ""}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return env


def backup(out: Path) -> dict:
    """Write a backup of the database and the uploaded files into the new folder `out`."""
    out = Path(out)
    if out.exists() and any(out.iterdir()):
        raise BackupError(f"{out} is not empty; give a new folder")
    out.mkdir(parents=True, exist_ok=True)
    engine = _engine()
    if engine == "sqlite":
        connection.ensure_connection()
        target = sqlite3.connect(out / "database.sqlite3")
        try:
            connection.connection.backup(target)
        finally:
            target.close()
    else:
        result = subprocess.run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges",
                                 "--file", str(out / "database.pgdump")],
                                env=_pg_env(), capture_output=True, text=True, timeout=3600)
        if result.returncode:
            raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
    media = Path(settings.MEDIA_ROOT)
    if media.exists():
        shutil.copytree(media, out / "media", dirs_exist_ok=True)
    else:
        (out / "media").mkdir()
    last = AuditRecord.objects.order_by("-seq").values_list("seq", "hash").first()
    files = {str(path.relative_to(out)): {"sha256": _sha256(path), "size": path.stat().st_size}
             for path in sorted(out.rglob("*")) if path.is_file()}
    manifest = {"format": FORMAT, "engine": engine,
                "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "audit": {"records": last[0] if last else 0, "last_hash": last[1] if last else ""},
                "files": files}
    (out / MANIFEST).write_text(json.dumps(manifest, indent=1, ensure_ascii=False), "utf-8")
    return manifest


def check_folder(folder: Path) -> dict:
    """Return the folder's manifest after checking every file against it."""
    folder = Path(folder)
    try:
        manifest = json.loads((folder / MANIFEST).read_text("utf-8"))
        files = manifest["files"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise BackupError(f"{folder} has no readable {MANIFEST}: {exc}")
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unknown backup format {manifest.get('format')!r}")
    problems = []
    for name, expected in files.items():
        path = folder / name
        if not path.is_file():
            problems.append(f"missing: {name}")
        elif _sha256(path) != expected["sha256"]:
            problems.append(f"changed since the backup: {name}")
    present = {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()} - {MANIFEST}
    problems += [f"not in the manifest: {name}" for name in sorted(present - set(files))]
    if problems:
        raise BackupError("the backup does not match its manifest: " + "; ".join(problems))
    return manifest


def restore(folder: Path) -> Check:
    """Replace the database and the uploaded files with the backup in `folder`, then check."""
    folder = Path(folder)
    manifest = check_folder(folder)
    engine = _engine()
    if manifest["engine"] != engine:
        raise BackupError(f"the backup is of a {manifest['engine']} database; this installation "
                          f"uses {engine}")
    if engine == "sqlite":
        connection.ensure_connection()
        source = sqlite3.connect(folder / "database.sqlite3")
        try:
            source.backup(connection.connection)
        finally:
            source.close()
    else:
        connection.close()
        result = subprocess.run(["pg_restore", "--clean", "--if-exists", "--no-owner",
                                 "--no-privileges", "--single-transaction",
                                 "--dbname", connection.settings_dict["NAME"],
                                 str(folder / "database.pgdump")],
                                env=_pg_env(), capture_output=True, text=True, timeout=3600)
        if result.returncode:
            raise BackupError(f"pg_restore failed: {result.stderr.strip()}")
    media = Path(settings.MEDIA_ROOT)
    if media.exists():
        shutil.rmtree(media)
    shutil.copytree(folder / "media", media)
    return verify(expected_records=manifest["audit"]["records"])


def verify(expected_records: int | None = None) -> Check:
    """Check the audit chain and that every stored file is there with its recorded SHA-256."""
    problems = []
    chain = verify_chain()
    if not chain.ok:
        problems.append(f"audit chain broken: {chain.problem}")
    if expected_records is not None and chain.count != expected_records:
        problems.append(f"the audit trail has {chain.count} records; the backup had "
                        f"{expected_records}")
    checked = 0
    for model in apps.get_models():
        if not issubclass(model, StoredFile):
            continue
        for pk, name, sha in model.objects.values_list("pk", "file", "sha256").iterator():
            checked += 1
            path = Path(settings.MEDIA_ROOT) / name
            if not path.is_file():
                problems.append(f"{model._meta.label} {pk}: file missing ({name})")
            elif _sha256(path) != sha:
                problems.append(f"{model._meta.label} {pk}: file changed ({name})")
    return Check(not problems, chain.count, checked, problems)
