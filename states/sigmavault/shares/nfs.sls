# One export plan, rendered for kernel nfsd or NFS-Ganesha as sigmavault.shares.nfs_server says.
converge_nfs_exports:
  sigmavault_shares.nfs_converged:
    - name: nfs
    - require:
      - sigmavault_pillar: validate_pillar_and_disks
