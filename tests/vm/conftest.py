"""The VM tier: one SigmaVault box booted from the image `make iso` built, shared by the tests of a session.

The box gets five blank data disks and the owner's pillar on a medium labelled SVPILLAR (tests/vm/box_pillar.py);
its first boot converges to that pillar. Tests reach it with `box.ssh(...)` and `box.ports` (tests/vm/README.md).
"""

import secrets
from pathlib import Path

import pytest

from sigmavault import tree
from tests.vm.boxes import recovery_key, start_box, wait_until_converged

ARCH = "amd64"


def pytest_collection_modifyitems(config, items):
    # One box per session, and a boot under TCG takes minutes: the per-test limit is generous. Tests with
    # their own guest run before the shared box starts, so two guests never share the two cores.
    for item in items:
        item.add_marker(pytest.mark.timeout(3600))
    items.sort(key=lambda item: "box" in getattr(item, "fixturenames", ()))


@pytest.fixture(scope="session")
def iso() -> Path:
    path = tree.root() / "build" / f"sigmavault-{ARCH}.iso"
    if not path.exists():
        pytest.fail(f"{path} is missing: `make test-vm` builds it (or run `make iso`)")
    return path


@pytest.fixture(scope="session")
def smb_password() -> str:
    return "Vm-" + secrets.token_urlsafe(12)


@pytest.fixture(scope="session")
def vm_work() -> Path:
    work = tree.root() / "build" / "vm"
    work.mkdir(parents=True, exist_ok=True)
    return work


@pytest.fixture(scope="session")
def recovery(vm_work) -> tuple[Path, str]:
    """The owner's offline recovery key (file on the host, recipient in the box's pillar)."""
    return recovery_key(vm_work)


@pytest.fixture(scope="session")
def box(iso, vm_work, smb_password, recovery):
    guest = start_box(iso, vm_work, smb_password, recovery_recipient=recovery[1])
    try:
        wait_until_converged(guest)
        yield guest
    finally:
        guest.stop()
