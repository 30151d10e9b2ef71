"""The panel takes the pillar as data only: a renderer line, Jinja, an alias bomb or deep nesting is refused
on every way in (raw editor, forms, PUT /api/v1/pillar, validate) with a message naming the file, and the
file on disk is left as it was. Salt's own refusal of such a file is tested in tests/system."""

import json

import pytest

from tests.panel.test_editor import COLLECTION, post_storage, raw_save
from tests.unit.test_pillar_text import ALIAS_BOMB, POLYGLOT_PY

HOSTILE = {
    "py": POLYGLOT_PY,
    "jinja": "#!jinja|yaml\nsigmavault:\n  system:\n    hostname: {{ salt['cmd.run']('touch MARKER') }}\n",
    "mako": "#!mako|yaml\n<% import os; os.system('touch MARKER') %>\nsigmavault: {}\n",
    "pyobjects": "#!pyobjects\nFile.managed('MARKER')\n",
}


def on_disk(site) -> str:
    return (site.pillar_dir / "sigmavault.sls").read_text()


def put_text(api, text: str):
    etag = api.get("/api/v1/pillar").headers["ETag"]
    return api.put("/api/v1/pillar", json={"text": text}, headers={"If-Match": etag})


@pytest.mark.parametrize("kind", HOSTILE)
def test_the_raw_editor_refuses_code_naming_the_file_and_writes_nothing(admin, site, kind):
    before = on_disk(site)
    response = raw_save(admin, site, HOSTILE[kind].replace("MARKER", str(site.pillar_dir / "MARKER")))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "sigmavault.sls" in html and "plain YAML data" in html
    assert on_disk(site) == before and not (site.pillar_dir / "MARKER").exists()


@pytest.mark.parametrize("kind", HOSTILE)
def test_put_pillar_refuses_code_naming_the_file_and_writes_nothing(api, site, kind):
    before = on_disk(site)
    response = put_text(api, HOSTILE[kind])
    assert response.status_code == 422
    [error] = response.json["error"]["errors"]
    assert error["path"] == "sigmavault.sls" and "plain YAML data" in error["message"]
    assert on_disk(site) == before


@pytest.mark.parametrize("kind", HOSTILE)
def test_validate_says_code_is_refused(api, kind):
    response = api.post("/api/v1/pillar/validate", json={"text": HOSTILE[kind]})
    assert response.status_code == 200 and response.json["valid"] is False
    assert response.json["errors"][0]["path"] == "sigmavault.sls"


def test_an_alias_bomb_is_refused_without_being_expanded(api, site):
    before = on_disk(site)
    response = put_text(api, ALIAS_BOMB.replace("a:", "sigmavault: {}\na:", 1))
    assert response.status_code == 422
    assert "holds more than" in response.json["error"]["errors"][0]["message"]
    assert on_disk(site) == before


def test_deep_yaml_text_is_refused_with_422(api, site):
    response = put_text(api, "sigmavault: " + "[" * 2000 + "]" * 2000 + "\n")
    assert response.status_code == 422
    assert "nests deeper than" in response.json["error"]["errors"][0]["message"]


def test_a_json_body_nested_past_the_decoder_answers_400_with_a_message(api):
    etag = api.get("/api/v1/pillar").headers["ETag"]
    body = '{"document": ' + '{"a": ' * 100_000 + "1" + "}" * 100_000 + "}"
    response = api.put("/api/v1/pillar", data=body, content_type="application/json", headers={"If-Match": etag})
    assert response.status_code == 400 and "nests too deeply" in response.json["error"]["message"]


def test_a_document_nested_hundreds_deep_answers_422_with_a_message(api, site):
    before = on_disk(site)
    etag = api.get("/api/v1/pillar").headers["ETag"]
    document: dict = {"system": {}}
    inner = document["system"]
    for _ in range(500):
        inner["x"] = {}
        inner = inner["x"]
    response = api.put("/api/v1/pillar", json={"document": document}, headers={"If-Match": etag})
    assert response.status_code == 422 and "nests deeper than" in response.json["error"]["message"]
    assert api.post("/api/v1/pillar/validate", json={"document": document}).status_code == 422
    assert on_disk(site) == before


def test_a_form_field_name_nested_deep_answers_422_with_a_message(admin, site):
    before = on_disk(site)
    name = "v:" + "[" * 100_000 + "]" * 100_000
    response = post_storage(admin, {name: "x"})
    assert response.status_code == 422 and "nests deeper than" in response.get_data(as_text=True)
    long_path = "v:" + json.dumps(["storage"] * 500)
    response = post_storage(admin, {long_path: "x"})
    assert response.status_code == 422
    assert on_disk(site) == before


def test_the_panel_writes_plain_yaml_without_a_renderer_line(admin, site):
    text = on_disk(site)
    assert raw_save(admin, site, text.replace("/srv/tank", "/srv/vault")).status_code == 302
    assert not on_disk(site).startswith("#!")
    assert post_storage(admin, {f"nn:{COLLECTION}": "photos"}).status_code == 302
    assert "photos" in on_disk(site) and not on_disk(site).startswith("#!")


def test_a_file_with_the_header_older_panels_wrote_is_still_read_and_edited(api, site):
    (site.pillar_dir / "sigmavault.sls").write_text("#!yaml|sigmavault_sealed\n" + on_disk(site))
    snapshot = api.get("/api/v1/pillar").json
    assert snapshot["problem"] is None and snapshot["document"]["storage"]["pools"]["tank"]
    etag = api.get("/api/v1/pillar").headers["ETag"]
    saved = api.put("/api/v1/pillar", json={"document": snapshot["document"]}, headers={"If-Match": etag})
    assert saved.status_code == 200 and not on_disk(site).startswith("#!")
