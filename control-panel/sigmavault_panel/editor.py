"""The pillar editor: a form per domain generated from the schema, a raw YAML editor, history and rollback."""

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for

from sigmavault.schema import PillarError
from sigmavault.schema.errors import ROOT_KEY
from sigmavault.schema.loader import DOMAINS, load_schema
from sigmavault.verdict import validate_pillar
from sigmavault_panel.errors import refuse
from sigmavault_panel.jobs import start_and_follow
from sigmavault_panel.panel import panel
from sigmavault_panel.services import form_submit, forms
from sigmavault_panel.services.pillar_store import NotEditable, PillarConflict, PillarRefused
from sigmavault_panel.services.versions import HistoryError

bp = Blueprint("pillar", __name__, url_prefix="/pillar")


def domains() -> list[dict]:
    schema = load_schema()[ROOT_KEY]["schema"]
    return [{"name": d, "description": schema[d].get("meta", {}).get("description", ""),
             "defined": bool(schema[d].get("schema"))} for d in DOMAINS]


def _domain_or_404(domain: str) -> dict:
    found = next((d for d in domains() if d["name"] == domain), None)
    if found is None:
        abort(404, f"the pillar has no domain {domain!r}; domains: {', '.join(DOMAINS)}")
    return found


@bp.get("/")
def index():
    store = panel().store
    return render_template("pillar/index.html", domains=domains(), snapshot=store.read(),
                           versions=store.versions(), store=store)


@bp.route("/<domain>", methods=("GET", "POST"))
def edit(domain: str):
    info, store = _domain_or_404(domain), panel().store
    snapshot = store.read()
    if request.method == "GET" or not info["defined"]:
        form = forms.build(domain, snapshot.sigmavault) if not snapshot.problem else None
        return render_template("pillar/form.html", domain=info, form=form, snapshot=snapshot, store=store)
    document, pending, problems = form_submit.apply_form(domain, request.form, snapshot.sigmavault)
    errors = problems or validate_pillar({ROOT_KEY: document}, opened=False).errors
    etag = request.form.get("etag")
    if not errors:
        message = request.form.get("message", "").strip() or f"Edit {domain} in the form"
        try:
            saved = store.save_document(document, etag, g.identity.author, message)
        except PillarConflict as conflict:
            return _conflict(conflict, "pillar.edit", domain=domain)
        except PillarRefused as refused:
            errors = refused.errors
        except NotEditable as error:
            return refuse(409, str(error))
        else:
            flash(f"Saved as version {saved.version[:10]}. Preview shows what applying it would change.")
            return redirect(url_for("pillar.edit", domain=domain))
    form = forms.build(domain, document, errors, pending)
    return render_template("pillar/form.html", domain=info, form=form, snapshot=snapshot, store=store,
                           etag=etag, refused=True), 422


def _conflict(conflict: PillarConflict, endpoint: str, text: str | None = None, **values):
    latest = conflict.current
    newest = panel().store.versions(1)
    return render_template("pillar/conflict.html", latest=latest, newest=newest[0] if newest else None,
                           back=url_for(endpoint, **values), text=text), 409


@bp.route("/raw", methods=("GET", "POST"))
def raw():
    store = panel().store
    snapshot = store.read()
    if request.method == "GET":
        return render_template("pillar/raw.html", snapshot=snapshot, text=snapshot.text, etag=snapshot.etag,
                               store=store)
    text, etag = request.form.get("text", ""), request.form.get("etag")
    errors: list[PillarError] = store.check(text)
    if request.form.get("action") == "check" or errors:
        status = 422 if errors else 200
        return render_template("pillar/raw.html", snapshot=snapshot, text=text, etag=etag, errors=errors,
                               checked=not errors, store=store), status
    try:
        saved = store.save_text(text, etag, g.identity.author,
                                request.form.get("message", "").strip() or "Edit the pillar as YAML")
    except PillarConflict as conflict:
        return _conflict(conflict, "pillar.raw", text=text)
    except PillarRefused as refused:
        return render_template("pillar/raw.html", snapshot=snapshot, text=text, etag=etag, errors=refused.errors,
                               store=store), 422
    except NotEditable as error:
        return refuse(409, str(error))
    flash(f"Saved as version {saved.version[:10]}. Preview shows what applying it would change.")
    return redirect(url_for("pillar.raw"))


@bp.get("/versions/<version>")
def version(version: str):
    store = panel().store
    try:
        text = store.history.text_at(version, store.filename)
    except HistoryError as error:
        abort(404, str(error))
    return render_template("pillar/version.html", version=version, text=text,
                           info=next((v for v in store.versions(200) if v.id.startswith(version)), None))


@bp.post("/rollback")
def rollback():
    return start_and_follow("rollback", request.form.get("version"))
