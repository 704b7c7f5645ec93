"""Find what each app contributes by convention (`<app>.api`, `<app>.demo`, …), so that a
lower layer never imports the modules above it."""

from __future__ import annotations

import importlib
from types import ModuleType

from django.apps import apps


def app_modules(name: str, *, exclude: tuple[str, ...] = ()) -> list[ModuleType]:
    """Return `<app>.<name>` of every Guildhall app that has one, in INSTALLED_APPS order
    (apps labelled in `exclude` left out). An import error inside such a module is raised."""
    found = []
    for config in apps.get_app_configs():
        if not config.name.startswith("guildhall.") or config.label in exclude:
            continue
        dotted = f"{config.name}.{name}"
        try:
            found.append(importlib.import_module(dotted))
        except ModuleNotFoundError as exc:
            if exc.name not in (dotted, dotted.rsplit(".", 1)[0]):
                raise
    return found
