"""The owner shares a pool over SMB from the panel in real Chromium: a bad share name is refused in place,
the preview names the SMB state, apply starts smbd with the share, roll back takes it away again.
Screenshots go to build/e2e/<test>/.

Named to run first among the browser tests: after two other Chromium sessions in the same process this
one hung closing its browser (inside the private network namespace); the cause is not found yet."""

import subprocess

from playwright.sync_api import expect

from tests.e2e.test_panel_in_chromium import sign_in, wait_for_job

SMB = "sigmavault.shares.smb"


def add_share(page, name: str) -> None:
    box = page.locator(f'details[data-collection="{SMB}"]')
    if box.get_attribute("open") is None:
        box.locator("summary").click()
    box.get_by_label("name", exact=True).fill(name)
    box.get_by_label("dataset").fill("tank")   # its label carries the required mark
    box.get_by_label("guest", exact=True).check()
    box.get_by_label("read_only", exact=True).check()
    page.click("#save")


def share_list() -> str:
    return subprocess.run(["smbclient", "-L", "//127.0.0.1", "-N"], capture_output=True, text=True).stdout


def test_owner_adds_a_guest_share_applies_it_and_rolls_it_back(private_host, page, panel_url, nas, account):
    (nas.mountpoint / "readme.txt").write_text("shared from the panel\n")
    sign_in(page, panel_url, account)
    page.goto(f"{panel_url}/pillar/shares")
    add_share(page, "public]\n[global")
    expect(page.locator(f'[data-error-for^="{SMB}["]')).to_contain_text("is not allowed")
    expect(page.locator("#refused")).to_be_visible()
    page.shots("bad-share-name-refused")
    assert "global" not in nas.pillar_file.read_text()

    add_share(page, "public")
    expect(page.locator(".flash")).to_contain_text("Saved as version")
    page.click("#preview")
    wait_for_job(page)
    expect(page.locator('tr[data-state="converge_smb_shares"]')).to_contain_text("would change")
    page.shots("share-preview")
    assert "public" not in share_list()    # a preview changes nothing

    page.click("#apply")
    wait_for_job(page)
    expect(page.locator('tr[data-state="converge_smb_shares"]')).to_contain_text("changed")
    page.shots("share-applied")
    assert "public" in share_list()
    listing = subprocess.run(["smbclient", "//127.0.0.1/public", "-N", "-c", "ls"], capture_output=True, text=True)
    assert "readme.txt" in listing.stdout, listing.stdout

    page.goto(f"{panel_url}/pillar/")
    page.click("#rollback")
    wait_for_job(page)
    page.shots("share-rolled-back")
    assert "[public]" not in (nas.site.etc / "samba" / "smb.conf").read_text()
    assert "public" not in share_list()
