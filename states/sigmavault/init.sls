# The order of the domains is the order of DESIGN.md: validate first, then storage.
include:
  - sigmavault.validate
  - sigmavault.storage
