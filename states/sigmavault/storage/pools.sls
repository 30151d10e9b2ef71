{% for pool in salt['sigmavault_pillar.pool_names']() %}
converge_pool_{{ pool }}:
  sigmavault_storage.pool_converged:
    - name: {{ pool }}
    - require:
      - sigmavault_pillar: validate_pillar_and_disks
{% endfor %}
