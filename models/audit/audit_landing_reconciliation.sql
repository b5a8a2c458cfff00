{#
    Per landing table and run: rows in the files = rows staged + duplicates
    removed + malformed lines quarantined (docs/landing_contract.md, "What bad input
    gets"). Exact duplicates are identical rows (re-sent files); conflicting
    duplicates share a primary key with different content and were resolved
    by the staging model's ordering.
#}

with

{% for source_name, table_name, primary_key in landing_tables() %}
{%- set raw_table = source(source_name, table_name) -%}
{%- set content_columns = landing_content_columns(raw_table) %}
{{ source_name }}__{{ table_name }} as (

    select
        '{{ source_name }}/{{ table_name }}' as table_path,
        (select count(*) from {{ raw_table }}) as rows_loaded,
        (
            select count(*) from (
                select distinct {{ content_columns | join(', ') or '*' }}
                from {{ raw_table }}
            ) as distinct_rows
        ) as distinct_rows,
        (
            select count(*) from (
                select distinct {{ primary_key | join(', ') }}
                from {{ raw_table }}
            ) as distinct_keys
        ) as distinct_keys,
        (select count(*) from {{ ref('stg_' ~ source_name ~ '__' ~ table_name) }}) as rows_staged

),
{% endfor %}

rejected as (

    select
        table_path,
        count(*) as rows_rejected
    from {{ source('landing', 'landing_rejected_lines') }}
    group by table_path

),

tables as (

    {% for source_name, table_name, primary_key in landing_tables() %}
    select * from {{ source_name }}__{{ table_name }}
    {{ 'union all' if not loop.last }}
    {% endfor %}

),

reconciled as (

    select
        tables.table_path,
        tables.rows_loaded + coalesce(rejected.rows_rejected, 0) as rows_landed,
        tables.rows_loaded,
        coalesce(rejected.rows_rejected, 0) as rows_rejected,
        tables.rows_loaded - tables.distinct_rows as exact_duplicate_rows,
        tables.distinct_rows - tables.distinct_keys as conflicting_duplicate_rows,
        tables.distinct_keys,
        tables.rows_staged
    from tables
    left join rejected
        on tables.table_path = rejected.table_path

)

select
    table_path,
    rows_landed,
    rows_loaded,
    rows_rejected,
    exact_duplicate_rows,
    conflicting_duplicate_rows,
    distinct_keys,
    rows_staged,
    -- Staging must keep exactly one row per distinct key of the raw rows,
    -- counted independently here; then landed = staged + duplicates + rejected.
    rows_staged = distinct_keys as is_reconciled
from reconciled
