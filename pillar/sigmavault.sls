# The example site: what `make demo` applies and what the ISO starts from.
# Every key of the schema (pillar/schema/*.yaml) appears here, set or shown in a comment.
# `sigmavault validate` checks a pillar against that schema before anything changes.
sigmavault:
  system:
    # Host name (one DNS label); null keeps the name the box has.
    hostname: null
    # IANA time zone such as Europe/Berlin; null keeps the zone the box has.
    timezone: null

  storage:
    # Disks, each under a name you choose. Give exactly one identity per disk:
    #   by_id: ata-WDC_WD40EFRX-68N32N0_WD-WCC7K1234567   (a name under /dev/disk/by-id; best for real disks)
    #   serial: WD-WCC7K1234567                          (as `sigmavault status --json` lists it)
    #   wwn: 0x50014ee2b5e8c4a1
    #   path: /dev/sdb                                    (least stable: kernel names can change)
    #   backing_file: /path/to/disk.img                   (a loop device's image: virtual disks)
    # wipe: true is your consent to destroy what the disk holds; without it a disk
    # that holds a file system, partition table, RAID or LUKS signature is never formatted.
    disks:
      disk_a:
        backing_file: /var/lib/sigmavault-demo/disks/disk_a.img
        wipe: false
      disk_b:
        backing_file: /var/lib/sigmavault-demo/disks/disk_b.img
        wipe: false
      disk_c:
        backing_file: /var/lib/sigmavault-demo/disks/disk_c.img
        wipe: false

    pools:
      tank:
        # btrfs (datasets, checksums, snapshots) or mdadm (RAID under ext4/xfs).
        type: btrfs
        # Disks by their names above. Adding one grows the pool (device add + rebalance).
        devices: [disk_a, disk_b]
        mountpoint: /srv/tank
        # Redundancy: data single | raid1 (2+ disks) | raid10 (4+ disks);
        # metadata dup | single | raid1 | raid10, or null to follow data.
        profile:
          data: raid1
          metadata: null
        # LUKS2 under the file system (each disk; the array of an mdadm pool), opened at boot as
        # /dev/mapper/sv-tank-N by `sigmavault unlock` with the node key. Its random key is sealed to the
        # node key and recovery_recipients in <state dir>/keys/volumes/tank.age: back that file up.
        # Only for a new pool: an existing one is not converted.
        encrypted: false
        # Pool-wide compression (mount option): zstd, zstd:1 … zstd:15, lzo or none.
        compression: zstd:3
        mount_options: [noatime]
        # Taking a disk out needs consent: drop it from devices AND name it here.
        remove_devices: []
        # mdadm pools only: RAID level 1, 5, 6 or 10, and ext4 or xfs on top. For example
        #   archive: {type: mdadm, level: 1, filesystem: ext4, devices: [disk_d, disk_e], mountpoint: /srv/archive}
        level: null
        filesystem: ext4
        datasets:
          # Each dataset is a btrfs subvolume at <pool mountpoint>/<name>.
          media:
            # Also mount it here (null: only under the pool's mountpoint).
            mountpoint: /srv/media
            # Most it may hold: a number with K, M, G or T; null is unlimited.
            quota: null
            # null follows the pool; zstd:N, lzo or none override it for new data.
            compression: null
            nodatacow: false
          backups:
            mountpoint: null
            quota: 256M
            compression: zstd:9
            nodatacow: false
          vms:
            mountpoint: null
            quota: null
            # nodatacow data is never compressed: leave this null or none.
            compression: null
            # No copy-on-write for new files: right for VM images and databases.
            nodatacow: true
      scratch:
        type: btrfs
        devices: [disk_c]
        mountpoint: /srv/scratch
        profile: {data: single, metadata: null}
        compression: lzo
        mount_options: [noatime]
        remove_devices: []
        datasets: {}

  users:
    # Accounts under their login name. Taking one out of the pillar (or enabled: false) locks it
    # and its SMB access; its files stay.
    accounts:
      alice:
        # null lets the box pick the next free id (1000-59999).
        uid: null
        full_name: Alice
        # Groups declared below.
        groups: [family]
        # false: file sharing only (/usr/sbin/nologin); true: /bin/bash and a home folder.
        shell: false
        # The SMB password, never in plain text in a readable file. `sigmavault seal pillar/sigmavault.sls
        # sigmavault.users.accounts.alice.smb_password` asks for it and writes it sealed, e.g.
        #   smb_password: ENC[AES256_GCM,data:…,iv:…,tag:…,type:str]
        # null: the account has no SMB access.
        smb_password: null
        enabled: true
    groups:
      family:
        gid: null
  shares:
    # The SMB server (Samba). SMB1 is never offered; guests only where a share says guest: true.
    smb_server:
      workgroup: WORKGROUP
      server_string: SigmaVault
      # Oldest dialect a client may use: SMB2, SMB2_10, SMB3 or SMB3_11.
      min_protocol: SMB2
      # default (when the client asks), desired or required.
      signing: default
      encryption: default
    # SMB shares under the name clients see.
    smb:
      media:
        # pool/dataset, or a pool's name for the whole pool.
        dataset: tank/media
        comment: Family media
        # Who may use it: accounts and groups declared above. Both empty: every enabled account.
        valid_users: []
        valid_groups: [family]
        read_only: false
        # true: anyone on the network, no password (as nobody); then leave valid_users/groups empty.
        guest: false
        # false hides it from browsing; it still opens by name.
        browseable: true
        # Deleted files go to .recycle/<user> in the share.
        recycle_bin: true
        # macOS Time Machine backs up here.
        time_machine: false
        # Snapshots of the dataset (<pool mountpoint>/.snapshots/<dataset>/@GMT-…) as Previous Versions.
        previous_versions: true
    # The NFS server: kernel (nfsd, /etc/exports; the ISO's default) or ganesha (NFS-Ganesha, user space).
    nfs_server:
      backend: kernel
      # NFS-Ganesha only: after a start, clients have this long (10-180 s) to reclaim their locks, and new
      # files wait until it ends (the kernel server keeps its own setting in /etc/nfs.conf).
      grace_seconds: 90
    # NFS exports under a name of your choice (NFSv4 clients mount /<name>); anyone not listed is refused:
    #   backups:
    #     dataset: tank/backups
    #     clients:
    #       # A host name, an address, address/prefix, or * for anyone.
    #       - match: 192.168.1.0/24
    #         # ro or rw.
    #         access: rw
    #         # root_squash, all_squash or no_root_squash.
    #         squash: root_squash
    #         # true: reply once data is on disk (safe); false is faster and loses data on a crash.
    #         sync: true
    #         # sys, krb5, krb5i or krb5p.
    #         security: sys
    nfs: {}
  encryption:
    # The key this box makes for itself on its first apply (<state dir>/keys/node.age, root-only, never
    # leaves the box): mlkem768x25519 (post-quantum hybrid; stock age >= 1.3 reads it) or mlkem1024p384.
    node_key_profile: mlkem768x25519
    # Your offline recovery keys (the public age1pq1… line). Every sealed value is sealed to them too, so
    # they open your secrets on a new box (`sigmavault keys recover`). Make one with
    # `sigmavault keys gen --recovery --out FILE`, keep FILE offline and list its recipient here:
    #   - age1pq1…
    recovery_recipients: []
    # Days after which the node key is due for rotation (`sigmavault reseal`; the agents schedule it).
    rotation_days: 30
    # Named secrets (API tokens, passwords) for services on the box. Never type one here in plain text:
    # `sigmavault seal FILE sigmavault.encryption.secrets.NAME` asks for it and writes it sealed, e.g.
    #   api_token: ENC[AES256_GCM,data:…,iv:…,tag:…,type:str]
    # Any key of the pillar may hold a sealed value; its file then ends with a sigmavault_sealed block.
    secrets: {}
    # LUKS2 keys of encrypted pools, by pool name: 64 random bytes (base64), always sealed. Make one with
    # `sigmavault seal FILE sigmavault.encryption.volume_keys.POOL --random 64`; it lives here (and in git)
    # so the recovery key can unlock the pool's disks on another box, e.g.
    #   tank: ENC[AES256_GCM,data:…,iv:…,tag:…,type:str]
    # Pools with `encrypted: true` do not read these yet: they keep their own sealed key files.
    volume_keys: {}
  compression:
    # Jobs you run with `sigmavault compress run NAME`, or the compression agent runs on their schedule; each
    # under a name you choose. `sigmavault compress list` and `sigmavault compress stats` show what they did
    # and saved.
    jobs:
      cold_media:
        # A dataset as pool/dataset, or a folder inside a pool's mountpoint. Jobs run as root, so they
        # never reach outside the pools: /etc, /var/log or a symlink leading out of a pool is refused.
        source: tank/media
        # true: rewrite cold files where they are, compressed by btrfs (defragment -c); the bytes stay the
        # same, only disk use drops. Files shared with snapshots or copies are left alone.
        in_place: true
        # Where archives go (null for in_place jobs).
        target: null
        # fast, balanced or max. In place: fast uses lzo, balanced and max zstd.
        profile: balanced
        # Only files nobody modified for this many days (in_place jobs only; 0 means every file).
        cold_days: 30
        # low (nice 19, disk only when idle), normal (nice 10) or high (nice 0).
        priority: low
        # When the compression agent runs it: a cron line in UTC ("0 3 * * 0": Sundays 03:00), @daily,
        # @weekly … or "@every 12h"; null: only when you run it. It waits out the agents' quiet hours.
        schedule: "0 3 * * 0"
        # Skip a scheduled run when the job's last run saved less than this percent (0: always run).
        min_saving_percent: 5
      documents_archive:
        # Every file under source becomes one verified zstd frame in <target>/documents_archive-<UTC time>/
        # (`zstd -d` reads them; restore with `sigmavault compress restore`). The originals stay.
        source: /srv/tank/media/documents
        in_place: false
        # Also inside a pool; `sigmavault apply` makes this folder (root's, 0750) and never runs the job.
        target: /srv/tank/backups/archives
        profile: max
        cold_days: 0
        priority: low
        schedule: null
        min_saving_percent: 0
  agents:
    # The agent service (sigmavault-agents) runs the box's upkeep between applies. `sigmavault agents list`
    # shows each agent, `run`, `cancel` and `history` act on them. false: the service is stopped.
    enabled: true
    # Tasks that may run at once (1-8).
    workers: 2
    # Heavy disk work (compression jobs, later scrubs) waits while inside these hours, in the box's time zone
    # (sigmavault.system.timezone); the window may cross midnight. null: no quiet hours.
    quiet_hours: {start: "08:00", end: "18:00"}
    # Days of history (runs, outcomes, what the agents learned) kept.
    history_days: 90
    # An agent whose own runs fail this many times within the window is no longer started (breaker-open).
    breaker: {failures: 3, window_minutes: 30}
    # One block per agent: enabled, schedule (null: the agent's own; a cron line in UTC, @hourly … or
    # "@every 10m") and jitter_seconds (up to this many seconds added to each due time).
    drift:
      enabled: true
      schedule: null
      jitter_seconds: 60
      # true: apply the pillar at once when a state would change (a hand-edited smb.conf is put back);
      # false: the drift is only recorded and published.
      converge: false
    # Proves the services the box runs answer (smbd, the NFS server, nginx, the panel); restarts one that does not.
    self_heal: {enabled: true, schedule: null, jitter_seconds: 0}
    # Reseals the secrets to a new node key every encryption.rotation_days.
    key_rotation: {enabled: true, schedule: "@daily", jitter_seconds: 600}
    # Runs the compression jobs above whose schedule is due.
    compression: {enabled: true, schedule: null, jitter_seconds: 60}
    # Drops history older than history_days.
    housekeeping: {enabled: true, schedule: null, jitter_seconds: 60}
  # Domains that later capabilities fill in; each refuses unknown keys until then.
  mesh: {}
  panel: {}
  alerts: {}
