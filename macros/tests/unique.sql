{#
    dbt's `unique` test, on DuckDB with a cheaper first pass when it reads a
    whole table: the keys whose 64-bit hash repeats, then the exact test on
    those keys only. Grouping 300 M event ids (strings) at once ran out of
    memory beside another model (7.4 GiB used); the hashes are fixed-width
    numbers a quarter of the size, and the exact group by sees only the few
    candidates a collision or a real duplicate leaves. On 30 M ids at
    500 MB: 9.9 s and 0.5 GB spilled, against 21.0 s and 1.2 GB.
    It reads its input twice, so a view (computed twice) or a night's rows
    (a few, behind a key filter: macros/tests/get_where_subquery.sql) keep
    dbt's single pass. Other engines keep dbt's.
#}
{% macro duckdb__test_unique(model, column_name) %}
{%- if not cs_analytics.reads_whole_table(model) -%}
    {{ return(dbt.default__test_unique(model, column_name)) }}
{%- endif %}
with

repeated_hashes as (

    select hash({{ column_name }}) as key_hash
    from {{ model }}
    where {{ column_name }} is not null
    group by hash({{ column_name }})
    having count(*) > 1

)

select
    {{ column_name }} as unique_field,
    count(*) as n_records
from {{ model }}
where
    {{ column_name }} is not null
    and hash({{ column_name }}) in (select repeated_hashes.key_hash from repeated_hashes)
group by {{ column_name }}
having count(*) > 1
{% endmacro %}

{# True when a test's input is a whole table: a relation, not a filtered subquery, nor a view. #}
{% macro reads_whole_table(model) -%}
    {%- if not execute or model is string -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set relation = adapter.get_relation(model.database, model.schema, model.identifier) -%}
    {{ return(relation is not none and relation.type == 'table') }}
{%- endmacro %}
