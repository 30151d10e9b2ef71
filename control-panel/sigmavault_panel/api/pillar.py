"""The pillar over HTTP: read with an ETag, validate, replace with If-Match, history and rollback."""

from flask import g, jsonify, request

from sigmavault.pillar_text import PillarTextError, check_depth
from sigmavault.schema.errors import ROOT_KEY
from sigmavault_panel.api import BodyError, bp, json_body, start_job
from sigmavault_panel.errors import refuse
from sigmavault_panel.panel import panel
from sigmavault_panel.services.pillar_store import NotEditable, PillarConflict, PillarRefused
from sigmavault_panel.services.pillar_text import render

PILLAR_FIELDS = {"document": dict, "text": str, "message": str}


def _text_of(body: dict) -> str:
    """The pillar file text a body proposes: {"text": yaml} or {"document": {...the sigmavault mapping}}."""
    if ("text" in body) == ("document" in body):
        raise BodyError(422, "send either {\"document\": {…the sigmavault mapping…}} or {\"text\": \"…YAML…\"}")
    if "text" in body:
        return body["text"]
    try:
        check_depth(body["document"], f"{ROOT_KEY} (the document sent)")
    except PillarTextError as error:
        raise BodyError(422, str(error)) from None
    return render({**panel().store.read().pillar, ROOT_KEY: body["document"]})


@bp.get("/pillar")
def pillar_get():
    store = panel().store
    snapshot = store.read()
    if request.if_none_match and snapshot.etag.strip('"') in request.if_none_match:
        return "", 304, {"ETag": snapshot.etag}
    body = {"file": store.filename, "version": snapshot.version, "etag": snapshot.etag,
            "document": snapshot.sigmavault, "text": snapshot.text, "problem": snapshot.problem,
            "read_only": store.read_only_reason}
    return jsonify(body), 200, {"ETag": snapshot.etag}


@bp.post("/pillar/validate")
def pillar_validate():
    errors = panel().store.check(_text_of(json_body(PILLAR_FIELDS)))
    return jsonify({"valid": not errors, "errors": [e.as_dict() for e in errors]})


@bp.put("/pillar")
def pillar_put():
    if_match = request.headers.get("If-Match")
    if not if_match:
        return refuse(428, "send If-Match with the ETag of the pillar you edited (GET /api/v1/pillar)")
    body = json_body(PILLAR_FIELDS)
    text = _text_of(body)
    message = body.get("message", "")
    store = panel().store
    try:
        saved = store.save_text(text, if_match, g.identity.author, message.strip() or "Edit the pillar via the API")
    except PillarConflict as conflict:
        return refuse(409, "the pillar changed since you read it; GET it again, redo your change, and send the "
                           "new ETag", etag=conflict.current.etag, version=conflict.current.version)
    except PillarRefused as refused:
        return refuse(422, "the pillar is refused; nothing was written",
                      errors=[e.as_dict() for e in refused.errors])
    except NotEditable as error:
        return refuse(409, str(error))
    return jsonify({"version": saved.version, "etag": saved.etag}), 200, {"ETag": saved.etag}


@bp.get("/pillar/versions")
def pillar_versions():
    return jsonify({"versions": [v.as_dict() for v in panel().store.versions()]})


@bp.post("/pillar/rollback")
def pillar_rollback():
    body = json_body({"version": str}) if request.content_length else {}
    return start_job("rollback", body.get("version"))
