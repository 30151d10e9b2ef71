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

  # Domains that later capabilities fill in; each refuses unknown keys until then.
  users: {}
  shares: {}
  encryption: {}
  compression: {}
  mesh: {}
  agents: {}
  panel: {}
  alerts: {}
