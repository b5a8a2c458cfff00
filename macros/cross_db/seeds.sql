{#
    Loading a seed's rows on Spark. dbt-spark's own version (1.11) pastes each
    value into the INSERT unescaped through the session cursor's `%`
    formatting: a text value with an apostrophe breaks the statement
    (seeds/health_rules.csv), an empty cell becomes the text 'None' instead
    of NULL, and every number goes through a Python float. This one writes
    each value as a Spark literal: NULL, true/false, the number's exact
    digits, or a string with backslash escapes (Spark reads '' inside a
    literal as two adjacent literals, not as a quote). Other adapters keep
    dbt's default, which binds parameters.
#}
{% macro spark__load_csv_rows(model, agate_table) %}
    {%- set column_override = model['config'].get('column_types', {}) -%}
    {%- set types = [] -%}
    {%- for column_name in agate_table.column_names -%}
        {%- do types.append(
            column_override.get(column_name, adapter.convert_type(agate_table, loop.index0))
        ) -%}
    {%- endfor -%}
    {%- set statements = [] -%}
    {%- for chunk in agate_table.rows | batch(get_batch_size()) -%}
        {%- set sql -%}
            insert into {{ this.render() }} values
            {% for row in chunk -%}
                ({%- for value in row -%}
                    cast({{ cs_analytics.spark_seed_literal(value) }} as {{ types[loop.index0] }})
                    {%- if not loop.last %}, {% endif -%}
                {%- endfor -%})
                {%- if not loop.last %},{% endif %}
            {% endfor %}
        {%- endset -%}
        {%- do adapter.add_query(sql, abridge_sql_log=True) -%}
        {%- do statements.append(sql) -%}
    {%- endfor -%}
    {#- The SQL of the first batch, for the compiled file, as dbt's version returns -#}
    {{ return(statements[0] if statements else '') }}
{% endmacro %}

{# One agate value as a Spark SQL literal. #}
{% macro spark_seed_literal(value) -%}
    {%- if value is none -%}
        null
    {%- elif value is boolean -%}
        {{ 'true' if value else 'false' }}
    {%- elif value is number -%}
        {{ value }}
    {%- elif value is string -%}
        '{{ value | replace('\\', '\\\\') | replace("'", "\\'") }}'
    {%- else -%}
        {#- dates and datetimes: ISO text, which the cast reads back -#}
        '{{ value.isoformat(' ') if value.hour is defined else value.isoformat() }}'
    {%- endif -%}
{%- endmacro %}
