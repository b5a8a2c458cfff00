{#
    Row rules of the facts, the marts whose rows grow with accounts × time
    (docs/marts_interface.md, "Column values"): dbt runs them in the database, so
    a check costs one scan at any size and needs no memory of its own, and an
    `error` test (the default) stops the night before publish. Each returns
    the failing rows whole, so the night's message shows their keys and values.
    The GX mart suites (expectations/mart_suites.py) keep the small marts.
#}

{# Values in [min_value, max_value] (either bound optional); NULL passes. #}
{% test accepted_range(model, column_name, min_value=none, max_value=none) %}
    {%- set outside = [] -%}
    {%- if min_value is not none -%}
        {%- do outside.append(column_name ~ ' < ' ~ min_value) -%}
    {%- endif -%}
    {%- if max_value is not none -%}
        {%- do outside.append(column_name ~ ' > ' ~ max_value) -%}
    {%- endif -%}
    {%- if not outside -%}
        {{ exceptions.raise_compiler_error('accepted_range on ' ~ column_name ~ ' has no bound') }}
    {%- endif %}
select *
from {{ model }}
where {{ outside | join(' or ') }}
{% endtest %}

{# Every row satisfies `expression` (SQL over the model's columns); NULL passes. #}
{% test expression_is_true(model, expression) %}
select *
from {{ model }}
where not ({{ expression }})
{% endtest %}

{#
    The column's period was reported by AS_OF_DATE: a `day` ended before it
    (its end is the knowledge cut-off), a `month` began by it (the current
    month is reported so far). NULL passes.
#}
{% test reported_by_as_of_date(model, column_name, period='day') %}
    {%- set as_of = cs_analytics.as_of_date_literal() -%}
select *
from {{ model }}
where
    {%- if period == 'day' %}
    {{ column_name }} >= {{ as_of }}
    {%- elif period == 'month' %}
    {{ column_name }} > {{ dbt.date_trunc('month', as_of) }}
    {%- else %}
    {{ exceptions.raise_compiler_error('reported_by_as_of_date: period is day or month') }}
    {%- endif %}
{% endtest %}
