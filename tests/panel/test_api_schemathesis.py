"""schemathesis against the served OpenAPI document: generated input for every operation, answers that conform.

The app is the panel's WSGI app over a temporary site with fake Salt; requests carry a real admin API token.
Each operation gets a bounded number of valid and of invalid requests (schemathesis's positive and negative
modes); every answer is checked by schemathesis's own checks: no 5xx, a documented status code and content
type, a body that matches the documented schema, invalid input refused. One test per operation, listed from
the document the panel serves, so an operation added to it is tested without touching this file.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.config import SchemathesisConfig

from sigmavault_panel.api.openapi import DOCUMENT

EXAMPLES = 15
# The pillar a client sends is valid JSON for the document yet may still fail the pillar's own schema (cerberus,
# which OpenAPI cannot state): PUT /pillar then answers 422 naming each key, and that is a right answer.
CONFIG = SchemathesisConfig.from_dict({"operations": [{
    "include-path": "/pillar", "include-method": "PUT",
    "checks": {"positive_data_acceptance": {"expected-statuses": ["2xx", "401", "403", "409", "422", "429"]}}}]})
OPERATIONS = [(path, method) for path, methods in DOCUMENT["paths"].items() for method in methods]
CASES = [(path, method, mode) for path, method in OPERATIONS for mode in GenerationMode
         # an operation that takes no input has no invalid request to make
         if mode.is_positive or "parameters" in DOCUMENT["paths"][path][method]
         or "requestBody" in DOCUMENT["paths"][path][method]]


@pytest.fixture
def served(app):
    """The OpenAPI document as the panel serves it, loaded by schemathesis from the WSGI app."""
    app.config["SSE_MAX_SECONDS"] = 0.05   # an event stream answers, then ends at once
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app, config=CONFIG)


@pytest.mark.parametrize("path, method, mode", CASES, ids=[f"{m.upper()} {p} {mode}" for p, m, mode in CASES])
def test_operation_answers_conform_to_the_served_document(app, served, path, method, mode):
    secret = app.extensions["sigmavault"].tokens.create("schemathesis", "admin", "alice")[1]
    operation = served[path][method]

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def answers_conform(case):
        headers = {"Authorization": f"Bearer {secret}"}
        if path == "/pillar" and method == "put" and mode.is_positive:   # past the ETag check, to the pillar's own
            headers["If-Match"] = app.extensions["sigmavault"].store.read().etag
        case.call_and_validate(headers=headers)
        app.extensions["sigmavault"].runner.wait_idle(5)   # one job at a time: let the next request start one

    answers_conform()
