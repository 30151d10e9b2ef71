"""The OpenAPI 3.1 document of /api/v1, served at /api/v1/openapi.json (a test holds it to the routes)."""

from flask import jsonify

from sigmavault_panel.api import bp
from sigmavault_panel.services.tokens import NAME as TOKEN_NAME


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


ERROR = _json(_ref("Error"), "refused, with a sentence saying why")
AUTH = {"401": ERROR, "403": ERROR}
MUTATION = {**AUTH, "409": ERROR}


def _get(summary: str, schema: dict, open_: bool = False, **responses) -> dict:
    operation = {"summary": summary, "responses": {"200": _json(schema, "ok"), **({} if open_ else AUTH),
                                                   **responses}}
    if open_:
        operation["security"] = []
    return operation


def _job_start(summary: str, body: dict | None = None) -> dict:
    operation = {"summary": summary, "responses": {
        "202": _json({"type": "object", "properties": {"job": _ref("Job")}}, "the job started; follow Location"),
        **MUTATION, "400": ERROR, "404": ERROR, "415": ERROR, "422": ERROR}}
    if body:
        operation["requestBody"] = {"required": False, "content": {"application/json": {"schema": body}}}
    return operation


PILLAR_BODY = {"type": "object", "description": "either the sigmavault mapping or the whole file as YAML",
               "properties": {"document": {"type": "object"}, "text": {"type": "string"},
                              "message": {"type": "string", "description": "the version's message"}},
               "oneOf": [{"required": ["document"]}, {"required": ["text"]}], "additionalProperties": False}
READING = _ref("Reading")


def _reading_of(value: dict) -> dict:
    """A Reading whose value, once read, has this schema."""
    return {"allOf": [READING, {"properties": {"value": {"anyOf": [value, {"type": "null"}]}}}]}

DECLARED = {"type": "object", "properties": {"domain": {"type": "string"}, "declared": {"type": "object"},
                                             "available": {"type": "boolean"}, "note": {"type": "string"}}}

