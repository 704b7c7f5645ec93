"""Incidents in a given state for tests and the isolation matrix."""

from __future__ import annotations

from typing import Any

from guildhall.incidents import services
from guildhall.incidents.models import Incident


def register(cast: Any, org: Any, *, by: str = "", send: bool = True, **data: Any) -> Incident:
    data = {"title": "官方公众号被盗用", "category": "account_compromise", "severity": "major",
            **data}
    return services.incident_register(actor=cast.user(by or f"{org.code}-editor"), org=org,
                                      data=data, send=send, report="公众号发布了非本会内容，已改密码。")


def make_incident(cast: Any, org: Any, state: str = "reported", **data: Any) -> Incident:
    """An incident of `org` walked to `state` (open, reported, stable, closed)."""
    incident = register(cast, org, send=state != "open", **data)
    if state in ("stable", "closed"):
        incident = services.mark_stable(actor=cast.user(f"{org.code}-principal"), incident=incident)
    if state == "closed":
        incident = services.incident_close(
            actor=cast.user(f"{org.code}-principal"), incident=incident, cause="密码泄露",
            actions="改密码并发声明", results="已恢复", lessons="启用双重验证")
    return incident


class FakePlans:
    """Fills the annual plan's slot for a test: remembers the items it was asked to make."""

    class Item:
        def __init__(self, title: str, pk: int) -> None:
            self.title, self.pk = title, pk

        def get_absolute_url(self) -> str:
            return f"/plan-items/{self.pk}"

    def __init__(self) -> None:
        self.made: list[dict[str, Any]] = []

    def __call__(self, **kwargs: Any) -> Item:
        self.made.append(kwargs)
        return self.Item(kwargs["title"], len(self.made))
