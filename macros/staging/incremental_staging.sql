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
    Post-hook: delete the staged rows that came from an earlier version of a
    file loaded again since (their stamp is older than the file's), whose
    event raw no longer holds: the corrected file withdrew it. The events it
    still holds were staged again tonight with the new stamp.
#}
{% macro delete_stale_staged_rows(table_path) -%}
    {%- if not execute or not is_incremental() -%}
        {{ return('') }}
    {%- endif -%}
    delete from {{ this }} as staged
    using {{ source('landing', 'landing_files') }} as manifest
    where
        staged._source_file = manifest.file_path
        and manifest.table_path = '{{ table_path }}'
        and staged._loaded_at < manifest.loaded_at
{%- endmacro %}
