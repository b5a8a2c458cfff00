{#
    Attributing account-level facts to the account they roll up to.

    Every staged row of an account fact gets one status:
      after_as_of         an event time at or after the run's as-of instant
                          (ignored by this run, docs/metrics.md Time);
      missing_account_id  no account on the row;
      unknown_account     an account id the CRM does not know;
      attributed          mapped to its surviving account (after merges).
    `int_accounts__*_attributed` models keep the attributed rows; the audit keeps the
    rest, so no row is dropped silently (docs/landing_contract.md, "What bad input gets").
#}

{#
    The account facts: each staging model, the model keeping its attributed
    rows, and the event times compared with the as-of instant. The landing
    table and the row key (for the quarantine) come from the contract: the
    source's primary key, its columns joined by ':'.
#}
{% macro account_facts() %}
    {% set facts = [
        {'model': 'stg_usage__events', 'attributed_model': 'int_accounts__usage_events_attributed', 'known_at': ['occurred_at', 'received_at']},
        {'model': 'stg_usage__users', 'attributed_model': 'int_accounts__usage_users_attributed', 'known_at': ['created_at']},
        {'model': 'stg_support__tickets', 'attributed_model': 'int_accounts__tickets_attributed', 'known_at': ['created_at']},
        {'model': 'stg_crm__nps_responses', 'attributed_model': 'int_accounts__nps_responses_attributed', 'known_at': ['responded_at']},
        {'model': 'stg_crm__activities', 'attributed_model': 'int_accounts__activities_attributed', 'known_at': ['occurred_at']},
        {'model': 'stg_crm__contacts', 'attributed_model': 'int_accounts__contacts_attributed', 'known_at': ['created_at']},
        {'model': 'stg_crm__opportunities', 'attributed_model': 'int_accounts__opportunities_attributed', 'known_at': ['created_at']},
        {'model': 'stg_crm__onboarding_milestones', 'attributed_model': 'int_accounts__onboarding_milestones_attributed', 'known_at': []},
        {'model': 'stg_crm__churn_reasons', 'attributed_model': 'int_accounts__churn_reasons_attributed', 'known_at': ['notice_at']},
    ] %}
    {% for fact in facts %}
        {% set source_name, table_name = fact.model[4:].split('__') %}
        {% set table = cs_analytics.landing_table(source_name, table_name) %}
        {% do fact.update({'table': table.path, 'key': cs_analytics.row_key(table.primary_key)}) %}
    {% endfor %}
    {{ return(facts) }}
{% endmacro %}

{# A text key of a row from its key columns: the one column, or all joined by ':'. #}
{% macro row_key(columns) %}
    {% if columns | length == 0 %}
        {{ return('null') }}
    {% elif columns | length == 1 %}
        {{ return(columns[0]) }}
    {% endif %}
    {% set parts = [] %}
    {% for column in columns %}
        {% do parts.append('coalesce(cast(' ~ column ~ ' as ' ~ dbt.type_string() ~ "), '')") %}
    {% endfor %}
    {{ return(parts | join(" || ':' || ")) }}
{% endmacro %}

{% macro account_fact(model) %}
    {% for fact in cs_analytics.account_facts() if fact.model == model %}
        {{ return(fact) }}
    {% endfor %}
    {{ exceptions.raise_compiler_error('no account fact is registered for ' ~ model) }}
{% endmacro %}

{# A select of every staged row of `fact` with its surviving account and status. #}
{% macro classify_account_fact(fact) -%}
    select
        facts.*,
        merge_map.surviving_account_id,
        case
            {% for column in fact.known_at -%}
            when facts.{{ column }} >= {{ cs_analytics.as_of_instant() }} then 'after_as_of'
            {% endfor -%}
            when facts.account_id is null then 'missing_account_id'
            when merge_map.account_id is null then 'unknown_account'
            else 'attributed'
        end as attribution_status
    from {{ ref(fact.model) }} as facts
    left join {{ ref('int_accounts__merge_map') }} as merge_map
        on facts.account_id = merge_map.account_id
{%- endmacro %}

{#
    The body of an `int_accounts__*_attributed` model: the staged columns, with
    `account_id` the surviving account and `source_account_id` the one the
    source system recorded. An incremental staged model's row stamp
    (dbt_invocation_id) comes along, so a night's tests of the attributed
    model can read the rows staged tonight (macros/tests/get_where_subquery.sql).
#}
{% macro attributed_account_fact(model) -%}
    {%- set fact = cs_analytics.account_fact(model) -%}
    {%- set columns = [] -%}
    {%- if execute -%}
        {%- for column in adapter.get_columns_in_relation(ref(model)) -%}
            {%- if column.name != 'account_id' -%}
                {%- do columns.append(column.name) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif %}
with

classified as (

    {{ cs_analytics.classify_account_fact(fact) }}

)

select
    surviving_account_id as account_id,
    account_id as source_account_id
    {%- for column in columns %},
    {{ column }}
    {%- endfor %}
from classified
where attribution_status = 'attributed'
{%- endmacro %}
