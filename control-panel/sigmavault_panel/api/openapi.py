"""The OpenAPI 3.1 document of /api/v1, served at /api/v1/openapi.json (a test holds it to the routes)."""

from flask import jsonify

from sigmavault.agents.store import ACTIVE, FINAL
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

TASK_STATES = ACTIVE + FINAL
LIMIT = {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 500}}
TASK_ID = {"name": "task_id", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 0}}
TASK = {"type": "object", "required": ["task"], "properties": {"task": _ref("AgentTask")}}
AGENT_PATHS = {
    "/agents": {"get": _get("The box's agents with their status, last and next run and last outcome",
                            {"type": "object", "required": ["agents"],
                             "properties": {"agents": {"type": "array", "items": _ref("Agent")}}})},
    "/agents/tasks": {"get": {**_get("The agents' task queue: running first, then by priority (?state=… for "
                                     "others, comma-separated or repeated)",
                                     {"type": "object", "required": ["tasks"],
                                      "properties": {"tasks": {"type": "array", "items": _ref("AgentTask")}}},
                                     **{"400": ERROR}),
                              "parameters": [{"name": "state", "in": "query", "style": "form", "explode": True,
                                              "schema": {"type": "array", "items": {"enum": list(TASK_STATES)}}},
                                             LIMIT]}},
    "/agents/tasks/{task_id}": {"get": {**_get("One agent task", TASK, **{"404": ERROR}),
                                        "parameters": [TASK_ID]}},
    "/agents/history": {"get": {**_get("The agents' runs, newest first (?agent=NAME for one agent)",
                                       {"type": "object", "required": ["runs"],
                                        "properties": {"runs": {"type": "array", "items": _ref("AgentRun")}}},
                                       **{"400": ERROR}),
                                "parameters": [{"name": "agent", "in": "query", "schema": {"type": "string"}},
                                               LIMIT]}},
    "/agents/{name}/run": {"post": {
        "summary": "Queue a run of the agent now (the agent service starts it when a worker is free)",
        "parameters": [{"name": "name", "in": "path", "required": True, "schema": {"type": "string"}}],
        "requestBody": {"required": False, "content": {"application/json": {"schema": {
            "type": "object", "additionalProperties": False,
            "properties": {"subject": {"type": "string", "maxLength": 200,
                                       "description": "what to run it for (a job, a pool…); default: the box"}}}}}},
        "responses": {"202": _json(TASK, "queued; Location names the task"), **AUTH, "400": ERROR, "404": ERROR,
                      "415": ERROR, "422": ERROR}}},
    "/agents/tasks/{task_id}/cancel": {"post": {
        "summary": "Cancel a task: a queued one at once, a running one at its next safe point",
        "parameters": [TASK_ID],
        "responses": {"200": _json({"type": "object", "required": ["result", "task"], "properties": {
            "result": {"enum": ["cancelled", "cancelling"]}, "task": _ref("AgentTask")}}, "cancelled or cancelling"),
            **AUTH, "404": ERROR, "409": ERROR}}},
}

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
    "/events": {"get": {"summary": "Server-sent events: job.started, job.progress, job.finished, and agent "
                                   "(an agent's event: tag and data) (?job=N for one job; resumes after "
                                   "Last-Event-ID)",
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
    **AGENT_PATHS,
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
    "Agent": {"type": "object", "required": ["name", "description", "status"], "properties": {
        "name": {"type": "string"}, "description": {"type": "string"}, "priority": {"type": "integer"},
        "schedule": {"type": ["string", "null"]}, "enabled": {"type": "boolean"}, "heavy": {"type": "boolean"},
        "holds_box": {"type": "boolean"}, "isolated": {"type": "boolean"}, "max_attempts": {"type": "integer"},
        "status": {"enum": ["idle", "running", "failed", "disabled", "breaker-open"]},
        "last_run": {"type": ["string", "null"]}, "last_ok": {"type": ["boolean", "null"]},
        "last_outcome": {"type": ["string", "null"]}, "next_run": {"type": ["string", "null"]},
        "breaker_until": {"type": ["string", "null"]}}},
    "AgentTask": {"type": "object", "required": ["id", "agent", "subject", "state"], "properties": {
        "id": {"type": "integer"}, "agent": {"type": "string"}, "subject": {"type": "string"},
        "pool": {"type": ["string", "null"]}, "priority": {"type": "integer"},
        "state": {"enum": list(TASK_STATES)},
        "reason": {"type": "string"}, "attempt": {"type": "integer"}, "max_attempts": {"type": "integer"},
        "created": {"type": "string"}, "started": {"type": ["string", "null"]},
        "finished": {"type": ["string", "null"]}, "not_before": {"type": ["string", "null"]},
        "progress": {"type": ["number", "null"]}, "message": {"type": ["string", "null"]},
        "outcome": {"type": ["string", "null"]}}},
    "AgentRun": {"type": "object", "required": ["task_id", "agent", "state", "ok", "summary"], "properties": {
        "id": {"type": "integer"}, "task_id": {"type": "integer"}, "agent": {"type": "string"},
        "subject": {"type": "string"}, "attempt": {"type": "integer"}, "state": {"type": "string"},
        "ok": {"type": "boolean"}, "started": {"type": ["string", "null"]}, "finished": {"type": "string"},
        "duration": {"type": ["number", "null"]}, "summary": {"type": "string"}, "details": {"type": "object"}}},
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
