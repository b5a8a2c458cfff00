{#
    Incremental staging of an append-mostly landing table (docs/landing_contract.md,
    "Nightly ingestion"): a night stages only the raw rows loaded since the
    last build, de-duplicated against the rows already staged for the same
    keys, so its cost follows the new files, not the history.

    The rows loaded since the last build are those with a later `_loaded_at`
    than any staged row (ingestion stamps every night's files later than all
    earlier ones). A file loaded again because its content changed replaced
    its raw rows: the staged rows that came from its earlier version are
    stale, and the keys they held are staged again from what raw holds now.
#}

{# The latest load stamp already staged in {{ this }}, as a timestamp literal; none on a full build. #}
{% macro staged_watermark() -%}
    {%- if not execute or this is none or not is_incremental() -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set latest = run_query(
        'select cast(max(_loaded_at) as ' ~ dbt.type_string() ~ ') from ' ~ this
    ).rows[0][0] -%}
    {{ return("cast('" ~ latest ~ "' as timestamp)" if latest is not none else none) }}
{%- endmacro %}

{#
    The landing files of `table_path` loaded since `watermark` (new files, and
    files whose content changed: rows of {{ this }} from their earlier
    version are stale). A quoted list for an `in (...)`, or none.
#}
{% macro files_loaded_since(table_path, watermark) -%}
    {%- if watermark is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set files = run_query(
        'select file_path from ' ~ source('landing', 'landing_files')
        ~ " where table_path = '" ~ table_path ~ "' and loaded_at > " ~ watermark
        ~ ' order by file_path'
    ).columns[0].values() -%}
    {%- set quoted = [] -%}
    {%- for file in files -%}
        {%- do quoted.append("'" ~ file | replace("'", "''") ~ "'") -%}
    {%- endfor -%}
    {{ return(quoted | join(', ') or none) }}
{%- endmacro %}

{#
    The condition on {{ this }} (alias `staged`) of a stale staged row: it
    came from a file loaded again since (`files`, from files_loaded_since)
    and raw no longer holds it, because the file's new content dropped or
    changed that row (cs_analytics/landing/file_diff.py keeps the rows that
    stayed, with their stamps).
#}
{% macro stale_staged_row(source_relation, files) -%}
    staged._source_file in ({{ files }})
    and not exists (
        select 1 from {{ source_relation }} as raw_rows
        where
            raw_rows._source_file = staged._source_file
            and raw_rows._source_row = staged._source_row
            and raw_rows._loaded_at = staged._loaded_at
    )
{%- endmacro %}

{# Whether {{ this }} holds stale rows (see stale_staged_row); false on a full build. #}
{% macro has_stale_staged_rows(source_relation, files) -%}
    {%- if files is none -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set found = run_query(
        'select count(*) from ' ~ this ~ ' as staged where '
        ~ cs_analytics.stale_staged_row(source_relation, files)
    ).rows[0][0] -%}
    {{ return(found > 0) }}
{%- endmacro %}

{#
    Pre-hook: delete the stale rows (see stale_staged_row) of events that raw
    no longer holds at all. Stale rows whose event raw still holds stay for
    the model, which stages that event again from raw.
#}
{% macro delete_vanished_staged_rows(source_name, table_name, key) -%}
    {%- set relation = source(source_name, table_name) -%}
    {%- set files = cs_analytics.files_loaded_since(
        source_name ~ '/' ~ table_name, cs_analytics.staged_watermark()
    ) -%}
    {%- if not cs_analytics.has_stale_staged_rows(relation, files) -%}
        {{ return('') }}
    {%- endif -%}
    delete from {{ this }} as staged
    where
        {{ cs_analytics.stale_staged_row(relation, files) }}
        and not exists (
            select 1 from {{ relation }} as raw_rows
            where {{ cs_analytics.landing_text('raw_rows.' ~ key) }} = staged.{{ key }}
        )
{%- endmacro %}
