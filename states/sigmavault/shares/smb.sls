# smb.conf checked by testparm before it replaces the running one, then smbd rereads it.
converge_smb_shares:
  sigmavault_shares.smb_converged:
    - name: smb
    - require:
      - sigmavault_users: converge_accounts_and_groups
      - sigmavault_pillar: validate_pillar_and_disks
