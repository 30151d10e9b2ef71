# Every sealed pillar file opens with the node key and is sealed to each recovery key too.
check_secrets_sealed_to_current_keys:
  sigmavault_encryption.sealed_to_current_keys:
    - name: sealed pillar files
    - require:
      - sigmavault_encryption: generate_node_key
