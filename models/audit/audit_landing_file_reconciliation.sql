{#
    Per night and landing file: every row of the file is staged, a duplicate
    of a staged row, or a malformed line (docs/landing_contract.md, "What bad
    input gets"). One row per file whose rows are in raw, each night (so the
    history shows every night's account), with what the night did with it.

    Its cost follows the duplicates, not the history: the staged rows are
    counted per file (raw holds only a file's current rows:
    cs_analytics/landing/file_diff.py), and only the files whose rows staging
    did not all keep are compared with the staged keys, row by row.
#}

{{ config(
    materialized='incremental',
    incremental_strategy=cs_analytics.replace_by_key_strategy(),
    unique_key=['run_id', 'file_path'],
    partition_by=cs_analytics.partitioned_by(['run_id']),
    on_schema_change='fail',
) }}

with

manifest as (

    select * from {{ source('landing', 'landing_files') }}

),

{% for source_name, table_name, primary_key in landing_tables() %}
{%- set prefix = source_name ~ '__' ~ table_name %}
{%- set staged = ref('stg_' ~ prefix) %}
{%- set table = landing_table(source_name, table_name) %}
{%- set key_matches = [] %}
{%- for column in primary_key %}
    {%- do key_matches.append(
        'staged_rows.' ~ column ~ ' is not distinct from '
        ~ landing_value('raw_rows.' ~ column, landing_column_type(table, column))
    ) %}
{%- endfor %}
{{ prefix }}__kept as (

    select
        _source_file,
        count(*) as rows_staged
    from {{ staged }}
    group by _source_file

),

{{ prefix }}__files as (

    select
        manifest.*,
        coalesce(kept.rows_staged, 0) as rows_staged
    from manifest
    left join {{ prefix }}__kept as kept
        on manifest.file_path = kept._source_file
    where manifest.table_path = '{{ source_name }}/{{ table_name }}'

),

{{ prefix }}__unaccounted as (

    -- rows of files with duplicates whose key staging does not hold at all
    select
        raw_rows._source_file,
        count(*) as rows_unaccounted
    from {{ source(source_name, table_name) }} as raw_rows
    where
        raw_rows._source_file in (
            select files_with_duplicates.file_path
            from {{ prefix }}__files as files_with_duplicates
            where files_with_duplicates.rows_loaded > files_with_duplicates.rows_staged
        )
        and not exists (
            select 1 from {{ staged }} as staged_rows
            where {{ key_matches | join(' and ') }}
        )
    group by raw_rows._source_file

),

{{ prefix }} as (

    select
        files.*,
        coalesce(unaccounted.rows_unaccounted, 0) as rows_unaccounted
    from {{ prefix }}__files as files
    left join {{ prefix }}__unaccounted as unaccounted
        on files.file_path = unaccounted._source_file

),
{% endfor %}

files as (

    {% for source_name, table_name, primary_key in landing_tables() %}
    select * from {{ source_name }}__{{ table_name }}
    {{ 'union all' if not loop.last }}
    {% endfor %}

)

select
    run_id,
    table_path,
    file_path,
    load_action,
    loaded_at,
    rows_loaded + rows_rejected as rows_landed,
    rows_loaded,
    rows_rejected,
    rows_staged,
    rows_loaded - rows_staged - rows_unaccounted as duplicate_rows,
    rows_unaccounted,
    rows_unaccounted = 0 as is_reconciled
from files
