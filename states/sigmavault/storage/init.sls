include:
  - sigmavault.storage.pools
  - sigmavault.storage.datasets
