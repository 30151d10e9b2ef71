# The verbs a NAS owner and CI type. Everything runs as root on Debian 12 (bookworm) or 13 (trixie).
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
DEMO_DIR := /var/lib/sigmavault-demo
DEMO_ENV := SIGMAVAULT_STATE_DIR=$(DEMO_DIR)/state SIGMAVAULT_FSTAB=$(DEMO_DIR)/fstab
# Debian packages the box and the tests use; npm (for test vectors) is installed only where no npm exists.
DEBIAN_PACKAGES := python3 python3-venv python3-dev gcc btrfs-progs btrfs-compsize e2fsprogs xfsprogs \
	util-linux udev mdadm zstd xz-utils age cryptsetup-bin git chromium \
	acl samba smbclient samba-testsuite nfs-ganesha nfs-ganesha-vfs rpcbind libnfs-utils nginx openssl
STAMP := $(VENV)/.installed
# Another apt (unattended upgrades, a second terminal) may hold dpkg's lock: wait for it rather than fail.
# DPkg::Lock::Timeout covers install; apt-get update does not wait on the package lists' lock, so it retries.
APT_INSTALL := DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 install -y -qq
APT_UPDATE := for try in $$(seq 90); do apt-get -o DPkg::Lock::Timeout=900 update -qq && break; \
	[ $$try -lt 90 ] || exit 1; echo "apt-get update failed (another apt busy?): trying again in 10 s"; sleep 10; done
# The C2SP age test vectors the crypto tests check every case of (pinned: a new release must not change them silently).
CCTV_AGE := build/npm/node_modules/cctv-age/index.js

.PHONY: setup demo demo-clean panel test test-unit test-system test-panel test-e2e test-py313 lint bench lock \
	iso iso-arm64 vm-prereqs test-vm test-vm-arm64 bench-vm

setup: $(STAMP) $(CCTV_AGE)

$(CCTV_AGE):
	npm install --silent --no-audit --no-fund --prefix build/npm cctv-age@0.2.0

# Installs once per lock file: the stamp is newer than requirements.lock and pyproject.toml after a good install.
$(STAMP): requirements.lock pyproject.toml
	@missing=""; for p in $(DEBIAN_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	command -v npm >/dev/null || missing="$$missing npm"; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  { $(APT_UPDATE); } && $(APT_INSTALL) $$missing; \
	fi
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements.lock
	$(VENV)/bin/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

# The example pillar's site is the demo's (sigmavault.site): its state and fstab live under $(DEMO_DIR).
# --pillar pillar: on a box with its own pillar (/etc/sigmavault/pillar) the demo still applies the example.
demo: setup
	$(PY) -m sigmavault.demo up
	$(VENV)/bin/sigmavault --pillar pillar validate
	$(VENV)/bin/sigmavault --pillar pillar apply
	$(VENV)/bin/sigmavault --pillar pillar status
	@$(PY) -m sigmavault.demo next

# The panel edits its own copy of the example pillar (a git history grows there). As on the image, an admin
# account gets a one-time password, printed here; the panel asks for the account's own at first sign-in.
PANEL_DEMO_ADMIN := sigmavault-demo
panel: setup
	mkdir -p $(DEMO_DIR)/pillar
	[ -e $(DEMO_DIR)/pillar/sigmavault.sls ] || cp pillar/top.sls pillar/sigmavault.sls $(DEMO_DIR)/pillar/
	@# Noted in the demo's record first (when a demo is up), so make demo-clean removes what the host lacked.
	$(PY) -c 'from sigmavault.demo_record import before_making as b; b(("$(PANEL_DEMO_ADMIN)",), ("sigmavault-admin",))'
	$(PY) -m sigmavault_panel one-time-password --create $(PANEL_DEMO_ADMIN)
	$(DEMO_ENV) SIGMAVAULT_PILLAR=$(DEMO_DIR)/pillar $(PY) -m sigmavault_panel serve

# Undoes what the demo made (noted before its first apply): smb.conf and smbd, accounts, groups, PAM file, folders.
demo-clean: setup
	$(PY) -m sigmavault.demo down
	rm -rf $(DEMO_DIR)

test: setup
	$(VENV)/bin/pytest -q -p no:cacheprovider tests/unit tests/system tests/panel tests/e2e

test-unit: setup
	$(VENV)/bin/pytest -q -p no:cacheprovider tests/unit

test-system: setup
	$(VENV)/bin/pytest -q -p no:cacheprovider tests/system

test-panel: setup
	$(VENV)/bin/pytest -q -p no:cacheprovider tests/panel

test-e2e: setup
	$(VENV)/bin/pytest -q -p no:cacheprovider tests/e2e

# The unit tier on Python 3.13 (Debian trixie, the ISO's interpreter) in a debootstrapped root (a few minutes).
test-py313: setup
	tests/trixie/run.sh

lint: setup
	$(VENV)/bin/ruff check modules control-panel tests

bench: setup
	$(PY) -m tests.bench.storage_bench --out build/bench
	$(PY) -m tests.bench.crypto_bench --out build/bench
	$(PY) -m tests.bench.compression_bench --out build/bench
	$(PY) -m tests.bench.panel_bench --out build/bench
	$(PY) -m tests.bench.shares_bench --out build/bench
	$(PY) -m tests.bench.agents_bench --out build/bench

# The installer image (Debian 13, live-build): build/sigmavault-amd64.iso, minutes; arm64 about an hour.
iso:
	live-build/build-iso.sh amd64

iso-arm64:
	live-build/build-iso.sh arm64

# Install those of the Debian packages $(1) that are missing (apt only when something is).
apt_ensure = @missing=""; for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	[ -z "$$missing" ] || { { $(APT_UPDATE); } && $(APT_INSTALL) $$missing; }

# The VM tier: boot the image in QEMU (TCG) with blank disks and the owner's pillar, check it from outside.
VM_PACKAGES := qemu-system-x86 qemu-utils ovmf squashfs-tools xorriso openssh-client curl
vm-prereqs: setup
	$(call apt_ensure,$(VM_PACKAGES))
	[ -f build/sigmavault-amd64.iso ] || live-build/build-iso.sh amd64

test-vm: vm-prereqs
	$(VENV)/bin/pytest -q -p no:cacheprovider tests/vm

# The arm64 image under emulation: GRUB on UEFI firmware, live boot, first-boot converge (building it: an hour).
VM_ARM64_PACKAGES := qemu-system-arm qemu-efi-aarch64 openssh-client
test-vm-arm64: setup
	$(call apt_ensure,$(VM_ARM64_PACKAGES))
	[ -f build/sigmavault-arm64.iso ] || live-build/build-iso.sh arm64
	$(VENV)/bin/pytest -q -p no:cacheprovider tests/vm_arm64

# ISO build time and size, boot-to-converged time and first-boot duration under TCG (after make iso).
bench-vm: vm-prereqs
	$(PY) -m tests.bench.vm_bench --out build/bench

# Regenerate the lock from requirements.in in a clean environment.
lock:
	rm -rf build/lock-venv && python3 -m venv build/lock-venv
	build/lock-venv/bin/pip install --quiet -r requirements.in
	{ echo "# Exact versions of every Python package SigmaVault installs (from requirements.in)."; \
	  echo "# Generated by 'make lock'; install with 'pip install -r requirements.lock'."; \
	  build/lock-venv/bin/pip freeze; } > requirements.lock
