{#
    Nightly snapshot of the CRM attributes a health score depends on
    (docs/metrics.md, Customer health score: "account attributes as they were
    that day"). See _snapshots.yml for how validity is stamped.
#}

{% snapshot snap_crm_account_attributes %}

{{ config(
    schema='snapshots',
    unique_key='account_id',
    strategy='check',
    check_cols=['segment', 'touch_model', 'csm_owner_id'],
    updated_at='observed_at',
    hard_deletes='ignore',
) }}

{%- set existing = (
    adapter.get_relation(this.database, this.schema, this.identifier) if execute else none
) %}

select
    account_id,
    segment,
    touch_model,
    csm_owner_id,
    {{ as_of_instant() }} as observed_at
from {{ ref('int_accounts__surviving') }}
{%- if existing is not none %}
-- The snapshot only moves forward: a night records changes only when no
-- version was recorded at its as-of instant or later, so a rerun can neither
-- close a later version at an earlier instant nor stamp two versions alike.
where {{ as_of_instant() }} > (
    select coalesce(max(recorded.dbt_valid_from), cast('1900-01-01' as timestamp))
    from {{ this }} as recorded
)
{%- endif %}

{% endsnapshot %}
