"""The API against its OpenAPI document with hostile input: no 5xx, only documented status codes, JSON errors.

Hand-picked hostile input for every documented operation (template text, broken YAML, path tricks, oversized
names); test_api_schemathesis.py adds input generated from the document.
"""

import itertools

import pytest

from sigmavault_panel.api.openapi import DOCUMENT

BODIES = [None, {}, [], "text", 3, {"document": 3}, {"text": 5}, {"document": {"storage": {"pools": "x"}}},
          {"text": "{{ salt['cmd.run']('id') }}"}, {"text": "sigmavault: [\n"}, {"text": "- 1\n"},
          {"document": {"storage": {"pools": {"t": {"devices": ["a" * 5000]}}}}}, {"version": 3},
          {"version": "../../etc/passwd"}, {"name": 5}, {"name": "a" * 100}, {"name": "ok", "role": "root"},
          {"name": "n\u00e9"}, {"message": ["x"], "document": {}}, {"document": {"x": {"y": {"z": []}}}}]
PATH_VALUES = {"job_id": ["0", "1", "99999999999999999999"], "token_id": ["nope", "..%2F..", "a" * 300]}
IF_MATCH = [None, "*", '"nope"', "W/\"x\"", ""]


def operations():
    for path, methods in DOCUMENT["paths"].items():
        for method, operation in methods.items():
            if path != "/events":
                yield path, method, operation


def urls(path: str) -> list[str]:
    names = [name for name in PATH_VALUES if "{" + name + "}" in path]
    if not names:
        return ["/api/v1" + path]
    return ["/api/v1" + path.replace("{" + names[0] + "}", value) for value in PATH_VALUES[names[0]]]


@pytest.fixture
def api(app):
    secret = app.extensions["sigmavault"].tokens.create("fuzz", "admin", "alice")[1]
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
    return client


@pytest.mark.parametrize("path, method, operation", list(operations()), ids=lambda v: v if isinstance(v, str) else "")
def test_operation_survives_hostile_input_with_documented_answers(app, api, path, method, operation):
    documented = {int(code) for code in operation["responses"]}
    bodies = BODIES if method in ("post", "put") else [None]
    for url, body, if_match in itertools.product(urls(path), bodies, IF_MATCH if method == "put" else [None]):
        headers = {"If-Match": if_match} if if_match is not None else {}
        response = api.open(url, method=method.upper(), json=body, headers=headers) if body is not None else \
            api.open(url, method=method.upper(), headers=headers)
        app.extensions["sigmavault"].runner.wait_idle(5)
        assert response.status_code < 500, (url, body, response.get_data(as_text=True))
        assert response.status_code in documented, (url, method, body, response.status_code)
        if response.status_code >= 400:
            assert isinstance(response.json["error"]["message"], str)


def test_every_documented_operation_refuses_without_credentials_except_the_open_ones(app):
    client = app.test_client()
    for path, method, operation in operations():
        for url in urls(path)[:1]:
            status = client.open(url, method=method.upper()).status_code
            if operation.get("security") == []:
                assert status != 401, url
            else:
                assert status == 401, (url, method, status)