PATHS = {
    "/health/live": {"get": _get("The process answers", {"type": "object"}, open_=True)},
    "/health/ready": {"get": _get("The panel can work: state dir, pillar, salt-call and git present",
                                  {"type": "object"}, open_=True, **{"503": _json({"type": "object"}, "not ready")})},
    "/health/status": {"get": _get("Salt circuit breaker and reading freshness, running job, pillar version",
                                   {"type": "object"})},
    "/system": {"get": _get("Uptime, load, memory and host name, read through Salt (cached; stale if Salt is slow)",
                            {"type": "object", "properties": {"system": READING, "host": READING}})},
    "/storage/pools": {"get": _get("Pools and datasets with usage (sigmavault_storage.status)", READING)},
    "/storage/disks": {"get": _get("The disk inventory (grain sigmavault_disks)", READING)},
    "/shares": {"get": _get("SMB shares and NFS exports the pillar declares, what each serves, and whether smbd and "
                            "the NFS server run (sigmavault_shares.status)", _reading_of(_ref("Shares")))},
    "/compression": {"get": _get("What the pillar declares for compression jobs", DECLARED)},
    "/encryption": {"get": _get("What the pillar declares for keys and sealed secrets", DECLARED)},
    "/agents": {"get": _get("What the pillar declares for agents, and whether the schema defines them yet", DECLARED)},
    "/pillar": {
        "get": _get("The pillar file, its sigmavault mapping, version and ETag", _ref("Pillar"),
                    **{"304": {"description": "unchanged since If-None-Match"}}),
        "put": {"summary": "Replace the pillar (validated; needs If-Match with the ETag you read)",
                "parameters": [{"name": "If-Match", "in": "header", "required": True, "schema": {"type": "string"}}],
                "requestBody": {"required": True, "content": {"application/json": {"schema": PILLAR_BODY}}},
                "responses": {"200": _json({"type": "object", "properties": {"version": {"type": "string"},
                                                                             "etag": {"type": "string"}}}, "saved"),
                              **MUTATION, "400": ERROR, "415": ERROR, "422": ERROR, "428": ERROR}},
    },
    "/pillar/validate": {"post": {
        "summary": "Check a pillar against the schema without saving it",
        "requestBody": {"required": True, "content": {"application/json": {"schema": PILLAR_BODY}}},
        "responses": {"200": _json(_ref("Validation"), "the verdict"), **AUTH, "400": ERROR, "415": ERROR,
                      "422": ERROR}}},
    "/pillar/versions": {"get": _get("The pillar's history, newest first",
                                     {"type": "object", "properties": {"versions": {"type": "array",
                                                                                    "items": _ref("Version")}}})},
    "/pillar/rollback": {"post": _job_start("Restore a version of the pillar (default: the previous one) and apply",
                                            {"type": "object", "properties": {"version": {"type": "string"}},
                                             "additionalProperties": False})},
    "/plan": {"post": _job_start("Preview: state.apply test=True as a job")},
    "/apply": {"post": _job_start("Apply the pillar as a job (one job at a time)")},
    "/jobs": {"get": _get("Recent jobs, newest first",
                          {"type": "object", "properties": {"jobs": {"type": "array", "items": _ref("Job")}}})},
    "/jobs/{job_id}": {"get": {**_get("One job with its per-state results",
                                      {"type": "object", "properties": {"job": _ref("Job")}}, **{"404": ERROR}),
                               "parameters": [{"name": "job_id", "in": "path", "required": True,
                                               "schema": {"type": "integer"}}]}},
    "/events": {"get": {"summary": "Server-sent events: job.started, job.progress, job.finished "
                                   "(?job=N for one job; resumes after Last-Event-ID)",
                        "parameters": [{"name": "job", "in": "query", "schema": {"type": "integer", "minimum": 0}},
                                       {"name": "after", "in": "query", "schema": {"type": "integer", "minimum": 0}}],
                        "responses": {"200": {"description": "the stream",
                                              "content": {"text/event-stream": {"schema": {"type": "string"}}}},
                                      **AUTH, "400": ERROR, "503": ERROR}}},
    "/tokens": {
        "get": _get("API tokens (never their secrets)",
                    {"type": "object", "properties": {"tokens": {"type": "array", "items": _ref("Token")}}}),
        "post": {"summary": "Create a token; the secret is in this answer only",
                 "requestBody": {"required": True, "content": {"application/json": {"schema": {
                     "type": "object", "required": ["name"], "additionalProperties": False,
                     "properties": {"name": {"type": "string", "pattern": f"^{TOKEN_NAME.pattern}$"},
                                    "role": {"enum": ["admin", "viewer"]}}}}}},
                 "responses": {"201": _json({"type": "object", "properties": {
                     "token": _ref("Token"), "secret": {"type": "string"}}}, "created"),
                     **AUTH, "400": ERROR, "415": ERROR, "422": ERROR}},
    },
    "/tokens/{token_id}": {"delete": {"summary": "Revoke a token",
                                      "parameters": [{"name": "token_id", "in": "path", "required": True,
                                                      "schema": {"type": "string"}}],
                                      "responses": {"204": {"description": "revoked"}, **AUTH, "404": ERROR}}},
    "/openapi.json": {"get": _get("This document", {"type": "object"}, open_=True)},
}

