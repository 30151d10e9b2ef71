base:
  '*':
    - sigmavault
