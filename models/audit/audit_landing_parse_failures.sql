{#
    Per landing table and contract column, this run: how many values were
    present, blank, and (typed columns) present but unparsable. Staging casts
    with try_cast, so an unparsable value would otherwise become NULL without
    a trace; a blank is counted whatever its rule. One scan per table.

    What blocks is the contract's (models/staging/*/_*__sources.yml, column
    meta `blank` and `unparsable`), enforced by the GX raw suites before dbt
    runs; this relation is the record, and its test reports every unparsable
    value as a warning.
#}

{%- set tables = landing_contract() -%}

with

{% for table in tables %}
{{ table.system }}__{{ table.name }} as (

    select
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

),
{% endfor %}

columns_audited as (

    {% for table in tables %}
    {%- set outer_loop = loop %}
    {% for column in table.columns %}
    select
        '{{ table.path }}' as table_path,
        '{{ column.name }}' as column_name,
        '{{ column.type }}' as landing_type,
        '{{ column.blank }}' as blank_rule,
        '{{ column.unparsable }}' as unparsable_rule,
        rows_read,
        coalesce({{ column.name }}__present, 0) as values_present,
        rows_read - coalesce({{ column.name }}__present, 0) as values_blank,
        {% if column.type != 'string' -%}
        coalesce({{ column.name }}__unparsable, 0) as values_unparsable,
        {{ column.name }}__example as example_unparsable_value
        {%- else -%}
        0 as values_unparsable,
        null as example_unparsable_value
        {%- endif %}
    from {{ table.system }}__{{ table.name }}
    {{ 'union all' if not (loop.last and outer_loop.last) }}
    {% endfor %}
    {% endfor %}

)

select
    table_path,
    column_name,
    landing_type,
    blank_rule,
    unparsable_rule,
    rows_read,
    values_present,
    values_blank,
    values_unparsable,
    cast(example_unparsable_value as {{ dbt.type_string() }}) as example_unparsable_value,
    cast(table_path as {{ dbt.type_string() }}) || '.' || column_name as audited_column
from columns_audited
