{#
    Schemas are exactly the folder's `+schema` (staging, intermediate, marts,
    audit, reference): BI tools and the publish step address `marts` by name,
    so dbt's default `<target>_<custom>` prefix would break the interface.
#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema | trim }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
