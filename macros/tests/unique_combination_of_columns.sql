{#
    A compound primary key: no two rows share the same values of
    `combination_of_columns` (a NULL part counts as a value, as in GROUP BY).
    It groups the columns as they are typed, instead of testing `unique` on
    a concatenated string: no casts to text (which Spark and DuckDB spell
    differently), no separator that a value could contain, and on the
    largest tables (the usage rollups, the daily health components) a
    fraction of the time, since nothing is formatted and hashed as text.
#}
{% test unique_combination_of_columns(model, combination_of_columns) %}
    {{ return(adapter.dispatch('test_unique_combination_of_columns', 'cs_analytics')(
        model, combination_of_columns
    )) }}
{% endtest %}

{% macro default__test_unique_combination_of_columns(model, combination_of_columns) %}
{%- set columns = combination_of_columns | join(', ') %}
select
    {{ columns }},
    count(*) as duplicate_rows
from {{ model }}
group by {{ columns }}
having count(*) > 1
{% endmacro %}

{#- As duckdb__test_unique: on a whole table, the repeated hashes first, then the exact test on them. -#}
{% macro duckdb__test_unique_combination_of_columns(model, combination_of_columns) %}
{%- if not cs_analytics.reads_whole_table(model) -%}
    {{ return(cs_analytics.default__test_unique_combination_of_columns(model, combination_of_columns)) }}
{%- endif %}
{%- set columns = combination_of_columns | join(', ') %}
with

repeated_hashes as (

    select hash({{ columns }}) as key_hash
    from {{ model }}
    group by hash({{ columns }})
    having count(*) > 1

)

select
    {{ columns }},
    count(*) as duplicate_rows
from {{ model }}
where hash({{ columns }}) in (select repeated_hashes.key_hash from repeated_hashes)
group by {{ columns }}
having count(*) > 1
{% endmacro %}
