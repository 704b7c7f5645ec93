"""The OpenAPI document names each schema once: two schema classes of one name would be
described as one, with the fields of whichever came first."""

import enum
import typing
from collections import defaultdict

from django.test import SimpleTestCase
from ninja import Schema

import guildhall.api  # noqa: F401  (mounts every module's router, so their schemas exist)


def _schemas(base: type = Schema) -> set[type]:
    found: set[type] = set()
    for cls in base.__subclasses__():
        found |= {cls} | _schemas(cls)
    return found


def _choices(annotation: typing.Any) -> set[type]:
    """Return the enumerations a field's type names (each is a component of its own)."""
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return {annotation}
    return {e for arg in typing.get_args(annotation) for e in _choices(arg)}


def shared_names(classes: set[type]) -> dict[str, list[str]]:
    """Return the names that several of the project's schema classes have, with where."""
    by_name: dict[str, set[type]] = defaultdict(set)
    for cls in classes:
        if cls.__module__.startswith("guildhall.") and ".tests" not in cls.__module__:
            by_name[cls.__name__].add(cls)
    return {name: sorted(f"{c.__module__}.{c.__qualname__}" for c in group)
            for name, group in by_name.items() if len(group) > 1}


class _Planted(Schema):
    """The base of the schemas this test makes up."""


class SchemaNamesTest(SimpleTestCase):
    def test_no_two_schemas_of_the_api_share_a_name(self):
        real = {cls for cls in _schemas() if not issubclass(cls, _Planted)}
        self.assertGreater(len(real), 100)
        choices = {e for cls in real for f in cls.model_fields.values()
                   for e in _choices(f.annotation)}
        self.assertIn("EventType", {e.__name__ for e in choices})
        self.assertEqual(shared_names(real | choices), {})

    def test_the_document_has_a_component_for_each_modules_own_schema(self):
        components = guildhall.api.api.get_openapi_schema()["components"]["schemas"]
        self.assertLessEqual({"DecisionOut", "PublicationDecisionOut", "IncidentFiguresOut",
                              "StudyFiguresOut", "IncidentLinkOut", "PlanLinkOut",
                              "MeetingPersonOut", "StudyPersonOut"}, set(components))

    def test_a_shared_name_is_found(self):
        first = type("LinkOut", (_Planted,), {"__module__": "guildhall.plans.api",
                                            "__annotations__": {"a": int}})
        second = type("LinkOut", (_Planted,), {"__module__": "guildhall.incidents.api",
                                             "__annotations__": {"b": int}})
        self.assertEqual(shared_names({first, second}),
                         {"LinkOut": ["guildhall.incidents.api.LinkOut",
                                      "guildhall.plans.api.LinkOut"]})
