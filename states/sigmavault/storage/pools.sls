# An encrypted pool's key is sealed to the node key: the node key comes first.
include:
  - sigmavault.encryption.node_key

{% for pool in salt['sigmavault_pillar.pool_names']() %}
converge_pool_{{ pool }}:
  sigmavault_storage.pool_converged:
    - name: {{ pool }}
    - require:
      - sigmavault_pillar: validate_pillar_and_disks
      - sigmavault_encryption: generate_node_key
{% endfor %}
