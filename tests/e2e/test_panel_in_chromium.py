"""The owner's path in real Chromium: sign in, add a dataset, see a bad name refused, preview, apply live,
find the subvolume on disk, roll back. Screenshots of each step go to build/e2e/<test>/."""

import re
import subprocess

import yaml
from playwright.sync_api import expect

DATASETS = "sigmavault.storage.pools.tank.datasets"
JOB_TIMEOUT = 120_000


def sign_in(page, url: str, account) -> None:
    page.goto(f"{url}/login")
    page.shots("login")
    page.fill("#username", account.user)
    page.fill("#password", account.password)
    page.click("button[type=submit]")
    expect(page.locator("header .who")).to_contain_text(f"{account.user} (admin)")


def add_dataset(page, name: str, quota: str = "") -> None:
    box = page.locator(f'details[data-collection="{DATASETS}"]')
    if box.get_attribute("open") is None:
        box.locator("summary").click()
    box.get_by_label("name", exact=True).fill(name)
    box.get_by_label("quota", exact=True).fill(quota)
    page.click("#save")


def wait_for_job(page, status: str = "succeeded") -> None:
    expect(page.locator("#job-status")).to_have_text(status, timeout=JOB_TIMEOUT)


def test_owner_adds_a_dataset_previews_applies_live_and_rolls_back(page, panel_url, nas, account):
    sign_in(page, panel_url, account)
    # Until Salt has answered the dashboard says "stale — nothing read yet" and reloads itself: wait for it.
    expect(page.locator('article[data-pool="tank"] .badge')).to_have_text("mounted", timeout=JOB_TIMEOUT)
    page.shots("dashboard")

    page.goto(f"{panel_url}/pillar/storage")
    add_dataset(page, "Bad Name")
    error = page.locator(f"[data-error-for=\"{DATASETS}['Bad Name']\"]")
    expect(error).to_contain_text("is not allowed")
    expect(page.locator("#refused")).to_be_visible()
    page.shots("invalid-name-refused")
    assert "Bad Name" not in nas.pillar_file.read_text()

    add_dataset(page, "photos", "64M")
    expect(page.locator(".flash")).to_contain_text("Saved as version")
    page.shots("saved")
    assert yaml.safe_load(nas.pillar_file.read_text())["sigmavault"]["storage"]["pools"]["tank"]["datasets"] \
        ["photos"]["quota"] == "64M"

    page.click("#preview")
    wait_for_job(page)
    change = page.locator('tr[data-state="converge_dataset_tank_photos"]')
    expect(change).to_contain_text("would change")
    expect(change).to_contain_text("would create")
    page.shots("preview")
    assert subprocess.run(["btrfs", "subvolume", "show", str(nas.mountpoint / "photos")],
                          capture_output=True).returncode != 0   # a preview changes nothing

    page.click("#apply")
    expect(page.locator("#job-status")).to_have_text("running")
    expect(page.locator("#progress li").first).to_be_visible(timeout=JOB_TIMEOUT)
    assert page.locator("#job-status").inner_text() == "running"   # progress arrived live, before the end
    page.shots("apply-live-progress")
    wait_for_job(page)
    expect(page.locator("#summary-line")).to_contain_text("1 changed")
    expect(page.locator('tr[data-state="converge_dataset_tank_photos"]')).to_contain_text("changed")
    page.shots("apply-done")
    show = subprocess.run(["btrfs", "subvolume", "show", str(nas.mountpoint / "photos")], capture_output=True,
                          text=True)
    assert show.returncode == 0, show.stderr

    page.goto(panel_url + "/")
    expect(page.locator('tr[data-dataset="photos"]')).to_contain_text("64.0 MiB", timeout=JOB_TIMEOUT)
    page.shots("dashboard-with-photos")

    page.goto(f"{panel_url}/pillar/")
    page.click("#rollback")
    wait_for_job(page)
    expect(page.locator("#progress li").first).to_contain_text("pillar restored from version")
    page.shots("rolled-back")
    assert "photos" not in yaml.safe_load(nas.pillar_file.read_text())["sigmavault"]["storage"]["pools"]["tank"] \
        ["datasets"]
    log = subprocess.run(["git", "-C", str(nas.site.pillar_dir), "log", "--format=%an|%s"], capture_output=True,
                         text=True, check=True).stdout.splitlines()
    assert log[0].startswith(f"{account.user}|Roll back to ") and log[1] == f"{account.user}|Edit storage in the form"


def test_signed_out_browser_is_sent_to_sign_in_and_a_wrong_password_is_refused(page, panel_url, account):
    page.goto(f"{panel_url}/pillar/storage")
    assert re.search(r"/login\?next=/pillar/storage", page.url)
    page.fill("#username", account.user)
    page.fill("#password", "not-the-password")
    page.click("button[type=submit]")
    expect(page.locator("#login-error")).to_have_text("wrong user name or password")
    page.shots("wrong-password")
