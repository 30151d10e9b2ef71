"""The pillar editor pages: forms per domain, the YAML editor, conflicts, history and rollback."""

import json
import re
import subprocess

import yaml
from werkzeug.datastructures import MultiDict

from tests.panel.conftest import form_token

COLLECTION = json.dumps(["storage", "pools", "tank", "datasets"])


def form_fields(html: str) -> list[tuple[str, str]]:
    """The form as the browser would post it (text inputs, selects' chosen option, hidden fields)."""
    fields = []
    for tag in re.finditer(r"<input ([^>]*)>", html):
        attrs = dict(re.findall(r'(\w[\w-]*)="([^"]*)"', tag.group(1)))
        if "name" not in attrs or attrs.get("type") == "checkbox" and "checked" not in tag.group(1):
            continue
        fields.append((unescape(attrs["name"]), unescape(attrs.get("value", ""))))
    for select in re.finditer(r'<select id="[^"]*" name="([^"]*)">(.*?)</select>', html, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected>', select.group(2))
        fields.append((unescape(select.group(1)), chosen.group(1) if chosen else ""))
    return fields


def unescape(text: str) -> str:
    return text.replace("&#34;", '"').replace("&quot;", '"').replace("&lt;", "<").replace("&gt;", ">") \
        .replace("&#39;", "'").replace("&amp;", "&")


def post_storage(client, extra: dict, html: str | None = None):
    html = html or client.get("/pillar/storage").get_data(as_text=True)
    form = re.search(r'<form method="post" class="pillar-form".*?</form>', html, re.S).group(0)
    data = MultiDict([f for f in form_fields(form) if not f[0].startswith(("nn:", "nv:"))])
    for key, value in extra.items():
        data.setlist(key, [value])
    return client.post("/pillar/storage", data=data)


def pillar_on_disk(site) -> dict:
    return yaml.safe_load((site.pillar_dir / "sigmavault.sls").read_text())["sigmavault"]


def test_storage_form_lists_pools_datasets_and_an_add_box_per_collection(admin):
    html = admin.get("/pillar/storage").get_data(as_text=True)
    assert 'data-key-path="sigmavault.storage.pools.tank.datasets.media"' in html
    assert 'data-collection="sigmavault.storage.pools.tank.datasets"' in html
    assert "Add to datasets of tank" in html


def test_adding_a_dataset_in_the_form_saves_a_version_by_the_signed_in_user(admin, site):
    response = post_storage(admin, {f"nn:{COLLECTION}": "photos", "nv:" + json.dumps(
        [json.loads(COLLECTION), "quota"]): "20G", "message": "Room for photos"})
    assert response.status_code == 302
    assert pillar_on_disk(site)["storage"]["pools"]["tank"]["datasets"]["photos"]["quota"] == "20G"
    log = subprocess.run(["git", "-C", str(site.pillar_dir), "log", "-1", "--format=%an|%s"], capture_output=True,
                         text=True, check=True).stdout.strip()
    assert log == "alice|Room for photos"
    assert "Saved as version" in admin.get(response.headers["Location"]).get_data(as_text=True)


def test_an_invalid_name_is_refused_in_place_and_nothing_is_saved(admin, site):
    before = (site.pillar_dir / "sigmavault.sls").read_text()
    response = post_storage(admin, {f"nn:{COLLECTION}": "Bad Name!"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    error = re.search(r'<p class="error" role="alert" data-error-for="([^"]+)">(.*?)</p>', html, re.S)
    assert unescape(error.group(1)) == "sigmavault.storage.pools.tank.datasets['Bad Name!']"
    assert "is not allowed" in unescape(error.group(2))
    assert 'value="Bad Name!"' in html
    assert '<details class="add" data-collection="sigmavault.storage.pools.tank.datasets" open>' in html
    assert (site.pillar_dir / "sigmavault.sls").read_text() == before


def test_second_writer_gets_a_conflict_not_a_lost_update(app, admin, site):
    first_page = admin.get("/pillar/storage").get_data(as_text=True)
    second_page = admin.get("/pillar/storage").get_data(as_text=True)
    assert post_storage(admin, {f"nn:{COLLECTION}": "photos"}, first_page).status_code == 302
    response = post_storage(admin, {f"nn:{COLLECTION}": "music"}, second_page)
    assert response.status_code == 409
    assert "Someone else saved the pillar first" in response.get_data(as_text=True)
    assert set(pillar_on_disk(site)["storage"]["pools"]["tank"]["datasets"]) == {"media", "photos"}


def test_reserved_domain_says_so_and_has_no_form(admin):
    html = admin.get("/pillar/mesh").get_data(as_text=True)
    assert "reserved" in html and 'id="save"' not in html


def test_unknown_domain_is_404_naming_the_domains(admin):
    response = admin.get("/pillar/nope")
    assert response.status_code == 404 and "storage" in response.get_data(as_text=True)


def test_raw_editor_checks_without_saving(admin, site):
    page = admin.get("/pillar/raw").get_data(as_text=True)
    text = (site.pillar_dir / "sigmavault.sls").read_text()
    response = admin.post("/pillar/raw", data={"csrf_token": form_token(page), "text": text.replace("d0", "zz", 1),
                                               "etag": "x", "action": "check"})
    assert response.status_code == 422
    assert "sigmavault.storage.pools.tank.devices[0]</code>: no disk named" in response.get_data(as_text=True)
    assert (site.pillar_dir / "sigmavault.sls").read_text() == text


def raw_save(client, site, new_text: str, etag: str | None = None):
    page = client.get("/pillar/raw").get_data(as_text=True)
    etag = etag or unescape(re.search(r'name="etag" value="([^"]*)"', page).group(1))
    return client.post("/pillar/raw", data={"csrf_token": form_token(page), "text": new_text, "etag": etag,
                                            "action": "save", "message": "by hand"})


def test_raw_editor_saves_valid_yaml_and_refuses_invalid_with_key_paths(admin, site):
    text = (site.pillar_dir / "sigmavault.sls").read_text()
    assert raw_save(admin, site, text.replace("/srv/tank", "/srv/vault")).status_code == 302
    assert pillar_on_disk(site)["storage"]["pools"]["tank"]["mountpoint"] == "/srv/vault"
    refused = raw_save(admin, site, text.replace("/srv/tank", "relative/path"))
    assert refused.status_code == 422
    assert "sigmavault.storage.pools.tank.mountpoint" in refused.get_data(as_text=True)
    assert pillar_on_disk(site)["storage"]["pools"]["tank"]["mountpoint"] == "/srv/vault"


def test_raw_editor_conflict_keeps_the_users_text_to_copy(admin, site):
    text = (site.pillar_dir / "sigmavault.sls").read_text()
    response = raw_save(admin, site, text + "# mine\n", etag='"stale"')
    assert response.status_code == 409 and "# mine" in response.get_data(as_text=True)


def test_history_lists_versions_and_rollback_restores_and_applies(app, admin, site, salt):
    post_storage(admin, {f"nn:{COLLECTION}": "photos", "message": "Add photos"})
    html = admin.get("/pillar/").get_data(as_text=True)
    assert "Add photos" in html and 'id="rollback"' in html
    previous = app.extensions["sigmavault"].store.versions()[1].id
    response = admin.post("/pillar/rollback", data={"csrf_token": form_token(html), "version": previous})
    assert response.status_code == 302 and "/jobs/" in response.headers["Location"]
    app.extensions["sigmavault"].runner.wait_idle(5)
    assert "photos" not in pillar_on_disk(site)["storage"]["pools"]["tank"]["datasets"]
    assert salt.count("state.apply") == 1
    job = app.extensions["sigmavault"].runner.recent()[0]
    assert job.kind == "rollback" and job.status == "succeeded"
    assert job.progress[0]["name"].startswith(f"pillar restored from version {previous[:10]}")


def test_rollback_without_history_says_there_is_nothing_to_roll_back_to(admin):
    page = admin.get("/pillar/").get_data(as_text=True)
    response = admin.post("/pillar/rollback", data={"csrf_token": form_token(page)})
    assert response.status_code == 409 and "no earlier version" in response.get_data(as_text=True)


def test_rollback_to_an_unknown_version_is_404(admin):
    post_storage(admin, {f"nn:{COLLECTION}": "photos"})
    page = admin.get("/pillar/").get_data(as_text=True)
    response = admin.post("/pillar/rollback", data={"csrf_token": form_token(page), "version": "deadbeef"})
    assert response.status_code == 404


def test_a_version_can_be_read(app, admin):
    post_storage(admin, {f"nn:{COLLECTION}": "photos"})
    version = app.extensions["sigmavault"].store.versions()[0].id
    assert "photos" in admin.get(f"/pillar/versions/{version}").get_data(as_text=True)
    assert admin.get("/pillar/versions/not-hex").status_code == 404


def test_templated_pillar_file_is_shown_but_not_edited_in_forms(admin, site):
    (site.pillar_dir / "sigmavault.sls").write_text("{% set x = 1 %}\nsigmavault: {}\n")
    html = admin.get("/pillar/storage").get_data(as_text=True)
    assert "template marker" in html and 'id="save"' not in html


def test_a_secret_is_never_shown_in_the_form_and_the_form_keeps_it(admin, site):
    document = pillar_on_disk(site)
    document["users"] = {"accounts": {"alice": {"smb_password": "never-in-a-page-1"}}}
    (site.pillar_dir / "sigmavault.sls").write_text(yaml.safe_dump({"sigmavault": document}))
    html = admin.get("/pillar/users").get_data(as_text=True)
    assert "never-in-a-page-1" not in html
    assert "smb_password</strong>: set" in html
    assert "sigmavault seal FILE sigmavault.users.accounts.alice.smb_password" in html
    form = re.search(r'<form method="post" class="pillar-form".*?</form>', html, re.S).group(0)
    data = MultiDict([f for f in form_fields(form) if not f[0].startswith(("nn:", "nv:"))])
    data.setlist("v:" + json.dumps(["users", "accounts", "alice", "full_name"]), ["Alice Doe"])
    response = admin.post("/pillar/users", data=data)
    assert "never-in-a-page-1" not in response.get_data(as_text=True)
    saved = pillar_on_disk(site)["users"]["accounts"]["alice"]
    assert saved["full_name"] == "Alice Doe" and saved["smb_password"] == "never-in-a-page-1"
