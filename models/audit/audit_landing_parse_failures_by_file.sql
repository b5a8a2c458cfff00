{#
    Per landing file and contract column: values present and (typed
    columns) present but unparsable, what audit_landing_parse_failures adds
    up per table. Kept per file so that a night reads only the files loaded
    since the last build (new files, and files whose content changed: raw
    holds a file's current rows, cs_analytics/landing/file_diff.py); every
    other file's counts stay as they were, since its raw rows did not change.
    A file that is no longer delivered keeps its rows in raw, and its counts
    here.
#}

{{ config(
    materialized='incremental',
    incremental_strategy=cs_analytics.replace_by_key_strategy(),
    unique_key=['file_path'],
    partition_by=cs_analytics.partitioned_by(['file_path']),
    on_schema_change='fail',
) }}

{%- set tables = landing_contract() -%}
{%- set watermark = staged_watermark() -%}

with

manifest as (

    select * from {{ source('landing', 'landing_files') }}

),

{% for table in tables %}
{%- set prefix = table.system ~ '__' ~ table.name %}
{%- set files = files_loaded_since(table.path, watermark) %}
{#- a full build counts every file; `in (null)` holds for none -#}
{%- set recounted = ' in (' ~ (files or 'null') ~ ')' if is_incremental() else none %}
{{ prefix }}__counted as (

    select
        _source_file,
        max(_loaded_at) as last_loaded_at,
        {% for column in table.columns -%}
        {%- set text = landing_text(column.name) -%}
        sum(case when {{ text }} is not null then 1 else 0 end) as {{ column.name }}__present,
        {% if column.type != 'string' -%}
        {%- set parsed = landing_value(column.name, column.type) -%}
        sum(
            case when {{ text }} is not null and {{ parsed }} is null then 1 else 0 end
        ) as {{ column.name }}__unparsable,
        min(
            case when {{ text }} is not null and {{ parsed }} is null then {{ text }} end
        ) as {{ column.name }}__example,
        {% endif -%}
        {% endfor -%}
        count(*) as rows_read
    from {{ source(table.system, table.name) }}
    where {{ '_source_file' ~ recounted if recounted else 'true' }}
    group by _source_file

),

{{ prefix }}__loaded as (

    select
        file_path,
        loaded_at
    from manifest
    where
        table_path = '{{ table.path }}'
        and {{ 'file_path' ~ recounted if recounted else 'true' }}

),

{{ prefix }}__files as (

    -- a file loaded again with no rows left still replaces its earlier counts
    select
        coalesce(counted._source_file, loaded.file_path) as file_path,
        coalesce(loaded.loaded_at, counted.last_loaded_at) as _loaded_at,
        counted.*
    from {{ prefix }}__counted as counted
    full outer join {{ prefix }}__loaded as loaded
        on counted._source_file = loaded.file_path

),
{% endfor %}

columns_counted as (

    {% for table in tables %}
    {%- set outer_loop = loop %}
    {% for column in table.columns %}
    select
        '{{ table.path }}' as table_path,
        file_path,
        _loaded_at,
        '{{ column.name }}' as column_name,
        coalesce(rows_read, 0) as rows_read,
        coalesce({{ column.name }}__present, 0) as values_present,
        {% if column.type != 'string' -%}
        coalesce({{ column.name }}__unparsable, 0) as values_unparsable,
        {{ column.name }}__example as example_unparsable_value
        {%- else -%}
        0 as values_unparsable,
        null as example_unparsable_value
        {%- endif %}
    from {{ table.system }}__{{ table.name }}__files
    {{ 'union all' if not (loop.last and outer_loop.last) }}
    {% endfor %}
    {% endfor %}

)

select
    cast(table_path as {{ dbt.type_string() }}) as table_path,
    cast(file_path as {{ dbt.type_string() }}) as file_path,
    cast(column_name as {{ dbt.type_string() }}) as column_name,
    cast(_loaded_at as {{ dbt.type_timestamp() }}) as _loaded_at,
    cast(rows_read as {{ dbt.type_bigint() }}) as rows_read,
    cast(values_present as {{ dbt.type_bigint() }}) as values_present,
    cast(values_unparsable as {{ dbt.type_bigint() }}) as values_unparsable,
    cast(example_unparsable_value as {{ dbt.type_string() }}) as example_unparsable_value
from columns_counted
