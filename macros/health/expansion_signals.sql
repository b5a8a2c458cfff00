{#
    Whether a measured value meets a registry threshold
    (seeds/expansion_signal_registry.csv, column `comparison`).
#}
{% macro expansion_signal_holds(value, comparison, threshold) -%}
    (case {{ comparison }}
        when 'gte' then {{ value }} >= {{ threshold }}
        when 'gt' then {{ value }} > {{ threshold }}
        when 'lte' then {{ value }} <= {{ threshold }}
        when 'lt' then {{ value }} < {{ threshold }}
        when 'eq' then {{ value }} = {{ threshold }}
        else false
    end)
{%- endmacro %}
