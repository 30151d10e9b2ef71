# The box's own post-quantum identity: <state dir>/keys/node.age, root-only, never leaves the box.
generate_node_key:
  sigmavault_encryption.node_key_present:
    - name: node
    - require:
      - sigmavault_pillar: validate_pillar_and_disks
