"""Compression jobs run as root: a job whose source or target lies outside the pools, in words or through a
symlink inside a pool, is refused by validate, apply and `compress run`, and nothing is read or written.

"Nothing read" is measured: the file outside the pool sits on a tmpfs mounted with strictatime, where every
read moves its access time; the test ends by reading it once itself to show the measure can fail."""

import json
import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.system.conftest import disks_pillar
from tests.system.loopdisks import sh

LONG_AGO = 1_000_000_000  # 2001: any read on a strictatime mount moves the access time past it
ALLOWED = "a job reads and writes only a dataset (pool/dataset) or a folder inside a pool's mountpoint"


def pillar(box, images, jobs: dict | None = None) -> dict:
    pool = {"devices": ["d0"], "mountpoint": box.path("tank"), "datasets": {"docs": {}}}
    return {"storage": {"disks": disks_pillar(images), "pools": {"tank": pool}}, "compression": {"jobs": jobs or {}}}


@contextmanager
def outside_folder(box) -> Iterator[Path]:
    """A folder outside every pool, on a strictatime tmpfs, holding secret.txt last read long ago."""
    folder = box.root / "outside"
    folder.mkdir()
    sh("mount", "-t", "tmpfs", "-o", "size=4m,mode=0700,strictatime", "tmpfs", str(folder))
    try:
        (folder / "secret.txt").write_text("root:$y$j9T$not-for-any-job:19000:0:99999:7:::\n")
        os.utime(folder / "secret.txt", (LONG_AGO, LONG_AGO))
        yield folder
    finally:
        sh("umount", str(folder))


def no_traceback(run: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    assert "Traceback" not in run.stdout + run.stderr
    return run


def assert_nothing_ran(box, *folders: Path) -> None:
    """No job was recorded or started, and each folder (inside the pool or not) holds what it held."""
    assert json.loads(box.cli("compress", "list", "--json").stdout) == []
    assert not (box.site.state_dir / "compression" / "progress").exists()
    for folder in folders:
        assert not folder.exists() or list(folder.iterdir()) == []


def test_a_job_with_a_system_source_is_refused_everywhere_and_nothing_is_written(box):
    images = box.disks.make(1)
    box.write_pillar(pillar(box, images))
    assert box.cli("apply").returncode == 0
    archives = Path(box.path("tank"), "archives")
    box.write_pillar(pillar(box, images, {"steal": {"source": "/etc/shadow", "target": str(archives)}}))
    refusal = (f"sigmavault.compression.jobs.steal.source: /etc/shadow is outside every pool; {ALLOWED} "
               f"({box.path('tank')})")

    validate = no_traceback(box.cli("validate"))
    run = no_traceback(box.cli("compress", "run", "steal"))
    apply = no_traceback(box.cli("apply"))

    assert validate.returncode == 1 and refusal in " ".join(validate.stdout.split())
    assert run.returncode == 1 and f"refused: {refusal}" in run.stderr
    assert apply.returncode != 0 and not archives.exists()  # apply made not even the job's folder
    assert_nothing_ran(box, archives)
    box.write_pillar(pillar(box, images))
    adhoc = no_traceback(box.cli("compress", "run", "--source", "/etc/shadow", "--target", str(archives)))
    assert adhoc.returncode == 1
    assert f"refused: adhoc.source: /etc/shadow is outside every pool; {ALLOWED}" in adhoc.stderr
    restore = no_traceback(box.cli("compress", "restore", str(Path(box.path("tank"), "docs")), "/etc/cron.d/job"))
    assert restore.returncode == 1
    assert "refused: restore.target: /etc/cron.d/job is outside every pool" in restore.stderr
    assert_nothing_ran(box, archives)


def test_symlinks_that_lead_out_of_a_pool_are_refused_and_nothing_is_read_or_written(box):
    images = box.disks.make(1)
    box.write_pillar(pillar(box, images))
    assert box.cli("apply").returncode == 0
    tank = Path(box.path("tank"))
    with outside_folder(box) as outside:
        secret = outside / "secret.txt"
        (tank / "escape").symlink_to(outside)  # reads out of the pool
        (tank / "spill").symlink_to(outside)  # writes out of the pool
        (tank / "docs" / "note.txt").write_text("inside the pool\n")
        jobs = {"leak": {"source": str(tank / "escape"), "target": str(tank / "archives")},
                "dump": {"source": "tank/docs", "target": str(tank / "spill" / "archives")}}
        box.write_pillar(pillar(box, images, jobs))

        validate = no_traceback(box.cli("validate"))  # the words are inside the pool: only the box tells
        apply = box.highstate()["prepare_compression_jobs"]
        leak = no_traceback(box.cli("compress", "run", "leak"))
        dump = no_traceback(box.cli("compress", "run", "dump"))

        assert validate.returncode == 0, validate.stdout
        assert apply.result is False and apply.changes == {}
        assert f"sigmavault.compression.jobs.leak: {tank / 'escape'} resolves to {outside}, outside every pool" \
            in apply.comment
        assert leak.returncode == 1
        assert f"refused: {tank / 'escape'} resolves to {outside}, outside every pool ({tank})" in leak.stderr
        assert "Nothing was read or written" in leak.stderr
        assert dump.returncode == 1 and f"resolves to {outside / 'archives'}, outside every pool" in dump.stderr
        assert sorted(p.name for p in outside.iterdir()) == ["secret.txt"]
        assert not (tank / "archives").exists()
        assert_nothing_ran(box)
        assert os.stat(secret).st_atime == LONG_AGO  # never read
        secret.read_bytes()
        assert os.stat(secret).st_atime != LONG_AGO  # and a read would have shown


def test_a_job_under_an_unmounted_pool_is_refused_and_nothing_is_read_or_written(box):
    images = box.disks.make(1)
    tank = Path(box.path("tank"))
    jobs = {"nightly": {"source": "tank/docs", "target": str(tank / "archives")}}
    box.write_pillar(pillar(box, images, jobs))
    assert box.cli("apply").returncode == 0
    assert (tank / "archives").is_dir()  # the converge made the job's folder on the mounted pool
    sh("umount", str(tank))
    # Beneath the mountpoint lies the host's own folder: what a job would read if it trusted the path.
    (tank / "docs").mkdir(parents=True)
    (tank / "docs" / "host.conf").write_text("the host's own file, not the pool's\n")
    refusal = f"{tank / 'docs'} lies under {tank}, but {tank} is not the pool's mounted file system (the pool is " \
              "not mounted there"

    run = no_traceback(box.cli("compress", "run", "nightly"))
    adhoc = no_traceback(box.cli("compress", "run", "--source", str(tank / "docs"), "--target", str(tank / "a")))

    assert run.returncode == 1 and f"refused: nightly.source: {refusal}" in " ".join(run.stderr.split())
    assert adhoc.returncode == 1 and f"refused: adhoc.source: {refusal}" in " ".join(adhoc.stderr.split())
    assert "Nothing was read or written" in run.stderr
    assert sorted(p.name for p in tank.iterdir()) == ["docs"]  # no archive folder on the host
    assert_nothing_ran(box)
