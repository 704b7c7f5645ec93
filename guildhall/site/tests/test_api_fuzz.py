"""API fuzzing: schemathesis generates requests for every operation of the OpenAPI
description and sends them with the tokens of several roles; any server error (5xx) or a
documented response whose body does not match its schema fails the run. The examples per
operation are bounded (FUZZ_EXAMPLES, default 4) so the suite stays quick."""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from guildhall.wsgi import application

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "4"))
ROLES = ("soft-principal", "soft-editor", "sup-approver", "sup-admin")


schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
# The explicit examples and FUZZ_EXAMPLES generated cases per operation; the coverage phase
# (hundreds of boundary cases per operation) is for a longer run: FUZZ_COVERAGE=1.
schema.config.phases.coverage.enabled = os.environ.get("FUZZ_COVERAGE") == "1"


@pytest.fixture
def tokens(db):
    from guildhall.accounts.services import token_create
    from guildhall.site.demo import seed

    cast = seed(modules=())  # the people; generated ids rarely name a record anyway
    return {name: token_create(actor=cast.user(name), name="fuzz")[1] for name in ROLES}


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
def test_no_operation_fails_or_breaks_its_schema(case, tokens):
    for name in ROLES:
        case.call_and_validate(headers={"Authorization": f"Bearer {tokens[name]}",
                                        "Accept-Language": "zh-hans"},
                               checks=[not_a_server_error, response_schema_conformance])
