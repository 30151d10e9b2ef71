# The node key first (made on the first apply), then the check that sealed files are sealed to it.
include:
  - sigmavault.encryption.node_key
  - sigmavault.encryption.sealed
