from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from guildhall.audit.services import export_organization
from guildhall.orgs.models import Organization


class Command(BaseCommand):
    help = "Write one organization's audit records with a checkpoint (head hash and count)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--org", required=True, help="organization id or short code")
        parser.add_argument("--out", required=True, help="file to write")

    def handle(self, *args: Any, org: str, out: str, **options: Any) -> None:
        found = Organization.objects.filter(pk=int(org)).first() if org.isdigit() else \
            Organization.objects.filter(code=org).first()
        if found is None:
            raise CommandError(f"no organization {org!r}")
        data = export_organization(found.pk)
        with open(out, "w", encoding="utf-8") as fh:
            json.dump(data, fh, ensure_ascii=False, indent=1)
        cp = data["checkpoint"]
        self.stdout.write(f"wrote {cp['count']} records of {found.code} to {out}; head {cp['head']}")