SCHEMAS = {
    "Error": {"type": "object", "required": ["error"], "properties": {"error": {
        "type": "object", "required": ["status", "message"],
        "properties": {"status": {"type": "integer"}, "message": {"type": "string"}}}}},
    "Reading": {"type": "object", "required": ["value", "stale"], "properties": {
        "value": {}, "fetched_at": {"type": ["number", "null"]}, "stale": {"type": "boolean"},
        "problem": {"type": ["string", "null"]}}},
    "Pillar": {"type": "object", "properties": {
        "file": {"type": "string"}, "version": {"type": "string"}, "etag": {"type": "string"},
        "document": {"type": "object"}, "text": {"type": "string"}, "problem": {"type": ["string", "null"]},
        "read_only": {"type": ["string", "null"]}}},
    "Validation": {"type": "object", "properties": {"valid": {"type": "boolean"}, "errors": {
        "type": "array", "items": {"type": "object", "properties": {"path": {"type": "string"},
                                                                    "message": {"type": "string"}}}}}},
    "Shares": {"type": "object", "required": ["valid", "smb", "nfs"], "properties": {
        "valid": {"type": "boolean", "description": "false: the pillar does not validate, so no share is declared"},
        "smb": {"type": "object", "required": ["server", "running", "shares"], "properties": {
            "server": {"type": "string"}, "running": {"type": "boolean"},
            "shares": {"type": "array", "items": _ref("SmbShare")}}},
        "nfs": {"type": "object", "required": ["backend", "server", "running", "exports"], "properties": {
            "backend": {"enum": ["kernel", "ganesha"]}, "server": {"type": "string"}, "running": {"type": "boolean"},
            "exports": {"type": "array", "items": _ref("NfsExport")}}}}},
    "SmbShare": {"type": "object", "required": ["name", "dataset", "path"], "properties": {
        "name": {"type": "string"}, "dataset": {"type": "string"}, "path": {"type": "string"},
        "comment": {"type": "string"}, "read_only": {"type": "boolean"}, "guest": {"type": "boolean"},
        "valid_users": {"type": "array", "items": {"type": "string"}},
        "valid_groups": {"type": "array", "items": {"type": "string"}}}},
    "NfsExport": {"type": "object", "required": ["name", "path", "clients"], "properties": {
        "name": {"type": "string"}, "path": {"type": "string"},
        "clients": {"type": "array", "items": {"type": "object", "properties": {
            "match": {"type": "string"}, "access": {"enum": ["ro", "rw"]}}}}}},
    "Version": {"type": "object", "properties": {"id": {"type": "string"}, "author": {"type": "string"},
                                                 "date": {"type": "string"}, "message": {"type": "string"}}},
    "Job": {"type": "object", "properties": {
        "id": {"type": "integer"}, "kind": {"enum": ["preview", "apply", "rollback"]}, "user": {"type": "string"},
        "status": {"enum": ["running", "succeeded", "failed", "error"]}, "created": {"type": "number"},
        "finished": {"type": ["number", "null"]}, "version": {"type": "string"},
        "progress": {"type": "array", "items": {"type": "object"}},
        "states": {"type": "array", "items": {"type": "object"}}, "summary": {"type": "string"},
        "errors": {"type": "array", "items": {"type": "string"}}}},
    "Token": {"type": "object", "properties": {"id": {"type": "string"}, "name": {"type": "string"},
                                               "role": {"enum": ["admin", "viewer"]},
                                               "created_by": {"type": "string"}, "created_at": {"type": "number"}}},
}

DOCUMENT = {
    "openapi": "3.1.0",
    "info": {"title": "SigmaVault control panel API", "version": "1",
             "description": "Everything the panel's pages do, as JSON. Authenticate with a session cookie "
                            "(plus X-CSRF-Token for changes) or 'Authorization: Bearer svt_…'. "
                            "Changes need the admin role."},
    "servers": [{"url": "/api/v1"}],
    "security": [{"bearer": []}, {"session": []}],
    "paths": PATHS,
    "components": {"schemas": SCHEMAS, "securitySchemes": {
        "bearer": {"type": "http", "scheme": "bearer"},
        "session": {"type": "apiKey", "in": "cookie", "name": "sigmavault_session"}}},
}


@bp.get("/openapi.json")
def openapi():
    return jsonify(DOCUMENT)
