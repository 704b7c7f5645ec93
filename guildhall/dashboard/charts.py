"""The dashboard's charts: each one a title, categories with their values, and the link of
each category (the dashboard filtered to the associations behind it). The page draws the
same figures as a table beside the chart; `static/guildhall/dashboard.js` draws the chart."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from guildhall.dashboard.models import ReportStatus
from guildhall.dashboard.queries import COMPLETION_BANDS
from guildhall.dashboard.sources import FILING_OUTCOMES


def _labels(module: str, choices: str) -> dict[str, str]:
    import importlib

    return {str(v): str(label) for v, label in getattr(
        importlib.import_module(f"guildhall.{module}.models"), choices).choices}


def outcome_label(outcome: str) -> str:
    return {"approved": _("Approved"), "returned": _("Returned for revision"),
            "rejected": _("Rejected"), "pending": _("Under review"), "other": _("Other")}[outcome]


def build(org: Any, data: dict[str, Any]) -> list[dict[str, Any]]:
    base = reverse("dashboard:dashboard", args=[org.pk])

    def link(chart: str, key: str) -> str:
        return f"{base}?chart={chart}:{key}"

    charts = []
    if data["completion"] is not None:
        names = [f"{lo}%" if lo == hi else f"{lo}–{hi}%" for lo, hi in COMPLETION_BANDS]
        keys = [f"{lo}-{hi}" for lo, hi in COMPLETION_BANDS]
        charts.append({"id": "chart-completion", "kind": "bar", "title": _("Plan completion"),
                       "unit": _("associations"), "categories": [*names, _("No plan items")],
                       "series": [{"name": _("Associations"), "data": data["completion"]}],
                       "links": [link("completion", k) for k in [*keys, "none"]]})
    if data["overdue_by_month"] is not None:
        months = list(data["overdue_by_month"])
        charts.append({"id": "chart-overdue", "kind": "bar", "title": _("Overdue items by month due"),
                       "unit": _("items"), "categories": months,
                       "series": [{"name": _("Overdue items"),
                                   "data": [data["overdue_by_month"][m] for m in months]}],
                       "links": [link("overdue_by_month", m) for m in months]})
    if data["incidents"] is not None:
        labels = _labels("incidents", "Severity")
        keys = [k for k in labels if k in data["incidents"]]
        figures = [data["incidents"][k] for k in keys]
        charts.append({"id": "chart-incidents", "kind": "bar",
                       "title": _("Incidents this year by severity, and minutes to the first report"),
                       "unit": "", "categories": [labels[k] for k in keys],
                       "series": [{"name": _("Incidents"), "data": [f[0] for f in figures]},
                                  {"name": _("Average minutes to the first report"),
                                   "data": [round(f[2] / f[1]) if f[1] else None for f in figures]}],
                       "links": [link("incidents", k) for k in keys]})
    if data["filings"] is not None:
        types = _labels("events", "EventType")
        present = [t for t in types if any(f"{t}|{o}" in data["filings"] for o in FILING_OUTCOMES)]
        charts.append({"id": "chart-filings", "kind": "stack",
                       "title": _("Event filings this year by type and outcome"), "unit": _("filings"),
                       "categories": [types[t] for t in present],
                       "series": [{"name": outcome_label(o),
                                   "data": [data["filings"].get(f"{t}|{o}", 0) for t in present]}
                                  for o in FILING_OUTCOMES],
                       "links": [link("filings", t) for t in present]})
    if data["reports"] is not None:
        states = list(ReportStatus)
        charts.append({"id": "chart-reports", "kind": "bar",
                       "title": _("Annual reports of last year"), "unit": _("associations"),
                       "categories": [str(s.label) for s in states],
                       "series": [{"name": _("Associations"),
                                   "data": [data["reports"].get(s.value, 0) for s in states]}],
                       "links": [link("reports", s.value) for s in states]})
    for chart in charts:
        chart["rows"] = [[name, *[s["data"][i] for s in chart["series"]], chart["links"][i]]
                         for i, name in enumerate(chart["categories"])]
    return charts
