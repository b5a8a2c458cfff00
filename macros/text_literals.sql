{#
    Text values as SQL string literals for an `in (...)`, quotes doubled:
    'a', 'b''s'. Empty for no values. For values a run read itself (landing
    file paths, account ids), to filter by constants that the engine can
    push into its scans.
#}
{% macro quoted_text_list(values) -%}
    {%- for value in values %}'{{ value | replace("'", "''") }}'{{ ', ' if not loop.last }}{% endfor -%}
{%- endmacro %}
