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

{% macro account_facts() %}
    {{ return([
        {'model': 'stg_usage__events', 'attributed_model': 'int_accounts__usage_events_attributed', 'table': 'usage/events', 'key': 'event_id', 'known_at': ['occurred_at', 'received_at']},
        {'model': 'stg_usage__users', 'attributed_model': 'int_accounts__usage_users_attributed', 'table': 'usage/users', 'key': 'user_id', 'known_at': ['created_at']},
        {'model': 'stg_support__tickets', 'attributed_model': 'int_accounts__tickets_attributed', 'table': 'support/tickets', 'key': 'ticket_id', 'known_at': ['created_at']},
        {'model': 'stg_crm__nps_responses', 'attributed_model': 'int_accounts__nps_responses_attributed', 'table': 'crm/nps_responses', 'key': 'response_id', 'known_at': ['responded_at']},
        {'model': 'stg_crm__activities', 'attributed_model': 'int_accounts__activities_attributed', 'table': 'crm/activities', 'key': 'activity_id', 'known_at': ['occurred_at']},
        {'model': 'stg_crm__contacts', 'attributed_model': 'int_accounts__contacts_attributed', 'table': 'crm/contacts', 'key': 'contact_id', 'known_at': ['created_at']},
        {'model': 'stg_crm__opportunities', 'attributed_model': 'int_accounts__opportunities_attributed', 'table': 'crm/opportunities', 'key': 'opportunity_id', 'known_at': ['created_at']},
        {'model': 'stg_crm__onboarding_milestones', 'attributed_model': 'int_accounts__onboarding_milestones_attributed', 'table': 'crm/onboarding_milestones', 'key': "account_id || ':' || milestone", 'known_at': []},
        {'model': 'stg_crm__churn_reasons', 'attributed_model': 'int_accounts__churn_reasons_attributed', 'table': 'crm/churn_reasons', 'key': "account_id || ':' || coalesce(subscription_id, '')", 'known_at': ['notice_at']},
    ]) }}
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
    source system recorded.
#}
{% macro attributed_account_fact(model) -%}
    {%- set fact = cs_analytics.account_fact(model) -%}
    {%- set columns = [] -%}
    {%- if execute -%}
        {%- for column in adapter.get_columns_in_relation(ref(model)) -%}
            {%- if column.name != 'account_id' -%}{%- do columns.append(column.name) -%}{%- endif -%}
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
