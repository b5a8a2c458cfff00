{#
    Keep one row per key (docs/landing_contract.md): exact duplicates of a re-sent file
    collapse, and of conflicting versions the first row in `order_by` wins
    (e.g. latest updated_at, then latest load). The audit counts what this drops.

    Only the keys that repeat are ranked; a key seen once passes straight
    through. Ranking every row sorts the whole history: on 300 M events it
    spilled more than 40 GB to disk, while finding the repeated keys costs
    one aggregate over the key columns. `relation` is read three times, so
    a CTE passed here that holds a big table is declared
    `{{ cs_analytics.not_materialized() }}`.
#}
{% macro deduplicate(relation, partition_by, order_by) -%}
    {%- set key = cs_analytics.null_safe_key(partition_by, 'keyed') -%}
    with

    repeated_keys as (

        select {{ key }} as repeated_key
        from {{ relation }} as keyed
        group by {{ key }}
        having count(*) > 1

    )

    select
        keyed.*,
        1 as _dedupe_rank
    from {{ relation }} as keyed
    where {{ key }} not in (select repeated_keys.repeated_key from repeated_keys)

    union all

    select *
    from (
        select
            keyed.*,
            row_number() over (
                partition by {{ partition_by | join(', ') }}
                order by {{ order_by | join(', ') }}
            ) as _dedupe_rank
        from {{ relation }} as keyed
        where {{ key }} in (select repeated_keys.repeated_key from repeated_keys)
    ) as ranked
    where _dedupe_rank = 1
{%- endmacro %}

{#
    `deduplicate` by the landing table's own contract: its primary key and
    de-duplication order from the source's meta (models/staging/*/_*__sources.yml).
    The key columns are read from `relation` by name, so a staging model keeps
    the contract's column names for them. dbt compiles unit tests without the
    graph, so a staging model's unit test states its table's key and order in
    var `landing_contract_in_unit_tests` ({table path: {primary_key,
    deduplicate_order}}); a pytest keeps those equal to the contract.
#}
{% macro deduplicate_source(relation, source_name, table_name) -%}
    {%- set table = cs_analytics.landing_table(source_name, table_name) -%}
    {%- if not execute -%}
        select * from {{ relation }}
    {%- else -%}
        {%- if not table.primary_key -%}
            {%- set table = var('landing_contract_in_unit_tests', {}).get(table.path) -%}
            {%- if not table -%}
                {{ exceptions.raise_compiler_error(
                    'no contract for ' ~ source_name ~ '/' ~ table_name ~ ': a unit test of its '
                    ~ 'staging model sets var landing_contract_in_unit_tests'
                ) }}
            {%- endif -%}
        {%- endif -%}
        {{ cs_analytics.deduplicate(
            relation, partition_by=table.primary_key, order_by=table.deduplicate_order
        ) }}
    {%- endif -%}
{%- endmacro %}
