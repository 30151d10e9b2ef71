"""REST API /api/v1: every route with a token, ETag rules on the pillar, jobs, and the OpenAPI document."""

import re

import pytest
import yaml

from sigmavault_panel.api.openapi import DOCUMENT
from tests.panel.conftest import PILLAR


def openapi_path(rule: str) -> str:
    return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.removeprefix("/api/v1"))


def test_every_api_route_is_in_the_openapi_document_and_nothing_else(app):
    routes = {(openapi_path(r.rule), m.lower()) for r in app.url_map.iter_rules() if r.endpoint.startswith("api.")
              for m in r.methods - {"HEAD", "OPTIONS"}}
    documented = {(path, method) for path, ops in DOCUMENT["paths"].items() for method in ops if method != "parameters"}
    assert routes == documented


def test_openapi_document_is_served_without_signing_in(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.json["openapi"].startswith("3.1")


def test_health_live_and_ready_need_no_sign_in(client, site):
    assert client.get("/api/v1/health/live").json == {"status": "alive"}
    (site.state_dir / "panel").mkdir(parents=True, exist_ok=True)
    ready = client.get("/api/v1/health/ready")
    assert ready.status_code == 200 and ready.json["ready"] is True


def test_health_ready_says_what_is_missing(client, site):
    (site.pillar_dir / "sigmavault.sls").unlink()
    ready = client.get("/api/v1/health/ready")
    assert ready.status_code == 503 and "cannot read" in ready.json["checks"]["pillar"]


def test_health_status_reports_salt_jobs_and_pillar(api):
    body = api.get("/api/v1/health/status").json
    assert body["salt"]["breaker"]["open"] is False and body["job"] is None
    assert body["pillar"]["etag"].startswith('"') and body["salt"]["readings"]["storage"]["stale"] is False


def test_system_pools_and_disks(api):
    assert api.get("/api/v1/system").json["host"]["value"] == {"hostname": "nas-test"}
    assert api.get("/api/v1/system").json["system"]["value"]["uptime_seconds"] == 93784
    assert api.get("/api/v1/storage/pools").json["value"]["pools"][0]["name"] == "tank"
    assert api.get("/api/v1/storage/disks").json["value"][0]["path"] == "/dev/loop7"


def test_readings_say_stale_when_salt_fails(api, salt):
    salt.fail = RuntimeError("salt is down")
    body = api.get("/api/v1/storage/pools").json
    assert body["stale"] is True and body["value"] is None and "salt is down" in body["problem"]


def test_shares_say_what_each_serves_and_whether_its_server_runs(api, salt):
    body = api.get("/api/v1/shares").json
    assert body["stale"] is False and salt.count("sigmavault_shares.status") == 1
    smb, nfs = body["value"]["smb"], body["value"]["nfs"]
    assert smb["running"] is True and smb["shares"][0]["path"] == "/srv/tank/media"
    assert nfs["server"] == "NFS-Ganesha" and nfs["running"] is False and nfs["exports"][0]["name"] == "backups"


@pytest.mark.parametrize("domain", ["compression", "encryption"])   # agents: test_agents_api.py
def test_capability_domains_answer_with_what_is_declared_and_whether_the_schema_has_keys(api, domain):
    from sigmavault.schema.loader import load_schema
    body = api.get(f"/api/v1/{domain}").json
    defined = bool(load_schema()["sigmavault"]["schema"][domain].get("schema"))
    assert body["domain"] == domain and body["available"] is defined and body["declared"] == {}


def test_pillar_get_has_an_etag_and_if_none_match_gives_304(api):
    response = api.get("/api/v1/pillar")
    assert response.json["document"]["storage"]["pools"]["tank"]["devices"] == ["d0"]
    assert response.headers["ETag"] == response.json["etag"]
    assert api.get("/api/v1/pillar", headers={"If-None-Match": response.headers["ETag"]}).status_code == 304


def with_photos() -> dict:
    document = yaml.safe_load(yaml.safe_dump(PILLAR["sigmavault"]))
    document["storage"]["pools"]["tank"]["datasets"]["photos"] = {"quota": "2G"}
    return document


def test_pillar_put_needs_if_match(api):
    response = api.put("/api/v1/pillar", json={"document": with_photos()})
    assert response.status_code == 428 and "If-Match" in response.json["error"]["message"]


def test_pillar_put_saves_and_the_second_writer_gets_409(api, site):
    etag = api.get("/api/v1/pillar").headers["ETag"]
    saved = api.put("/api/v1/pillar", json={"document": with_photos(), "message": "photos"}, headers={"If-Match": etag})
    assert saved.status_code == 200 and saved.headers["ETag"] != etag
    conflict = api.put("/api/v1/pillar", json={"document": PILLAR["sigmavault"]}, headers={"If-Match": etag})
    assert conflict.status_code == 409 and conflict.json["error"]["etag"] == saved.headers["ETag"]
    assert "photos" in (site.pillar_dir / "sigmavault.sls").read_text()
    versions = api.get("/api/v1/pillar/versions").json["versions"]
    assert versions[0]["message"] == "photos" and versions[0]["author"] == "ci (API token of alice)"


def test_pillar_put_refuses_an_invalid_pillar_with_key_paths(api):
    etag = api.get("/api/v1/pillar").headers["ETag"]
    document = with_photos()
    document["storage"]["pools"]["tank"]["datasets"]["Bad!"] = {}
    response = api.put("/api/v1/pillar", json={"document": document}, headers={"If-Match": etag})
    assert response.status_code == 422
    assert response.json["error"]["errors"][0]["path"] == "sigmavault.storage.pools.tank.datasets['Bad!']"


def test_pillar_put_takes_yaml_text_too(api, site):
    etag = api.get("/api/v1/pillar").headers["ETag"]
    text = yaml.safe_dump({"sigmavault": with_photos()})
    assert api.put("/api/v1/pillar", json={"text": text}, headers={"If-Match": etag}).status_code == 200
    assert (site.pillar_dir / "sigmavault.sls").read_text() == text


def test_validate_answers_without_writing(api, site):
    before = (site.pillar_dir / "sigmavault.sls").read_text()
    assert api.post("/api/v1/pillar/validate", json={"document": with_photos()}).json == {"valid": True, "errors": []}
    bad = api.post("/api/v1/pillar/validate", json={"text": "sigmavault: {storage: {pools: 3}}"}).json
    assert bad["valid"] is False and bad["errors"][0]["path"] == "sigmavault.storage.pools"
    assert (site.pillar_dir / "sigmavault.sls").read_text() == before


def test_plan_and_apply_start_jobs_and_jobs_can_be_read(app, api):
    plan = api.post("/api/v1/plan")
    assert plan.status_code == 202 and plan.headers["Location"].endswith(f"/api/v1/jobs/{plan.json['job']['id']}")
    app.extensions["sigmavault"].runner.wait_idle(5)
    job = api.get(plan.headers["Location"]).json["job"]
    assert job["status"] == "succeeded" and job["states"][2]["would"] == ["create subvolume tank/photos"]
    assert api.post("/api/v1/apply").status_code == 202
    app.extensions["sigmavault"].runner.wait_idle(5)
    assert [j["kind"] for j in api.get("/api/v1/jobs").json["jobs"]] == ["apply", "preview"]


def test_second_apply_is_refused_with_the_running_job(app, api, salt):
    import threading
    salt.release_apply = threading.Event()
    first = api.post("/api/v1/apply")
    second = api.post("/api/v1/apply")
    assert second.status_code == 409 and second.json["error"]["job"] == first.json["job"]["id"]
    salt.release_apply.set()


def test_rollback_via_api(app, api, site):
    etag = api.get("/api/v1/pillar").headers["ETag"]
    api.put("/api/v1/pillar", json={"document": with_photos()}, headers={"If-Match": etag})
    response = api.post("/api/v1/pillar/rollback")
    assert response.status_code == 202 and response.json["job"]["kind"] == "rollback"
    app.extensions["sigmavault"].runner.wait_idle(5)
    assert "photos" not in (site.pillar_dir / "sigmavault.sls").read_text()
    assert api.post("/api/v1/pillar/rollback", json={"version": "abc123"}).status_code == 404


def test_tokens_api_creates_lists_and_revokes(api, client):
    made = api.post("/api/v1/tokens", json={"name": "backup", "role": "viewer"})
    assert made.status_code == 201 and made.json["secret"].startswith("svt_")
    reader = {"Authorization": f"Bearer {made.json['secret']}"}
    assert client.get("/api/v1/pillar", headers=reader).status_code == 200
    assert "backup" in [t["name"] for t in api.get("/api/v1/tokens").json["tokens"]]
    assert api.delete(f"/api/v1/tokens/{made.json['token']['id']}").status_code == 204
    assert client.get("/api/v1/pillar", headers=reader).status_code == 401
    assert api.delete(f"/api/v1/tokens/{made.json['token']['id']}").status_code == 404


def test_api_errors_are_json(api):
    assert api.get("/api/v1/nope").json["error"]["status"] == 404
    assert api.delete("/api/v1/pillar").json["error"]["status"] == 405
    assert api.get("/api/v1/jobs/12345").json["error"]["status"] == 404
    assert api.post("/api/v1/pillar/validate", data="x", content_type="text/plain").status_code == 415
    assert api.post("/api/v1/pillar/validate", data="[1", content_type="application/json").status_code == 400


@pytest.mark.parametrize("body, says", [
    ({"document": {}, "text": "sigmavault: {}\n"}, "either"),
    ({"docment": {}}, "unknown field 'docment'"),
    ({"text": "sigmavault: {}\n", "message": 5}, "message: must be a string"),
    ({"text": None}, "text: must be a string")])
def test_pillar_bodies_are_held_to_the_documented_fields(api, body, says):
    response = api.post("/api/v1/pillar/validate", json=body)
    assert response.status_code == 422 and says in response.json["error"]["message"]


def test_token_names_follow_the_documented_pattern(api):
    assert api.post("/api/v1/tokens", json={"name": "-"}).status_code == 201
    assert api.post("/api/v1/tokens", json={"name": "a\n"}).status_code == 422


@pytest.mark.parametrize("query", ["job=x", "after=true", "job=1&job=2", "after=-1"])
def test_event_stream_refuses_a_query_that_is_not_a_number(api, query):
    assert api.get(f"/api/v1/events?{query}").status_code == 400
