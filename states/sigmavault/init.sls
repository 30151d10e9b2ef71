# The order of the domains is the order of DESIGN.md: validate first, then the box, then storage, keys, accounts and shares.
include:
  - sigmavault.validate
  - sigmavault.system
  - sigmavault.storage
  - sigmavault.encryption
  - sigmavault.users
  - sigmavault.shares
