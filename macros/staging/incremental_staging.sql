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
    {{ return(cs_analytics.quoted_text_list(files) or none) }}
{%- endmacro %}

{#
    The condition on {{ this }} (alias `staged`) of a stale staged row: it
    came from a file loaded again since (`files`, from files_loaded_since)
    and raw no longer holds it, because the file's new content dropped or
    changed that row (cs_analytics/landing/file_diff.py keeps the rows that
    stayed, with their stamps).
#}
{% macro stale_staged_row(source_relation, files) -%}
    {#- The file list is stated again on raw's side, so the lookup reads those
        files' raw rows only: DuckDB does not carry it through the correlation
        (178.9 s against 4.0 s over 300 M staged and raw events). #}
    staged._source_file in ({{ files }})
    and not exists (
        select 1 from {{ source_relation }} as raw_rows
        where
            raw_rows._source_file in ({{ files }})
            and raw_rows._source_file = staged._source_file
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
    How far back a night looks for the staged copies of the events it reads
    (docs/landing_contract.md, "Late arrivals"): `late_arrival_window_days`
    before the earliest `column` among the raw rows loaded since `watermark`.
    A re-sent event repeats its `column`, so its staged copy is always found;
    a conflicting copy that moved it further back is a second row for the
    key, which the night's `unique` test stops on and a full refresh merges.
    A timestamp expression, or none: on a full build, on a night with no new
    rows, and on a night with stale rows, whose events are staged again from
    raw rows loaded on earlier nights (the whole table is searched then).
#}
{% macro staged_lookback(source_relation, column, watermark, has_stale) -%}
    {%- if watermark is none or has_stale -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set earliest = run_query(
        'select cast(min(' ~ cs_analytics.landing_timestamp(column) ~ ') as '
        ~ dbt.type_string() ~ ') from ' ~ source_relation ~ ' where _loaded_at > ' ~ watermark
    ).rows[0][0] -%}
    {%- if earliest is none -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return(dbt.dateadd(
        'day', -(var('late_arrival_window_days') | int), "cast('" ~ earliest ~ "' as timestamp)"
    )) }}
{%- endmacro %}

{#
    The conditions on `column` (of alias.) that together cover the staged rows
    inside `lookback` (staged_lookback), one per scan: an `or` with the
    undated rows would make DuckDB read every row group instead of the few
    whose min/max overlap the window (10.2 s against 0.2 s at 300 M events).
    One condition that holds for every row when there is no lookback.
#}
{% macro lookback_scans(column, lookback) -%}
    {%- if lookback is none -%}
        {{ return(['true']) }}
    {%- endif -%}
    {{ return([column ~ ' >= ' ~ lookback, column ~ ' is null']) }}
{%- endmacro %}

{#
    What a night of an incremental staged model reads, for its config meta
    `lookback` ({source: [name, table], column}: the landing table and the
    column of its late-arrival window): {source, watermark, files,
    has_stale, lookback} (see the macros above). The model reads it to
    compile and its strategy to write; nothing is built in between, so both
    see the same night.
#}
{% macro staged_night(lookback_of) -%}
    {%- set relation = source(lookback_of.source[0], lookback_of.source[1]) -%}
    {%- set watermark = cs_analytics.staged_watermark() -%}
    {%- set files = cs_analytics.files_loaded_since(lookback_of.source | join('/'), watermark) -%}
    {%- set has_stale = cs_analytics.has_stale_staged_rows(relation, files) -%}
    {{ return({
        'source': relation,
        'watermark': watermark,
        'files': files,
        'has_stale': has_stale,
        'lookback': cs_analytics.staged_lookback(relation, lookback_of.column, watermark, has_stale),
    }) }}
{%- endmacro %}

{#
    The incremental strategy 'delete_insert_in_lookback' (dbt calls it by
    name): delete+insert by the model's unique key whose delete reads only
    the staged rows inside the lookback of config meta `lookback`
    ({source: [name, table], column}; see staged_lookback). It first deletes
    the stale rows (see stale_staged_row) of events that raw no longer holds
    at all; stale rows whose event raw still holds go with the key delete,
    as the model stages that event again from raw. Every statement is
    decided on the table as the model read it, before anything is deleted,
    so the copies the model merged are the rows deleted.
#}
{% macro get_incremental_delete_insert_in_lookback_sql(arg_dict) -%}
    {%- set lookback_of = config.get('meta')['lookback'] -%}
    {%- set night = cs_analytics.staged_night(lookback_of) -%}
    {%- set target = arg_dict['target_relation'] -%}
    {%- set tonight = arg_dict['temp_relation'] -%}
    {%- set key = arg_dict['unique_key'] -%}
    {%- set columns = get_quoted_csv(arg_dict['dest_columns'] | map(attribute='name')) -%}
    {%- if night.has_stale %}
    delete from {{ target }} as staged
    where
        {{ cs_analytics.stale_staged_row(night.source, night.files) }}
        and not exists (
            select 1 from {{ night.source }} as raw_rows
            where {{ cs_analytics.landing_text('raw_rows.' ~ key) }} = staged.{{ key }}
        );
    {%- endif %}
    {%- for scan in cs_analytics.lookback_scans(lookback_of.column, night.lookback) %}
    delete from {{ target }}
    where
        {{ key }} in (select {{ key }} from {{ tonight }})
        and {{ scan }};
    {%- endfor %}
    insert into {{ target }} ({{ columns }})
    select {{ columns }} from {{ tonight }}
{%- endmacro %}
