# Accounts and groups as declared; one taken out of the pillar is disabled, its files stay.
converge_accounts_and_groups:
  sigmavault_users.accounts_converged:
    - name: accounts
    - require:
      - sigmavault_pillar: validate_pillar_and_disks
