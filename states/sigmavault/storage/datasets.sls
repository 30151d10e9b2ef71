{% for dataset in salt['sigmavault_pillar.dataset_names']() %}
converge_dataset_{{ dataset | replace('/', '_') }}:
  sigmavault_storage.dataset_converged:
    - name: {{ dataset }}
    - require:
      - sigmavault_storage: converge_pool_{{ dataset.split('/')[0] }}
{% endfor %}
