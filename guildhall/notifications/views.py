from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from guildhall.audit.services import record
from guildhall.lib.workdays import package_years
from guildhall.notifications import calendar
from guildhall.notifications.models import Notification, WorkdayOverride
from guildhall.orgs.permissions import can, require


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    notes = request.user.notifications.select_related("organization")
    page = Paginator(notes, 30).get_page(request.GET.get("page"))
    return render(request, "notifications/inbox.html", {"page": page})


@login_required
@require_POST
def mark_read(request: HttpRequest, notification_id: int) -> HttpResponse:
    note = get_object_or_404(Notification, pk=notification_id, recipient=request.user)
    note.mark_read()
    if request.htmx:
        return render(request, "notifications/_read.html", {"n": note})
    if note.url and url_has_allowed_host_and_scheme(note.url, allowed_hosts=None):
        return redirect(note.url)
    return redirect("notifications:inbox")


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    request.user.notifications.filter(read_at__isnull=True).update(read_at=timezone.now())
    return redirect("notifications:inbox")


class _BadDate(ValueError):
    def __init__(self, token: str) -> None:
        super().__init__(token)
        self.token = token


def _parse_dates(text: str) -> list[dt.date]:
    days = []
    for token in text.replace(",", " ").replace("，", " ").replace("、", " ").split():
        try:
            days.append(dt.date.fromisoformat(token))
        except ValueError:
            raise _BadDate(token) from None
    return days


@login_required
@require_http_methods(["GET", "POST"])
def workday_calendar(request: HttpRequest) -> HttpResponse:
    """Show which years the official schedule is known for; let supervisor admins add one."""
    may_edit = can(request.user, "calendar.manage")
    errors = []
    form = {"holidays": "", "workdays": ""}
    if request.method == "POST":
        require(request.user, "calendar.manage")
        form = {k: request.POST.get(k, "") for k in form}
        try:
            holidays, workdays = _parse_dates(form["holidays"]), _parse_dates(form["workdays"])
        except _BadDate as bad:
            errors.append(_("“%(value)s” is not a date of the calendar. Write each date as "
                            "YYYY-MM-DD, separated by spaces or commas.") % {"value": bad.token})
        else:
            overlap = set(holidays) & set(workdays)
            if overlap:
                errors.append(_("%(day)s cannot be both a holiday and a working day.") % {
                    "day": min(overlap).isoformat()})
            known = {d.year for d in holidays + workdays} & package_years()
            if known:
                errors.append(_("The schedule for %(year)d is already known; only later years "
                                "can be entered.") % {"year": min(known)})
            if not holidays and not workdays:
                errors.append(_("Enter at least one date."))
        if not errors:
            with transaction.atomic():
                for day, working in [(d, False) for d in holidays] + [(d, True) for d in workdays]:
                    WorkdayOverride.objects.update_or_create(
                        date=day, defaults={"is_working_day": working, "entered_by": request.user})
                record(actor=request.user, action="calendar.schedule",
                       after={"holidays": [d.isoformat() for d in holidays],
                              "workdays": [d.isoformat() for d in workdays]})
                transaction.on_commit(calendar.forget_overrides)
            messages.success(request, _("The schedule was saved."))
            return redirect("notifications:workday_calendar")
    this_year = timezone.localdate().year
    years = [{"year": y, "known": calendar.is_known_year(y),
              "entered": y in calendar.overrides()} for y in range(this_year - 1, this_year + 3)]
    return render(request, "notifications/calendar.html", {
        "years": years, "may_edit": may_edit, "errors": errors, "form": form,
        "overrides": WorkdayOverride.objects.filter(date__year__gte=this_year - 1)[:400],
    }, status=400 if errors else 200)
