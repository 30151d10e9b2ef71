# SMB first, then NFS; both serve folders the storage states (earlier in the order) made.
include:
  - sigmavault.shares.smb
  - sigmavault.shares.nfs
