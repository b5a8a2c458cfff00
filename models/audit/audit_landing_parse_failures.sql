{#
    Per landing table and typed column, this run: how many values were
    present and how many did not parse (staging casts with try_cast, so such
    a value would otherwise become NULL without a trace). One scan per table.
    The blocking rule for revenue columns is the GX raw suites'
    (expectations/suites.py, BLOCKING_PARSE_COLUMNS); this relation is the
    record, and its test reports every unparsable value as a warning.
#}

{%- set parsers = {
    'integer': cs_analytics.landing_integer,
    'decimal': cs_analytics.landing_decimal,
    'date': cs_analytics.landing_date,
    'timestamp': cs_analytics.landing_timestamp,
    'boolean': cs_analytics.landing_boolean,
} -%}
{%- set typed = landing_typed_columns() -%}

with

{% for table_path, columns in typed.items() %}
{%- set system, name = table_path.split('/') %}
{{ system }}__{{ name }} as (

    select
        {% for column, type in columns -%}
        sum(
            case when {{ landing_text(column) }} is not null then 1 else 0 end
        ) as {{ column }}__present,
        sum(
            case
                when
                    {{ landing_text(column) }} is not null
                    and {{ parsers[type](column) }} is null
                    then 1
                else 0
            end
        ) as {{ column }}__unparsable,
        min(
            case
                when
                    {{ landing_text(column) }} is not null
                    and {{ parsers[type](column) }} is null
                    then {{ landing_text(column) }}
            end
        ) as {{ column }}__example,
        {% endfor %}
        count(*) as rows_read
    from {{ source(system, name) }}

),
{% endfor %}

columns_audited as (

    {% for table_path, columns in typed.items() %}
    {%- set system, name = table_path.split('/') %}
    {%- set outer_loop = loop %}
    {% for column, type in columns %}
    select
        '{{ table_path }}' as table_path,
        '{{ column }}' as column_name,
        '{{ type }}' as landing_type,
        coalesce({{ column }}__present, 0) as values_present,
        coalesce({{ column }}__unparsable, 0) as values_unparsable,
        {{ column }}__example as example_unparsable_value
    from {{ system }}__{{ name }}
    {{ 'union all' if not (loop.last and outer_loop.last) }}
    {% endfor %}
    {% endfor %}

)

select
    table_path,
    column_name,
    landing_type,
    values_present,
    values_unparsable,
    example_unparsable_value,
    cast(table_path as {{ dbt.type_string() }}) || '.' || column_name as audited_column
from columns_audited
