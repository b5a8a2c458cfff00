{#
    The values of `measure` in one text, in ascending order, separated by
    `delimiter_text` (a SQL string literal): a text that must come out the
    same on every run, such as what a hash is taken of.
#}
{% macro sorted_listagg(measure, delimiter_text) -%}
    {{- return(adapter.dispatch('sorted_listagg', 'cs_analytics')(measure, delimiter_text)) -}}
{%- endmacro %}

{% macro default__sorted_listagg(measure, delimiter_text) -%}
    {{- return(dbt.listagg(measure, delimiter_text, 'order by ' ~ measure)) -}}
{%- endmacro %}

{# dbt-spark's listagg ignores its order (a warning): collect_list keeps whatever order the rows come in. #}
{% macro spark__sorted_listagg(measure, delimiter_text) -%}
    array_join(array_sort(collect_list({{ measure }})), {{ delimiter_text }})
{%- endmacro %}
