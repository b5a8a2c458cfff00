{#
    Rows of account facts that cannot be attributed to a known account
    (usage events, tickets, NPS, activities, … of unknown accounts). They are
    kept here with the reason rather than dropped (docs/landing_contract.md).
#}

with

{% for fact in account_facts() %}
{{ fact.model }} as (

    select
        '{{ fact.table }}' as table_path,
        cast({{ fact.key }} as {{ dbt.type_string() }}) as row_key,
        account_id as source_account_id,
        attribution_status as reason,
        _source_file
    from ({{ classify_account_fact(fact) }}) as classified
    where attribution_status in ('missing_account_id', 'unknown_account')

),
{% endfor %}

quarantined as (

    {% for fact in account_facts() %}
    select * from {{ fact.model }}
    {{ 'union all' if not loop.last }}
    {% endfor %}

)

select
    table_path,
    row_key,
    source_account_id,
    reason,
    _source_file
from quarantined
