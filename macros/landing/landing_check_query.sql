{#
    The rows a GX raw suite validates before dbt runs (expectations/raw_suites.py),
    rendered from the contract (the source's meta) and staging's own parsers
    (landing_values.sql), so the checks read every value exactly as staging
    will. Per contract column: its parsed value; for a typed column also its
    landing text (`<column>__text`, blank = NULL) and `<column>__unparsable`,
    the text when it does not parse. With `key_rank`, `_key_rank` is 1 on the
    row staging keeps of each key. Then `_loaded_at`, `_source_file`,
    `_source_row` to name a failing row.

    `python -m expectations.register` renders these queries once and stores
    them with the suites. The reporting timezone stays a query parameter
    (`$reporting_timezone`), bound by the check at run time.
#}
{% macro landing_check_query(source_name, table_name, key_rank=false) -%}
    {%- set table = cs_analytics.landing_table(source_name, table_name) -%}
    {%- set zone = '__reporting_timezone__' -%}
    {%- set parsers = {
        'string': cs_analytics.landing_text,
        'integer': cs_analytics.landing_integer,
        'decimal': cs_analytics.landing_decimal,
        'date': cs_analytics.landing_date,
        'boolean': cs_analytics.landing_boolean,
    } -%}
    {%- set values = [] -%}
    {%- for column in table.columns -%}
        {%- set text = cs_analytics.landing_text(column.name) -%}
        {%- if column.type == 'timestamp' -%}
            {%- set parsed = cs_analytics.landing_timestamp(column.name, tz=zone) -%}
        {%- else -%}
            {%- set parsed = parsers[column.type](column.name) -%}
        {%- endif -%}
        {%- do values.append(parsed ~ ' as ' ~ column.name) -%}
        {%- if column.type != 'string' -%}
            {%- do values.append(text ~ ' as ' ~ column.name ~ '__text') -%}
            {%- do values.append(
                'case when ' ~ text ~ ' is not null and ' ~ parsed ~ ' is null then '
                ~ text ~ ' end as ' ~ column.name ~ '__unparsable'
            ) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set query -%}
select
    *
    {%- if key_rank %},
    row_number() over (
        partition by {{ table.primary_key | join(', ') }}
        order by {{ table.deduplicate_order | join(', ') }}
    ) as _key_rank
    {%- endif %}
from (
    select
        {{ values | join(',\n        ') }},
        _loaded_at,
        _source_file,
        _source_row
    from {{ table.relation }}
) as parsed
    {%- endset -%}
    {{ return(query | replace("'" ~ zone ~ "'", '$reporting_timezone')) }}
{%- endmacro %}

{#
    Every landing table's check query as JSON ({table path: query}), for
    `python -m expectations.register`; `key_rank` lists the table paths whose
    rules compare the rows staging keeps.
#}
{% macro landing_check_queries(key_rank=[]) -%}
    {%- set queries = {} -%}
    {%- for table in cs_analytics.landing_contract() -%}
        {%- do queries.update({table.path: cs_analytics.landing_check_query(
            table.system, table.name, key_rank=table.path in key_rank
        )}) -%}
    {%- endfor -%}
    {{ return(tojson(queries, sort_keys=true)) }}
{%- endmacro %}
