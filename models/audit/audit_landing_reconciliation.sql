{#
    Per landing table and run: rows in the files = rows staged + duplicates
    removed + malformed lines quarantined (raw_contract.md, "What bad input
    gets"). Exact duplicates are identical rows (re-sent files); conflicting
    duplicates share a primary key with different content and were resolved
    by the staging model's ordering.
#}

with

{% for source_name, table_name, primary_key in landing_tables() %}
{{ source_name }}__{{ table_name }} as (

    select
        '{{ source_name }}/{{ table_name }}' as table_path,
        (select count(*) from {{ source(source_name, table_name) }}) as rows_loaded,
        (
            select count(*) from (
                select distinct
                {%- if execute %}
                    {%- for column in adapter.get_columns_in_relation(source(source_name, table_name))
                        if not column.name.startswith('_') %}
                    {{ adapter.quote(column.name) }}{{ ',' if not loop.last }}
                    {%- endfor %}
                {%- else %} *
                {%- endif %}
                from {{ source(source_name, table_name) }}
            ) as distinct_rows
        ) as distinct_rows,
        (
            select count(*) from (
                select distinct {{ primary_key | join(', ') }}
                from {{ source(source_name, table_name) }}
            ) as distinct_keys
        ) as distinct_keys,
        (select count(*) from {{ ref('stg_' ~ source_name ~ '__' ~ table_name) }}) as rows_staged

),
{% endfor %}

rejected as (

    select table_path, count(*) as rows_rejected
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
