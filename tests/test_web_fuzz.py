"""The API fuzzed from its own OpenAPI document (schemathesis): no input gives a 500, every answer fits the schema.

Each operation's cases come from schemathesis's hypothesis strategy, run with
hypothesis directly: its pytest plugin's lazy schemas do not run on pytest 9.
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import positive_data_acceptance

from search.web import create_app

#: Examples per operation: enough to reach the caps, odd characters and bad values, in a few seconds.
#: The suite runs the same ones every time; FUZZ_EXAMPLES=2000 FUZZ_RANDOM=1 explores further.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", 40))
RANDOM = bool(os.environ.get("FUZZ_RANDOM"))
#: The documented operations; the app builds its OpenAPI document without opening an index.
OPERATIONS = sorted((path, method.upper()) for path, methods in create_app().openapi()["paths"].items()
                    for method in methods)


@pytest.fixture(scope="module")
def api_schema(web_index):
    return schemathesis.openapi.from_asgi("/openapi.json", create_app(web_index))


def test_every_operation_is_fuzzed() -> None:
    assert {p for p, _ in OPERATIONS} == {"/api/search", "/api/search.csv", "/api/suggest", "/api/articles/{doc_id}",
                                          "/api/stats", "/healthz"}


@pytest.mark.parametrize("path, method", OPERATIONS)
def test_the_api_answers_every_input_within_its_schema(api_schema, path, method) -> None:
    operation = api_schema[path][method]
    # Values the schema allows, and values it forbids (past a cap, of the wrong type): 422, never 500.
    @given(case=operation.as_strategy(GenerationMode.POSITIVE) | operation.as_strategy(GenerationMode.NEGATIVE))
    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None,
              derandomize=not RANDOM)
    def check(case) -> None:
        # Every other check runs. Not this one: a since/until that looks like a date but is none
        # (31/02/2020), or a filter typed inside q (since:mai), is a string the schema allows and
        # the library rejects with a 422 naming it, as documented.
        case.call_and_validate(excluded_checks=[positive_data_acceptance])

    check()
