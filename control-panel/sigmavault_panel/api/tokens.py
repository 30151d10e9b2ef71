"""API tokens: list, create (the secret is returned once), revoke. Admins only for changes."""

from flask import g, jsonify

from sigmavault_panel.api import BodyError, bp, json_body
from sigmavault_panel.errors import refuse
from sigmavault_panel.panel import panel


@bp.get("/tokens")
def tokens_list():
    return jsonify({"tokens": [t.__dict__ for t in panel().tokens.list()]})


@bp.post("/tokens")
def tokens_create():
    body = json_body({"name": str, "role": str})
    try:
        token, secret = panel().tokens.create(body.get("name", ""), body.get("role", "viewer"), g.identity.user)
    except ValueError as error:
        raise BodyError(422, str(error)) from None
    return jsonify({"token": token.__dict__, "secret": secret}), 201


@bp.delete("/tokens/<token_id>")
def tokens_revoke(token_id: str):
    if not panel().tokens.revoke(token_id):
        return refuse(404, f"no token {token_id}")
    return "", 204
