{#
    Per landing table: rows in the files = rows staged + duplicates removed +
    malformed lines quarantined (docs/landing_contract.md, "What bad input
    gets"). Exact duplicates are identical rows (re-sent files); conflicting
    duplicates share a primary key with different content and were resolved
    by the staging model's ordering.

    Its cost follows the duplicates, not the history: a file all of whose
    rows staging kept (audit_landing_file_reconciliation, tonight's rows)
    holds no duplicate, so only the keys of the other files' rows are
    compared, over every raw row holding them.
#}

with

files as (

    select * from {{ ref('audit_landing_file_reconciliation') }}
    where run_id in (
        select manifest.run_id from {{ source('landing', 'landing_files') }} as manifest
    )

),

{% for source_name, table_name, primary_key in landing_tables() %}
{%- set raw_table = source(source_name, table_name) -%}
{%- set content_columns = landing_content_columns(raw_table) -%}
{%- set prefix = source_name ~ '__' ~ table_name %}
{%- set key_matches = [] %}
{%- for column in primary_key %}
    {%- do key_matches.append(
        'raw_rows.' ~ column ~ ' is not distinct from duplicated_keys.' ~ column
    ) %}
{%- endfor %}
{{ prefix }}__files_with_duplicates as (

    select file_path
    from files
    where
        table_path = '{{ source_name }}/{{ table_name }}'
        and rows_loaded > rows_staged

),

{{ prefix }}__duplicated_keys as (

    select distinct {{ primary_key | join(', ') }}
    from {{ raw_table }}
    where _source_file in (
        select files_with_duplicates.file_path
        from {{ prefix }}__files_with_duplicates as files_with_duplicates
    )

),

{{ prefix }}__duplicated_key_rows as (

    select raw_rows.*
    from {{ raw_table }} as raw_rows
    inner join {{ prefix }}__duplicated_keys as duplicated_keys
        on {{ key_matches | join(' and ') }}

),

{{ prefix }} as (

    select
        '{{ source_name }}/{{ table_name }}' as table_path,
        (
            select coalesce(sum(rows_loaded), 0) from files
            where table_path = '{{ source_name }}/{{ table_name }}'
        ) as rows_loaded,
        (
            select count(*) from files
            where table_path = '{{ source_name }}/{{ table_name }}' and not is_reconciled
        ) as files_unreconciled,
        (select count(*) from {{ prefix }}__duplicated_key_rows) as duplicated_key_rows,
        (
            select count(*) from (
                select distinct {{ content_columns | join(', ') or '*' }}
                from {{ prefix }}__duplicated_key_rows
            ) as distinct_rows
        ) as duplicated_key_distinct_rows,
        (select count(*) from {{ prefix }}__duplicated_keys) as duplicated_keys,
        (select count(*) from {{ ref('stg_' ~ prefix) }}) as rows_staged

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
        tables.duplicated_key_rows - tables.duplicated_key_distinct_rows as exact_duplicate_rows,
        tables.duplicated_key_distinct_rows - tables.duplicated_keys as conflicting_duplicate_rows,
        -- keys held by one row each, plus the keys that have copies
        tables.rows_loaded - tables.duplicated_key_rows + tables.duplicated_keys as distinct_keys,
        tables.rows_staged,
        tables.files_unreconciled
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
