"""The dashboard: the box through Salt, and a panel that answers even when Salt does not."""

import threading


def test_dashboard_shows_host_system_disks_pools_and_datasets(admin):
    html = admin.get("/").get_data(as_text=True)
    assert "nas-test" in html                       # host name (grain)
    assert "1 d 2 h 3 min" in html                  # uptime 93784 s
    assert "0.25 0.50 0.75" in html                 # load
    assert "1000.0 MiB used of 2.0 GiB" in html     # memory
    assert "/dev/loop7" in html and "btrfs" in html  # disk inventory
    assert 'data-pool="tank"' in html and 'data-dataset="media"' in html and "16.0 KiB" in html


def test_dashboard_lists_smb_shares_and_nfs_exports_with_their_servers(admin):
    html = admin.get("/").get_data(as_text=True)
    assert 'data-smb-share="media"' in html and "/srv/tank/media" in html and "alice" in html
    assert 'data-nfs-export="backups"' in html and "10.0.0.0/8 (rw)" in html
    assert "smbd running" in html and "NFS-Ganesha not running" in html


def test_dashboard_says_when_no_share_is_declared(admin, salt):
    salt.answers["sigmavault_shares.status"] = {
        "valid": True, "smb": {"server": "smbd", "running": False, "shares": []},
        "nfs": {"backend": "kernel", "server": "kernel nfsd", "running": False, "exports": []}}
    html = admin.get("/").get_data(as_text=True)
    assert "no SMB shares declared" in html and "no NFS exports declared" in html


def test_dashboard_reads_salt_once_within_the_cache_time(admin, salt):
    admin.get("/")
    admin.get("/")
    assert salt.count("status.all_status") == 1 and salt.count("sigmavault_storage.status") == 1


def test_dashboard_answers_within_the_wait_when_salt_hangs_and_says_so(admin, salt):
    salt.hang = threading.Event()
    response = admin.get("/")
    assert not salt.hang.is_set()   # answered while every salt-call is still hanging
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Salt did not answer within 0.5 s" in html and "nothing read yet" in html
    assert '<meta http-equiv="refresh" content="5">' in html   # the page asks again by itself
    salt.hang.set()


def test_a_dashboard_with_fresh_readings_does_not_reload_itself(admin):
    assert 'http-equiv="refresh"' not in admin.get("/").get_data(as_text=True)


def test_dashboard_shows_the_last_values_marked_stale_when_salt_fails(app, admin, salt):
    admin.get("/")
    app.extensions["sigmavault"].reader.invalidate()
    salt.fail = RuntimeError("salt-call: minion crashed")
    html = admin.get("/").get_data(as_text=True)
    assert "nas-test" in html and "stale" in html and "minion crashed" in html


def test_breaker_opens_after_repeated_failures_and_the_page_says_when_salt_is_asked_again(app, admin, salt):
    salt.fail = RuntimeError("down")
    admin.get("/")
    html = admin.get("/").get_data(as_text=True)
    assert "Salt is not answering" in html
    calls = len(salt.calls)
    admin.get("/")
    assert len(salt.calls) == calls


def test_salt_error_reply_is_a_stale_reading_with_salts_message(app, admin, salt):
    salt.answers["sigmavault_storage.status"] = None
    html = admin.get("/").get_data(as_text=True)
    assert "sigmavault_storage.status failed: ERROR|no such function" in html


def test_a_disk_without_a_signature_but_with_data_is_not_called_blank(admin, salt):
    salt.answers["grains.item"] = {**salt.answers["grains.item"], "sigmavault_disks": [
        {"name": "loop8", "path": "/dev/loop8", "size_bytes": 1 << 30, "backing_file": None, "signature": None,
         "data_found": "non-zero data in the first MiB (at byte 0)", "mounted_at": []},
        {"name": "loop9", "path": "/dev/loop9", "size_bytes": 1 << 30, "backing_file": None, "signature": None,
         "data_found": None, "mounted_at": []}]}
    html = admin.get("/").get_data(as_text=True)
    assert "holds data (non-zero data in the first MiB (at byte 0))" in html
    assert html.count(">blank<") == 1
