{#
    The rows a GX raw suite validates before dbt runs (expectations/raw_suites.py),
    rendered from the contract (the source's meta) and staging's own parsers
    (landing_values.sql), so the checks read every value exactly as staging
    will. Per contract column: its parsed value; for a typed column also its
    landing text (`<column>__text`, blank = NULL) and `<column>__unparsable`,
    the text when it does not parse. Then `_loaded_at`, `_source_file`,
    `_source_row` to name a failing row.

    Only the rows no passing check has validated yet: those loaded after
    `$validated_through` (raw rows never change once loaded, and `_loaded_at`
    only grows night after night; expectations/validated_rows.py). With
    `compared_by` (columns), the suite's rules compare rows with each other:
    the query then also returns the rows loaded earlier that share those
    columns with a new row, and `_key_rank`, 1 on the row staging keeps of
    each primary key (the primary key must include `compared_by`, so every
    key's rows are there).

    `python -m expectations.register` renders these queries once and stores
    them with the suites. The reporting timezone stays a query parameter
    (`$reporting_timezone`), bound by the check at run time, like
    `$validated_through`.
#}
{% macro landing_check_query(source_name, table_name, compared_by=none) -%}
    {%- set table = cs_analytics.landing_table(source_name, table_name) -%}
    {%- set zone = '__reporting_timezone__' -%}
    {%- set values = [] -%}
    {%- for column in table.columns -%}
        {%- set text = cs_analytics.landing_text(column.name) -%}
        {%- set parsed = cs_analytics.landing_value(column.name, column.type, tz=zone) -%}
        {%- do values.append(parsed ~ ' as ' ~ column.name) -%}
        {%- if column.type != 'string' -%}
            {%- do values.append(text ~ ' as ' ~ column.name ~ '__text') -%}
            {%- do values.append(
                'case when ' ~ text ~ ' is not null and ' ~ parsed ~ ' is null then '
                ~ text ~ ' end as ' ~ column.name ~ '__unparsable'
            ) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if compared_by and execute -%}
        {%- for column in compared_by if column not in table.primary_key -%}
            {{ exceptions.raise_compiler_error(
                table.path ~ ': compared_by column ' ~ column ~ ' is not in the primary key'
            ) }}
        {%- endfor -%}
    {%- endif -%}
    {%- set query -%}
    {%- if compared_by %}
with parsed as (
    select
        {{ values | join(',\n        ') }},
        _loaded_at,
        _source_file,
        _source_row
    from {{ table.relation }}
)

select
    *,
    row_number() over (
        partition by {{ table.primary_key | join(', ') }}
        order by {{ table.deduplicate_order | join(', ') }}
    ) as _key_rank
from parsed
where
    _loaded_at > $validated_through
    or exists (
        select 1
        from parsed as new_rows
        where
            new_rows._loaded_at > $validated_through
            {%- for column in compared_by %}
            and new_rows.{{ column }} = parsed.{{ column }}
            {%- endfor %}
    )
    {%- else %}
select
    {{ values | join(',\n    ') }},
    _loaded_at,
    _source_file,
    _source_row
from {{ table.relation }}
where _loaded_at > $validated_through
    {%- endif -%}
    {%- endset -%}
    {{ return(query | replace("'" ~ zone ~ "'", '$reporting_timezone')) }}
{%- endmacro %}

{#
    Every landing table's check query as JSON ({table path: query}), for
    `python -m expectations.register`; `compared_by` maps the table paths whose
    rules compare rows to the columns they compare them by.
#}
{% macro landing_check_queries(compared_by={}) -%}
    {%- set queries = {} -%}
    {%- for table in cs_analytics.landing_contract() -%}
        {%- do queries.update({table.path: cs_analytics.landing_check_query(
            table.system, table.name, compared_by=compared_by.get(table.path)
        )}) -%}
    {%- endfor -%}
    {{ return(tojson(queries, sort_keys=true)) }}
{%- endmacro %}
