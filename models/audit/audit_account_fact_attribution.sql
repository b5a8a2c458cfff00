{#
    Per account fact table: how many staged rows were attributed, ignored as
    after the as-of instant, or quarantined. Attributed + after_as_of +
    quarantined = staged is asserted by this model's test.
#}

with

{% for fact in account_facts() %}
{{ fact.model }} as (

    select
        '{{ fact.table }}' as table_path,
        count(*) as rows_staged,
        sum(case when attribution_status = 'attributed' then 1 else 0 end) as rows_attributed,
        sum(case when attribution_status = 'after_as_of' then 1 else 0 end) as rows_after_as_of,
        sum(
            case
                when attribution_status in ('missing_account_id', 'unknown_account')
                    then 1
                else 0
            end
        ) as rows_quarantined
    from ({{ classify_account_fact(fact) }}) as classified

),
{% endfor %}

counted as (

    {% for fact in account_facts() %}
    select * from {{ fact.model }}
    {{ 'union all' if not loop.last }}
    {% endfor %}

),

attributed_models as (

    {% for fact in account_facts() %}
    select
        '{{ fact.table }}' as table_path,
        (select count(*) from {{ ref(fact.attributed_model) }}) as rows_in_model
    {{ 'union all' if not loop.last }}
    {% endfor %}

)

select
    counted.table_path,
    counted.rows_staged,
    counted.rows_attributed,
    counted.rows_after_as_of,
    counted.rows_quarantined,
    attributed_models.rows_in_model,
    -- The attributed model holds exactly the attributed rows and nothing is
    -- unaccounted for between staging and the intermediate layer.
    counted.rows_staged
    = counted.rows_attributed + counted.rows_after_as_of + counted.rows_quarantined
    and attributed_models.rows_in_model = counted.rows_attributed as is_reconciled
from counted
inner join attributed_models
    on counted.table_path = attributed_models.table_path
