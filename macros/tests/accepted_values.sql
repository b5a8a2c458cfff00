{#
    dbt's accepted_values, except that a boolean value is written as a
    boolean literal even when `quote` is on (the default): dbt writes
    `values: [false]` as the text 'False', which DuckDB casts back to a
    boolean and Spark refuses to compare with one ("Input to `in` should
    all be the same type"). Every other value is rendered as dbt does.
#}
{% macro default__test_accepted_values(model, column_name, values, quote=True) %}

with all_values as (

    select
        {{ column_name }} as value_field,
        count(*) as n_records

    from {{ model }}
    group by {{ column_name }}

)

select *
from all_values
where value_field not in (
    {% for value in values -%}
        {% if value is boolean -%}
        {{ 'true' if value else 'false' }}
        {%- elif quote -%}
        '{{ value }}'
        {%- else -%}
        {{ value }}
        {%- endif -%}
        {%- if not loop.last -%},{%- endif %}
    {%- endfor %}
)

{% endmacro %}
