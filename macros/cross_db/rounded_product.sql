{#
    The product of `factor` over a group's rows, taken in `order_by` order
    and rounded half away from zero to `scale` decimals after every factor.

    SQL has no exact product aggregate, and exp(sum(ln(x))) is floating
    point. Exact numerators and denominators overflow 38 digits after a few
    dozen factors, so the running product is rounded at a documented scale
    instead: after n factors it is within n × 10^-scale of the exact product,
    and the same rows in the same order give the same digits on every engine.
    Factors must lie in [0, 10) (e.g. Kaplan–Meier survival factors).
#}
{% macro rounded_product(factor, order_by, scale=18) -%}
    {{ return(adapter.dispatch('rounded_product', 'cs_analytics')(factor, order_by, scale)) }}
{%- endmacro %}

{% macro default__rounded_product(factor, order_by, scale) -%}
    {{ exceptions.raise_compiler_error(
        'rounded_product has no implementation for adapter ' ~ adapter.type()
    ) }}
{%- endmacro %}

{% macro duckdb__rounded_product(factor, order_by, scale) -%}
    {%- set factor_type = 'decimal(' ~ (scale + 1) ~ ', ' ~ scale ~ ')' -%}
    list_reduce(
        list(cast({{ factor }} as {{ factor_type }}) order by {{ order_by }}),
        (running_product, next_factor) -> cast(running_product * next_factor as {{ factor_type }})
    )
{%- endmacro %}

{% macro spark__rounded_product(factor, order_by, scale) -%}
    {%- set factor_type = 'decimal(' ~ (scale + 1) ~ ', ' ~ scale ~ ')' -%}
    aggregate(
        transform(
            array_sort(collect_list(struct(
                {{ order_by }} as sort_key, cast({{ factor }} as {{ factor_type }}) as factor
            ))),
            entry -> entry.factor
        ),
        cast(1 as {{ factor_type }}),
        (running_product, next_factor) -> cast(running_product * next_factor as {{ factor_type }})
    )
{%- endmacro %}
