{#
    Keep one row per key (docs/landing_contract.md): exact duplicates of a re-sent file
    collapse, and of conflicting versions the first row in `order_by` wins
    (e.g. latest updated_at, then latest load). The audit counts what this drops.
#}
{% macro deduplicate(relation, partition_by, order_by) -%}
    select *
    from (
        select
            *,
            row_number() over (
                partition by {{ partition_by | join(', ') }}
                order by {{ order_by | join(', ') }}
            ) as _dedupe_rank
        from {{ relation }}
    ) as ranked
    where _dedupe_rank = 1
{%- endmacro %}
