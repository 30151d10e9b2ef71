# The order of the domains is the order of DESIGN.md: validate first, then the box, then storage, keys, accounts,
# shares, compression, the agent service and the panel.
include:
  - sigmavault.validate
  - sigmavault.system
  - sigmavault.storage
  - sigmavault.encryption
  - sigmavault.users
  - sigmavault.shares
  - sigmavault.compression
  - sigmavault.agents
  - sigmavault.panel
