"""SMB shares (Samba) and NFS exports (kernel nfsd or NFS-Ganesha) declared under sigmavault.shares."""
