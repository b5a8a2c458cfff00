{#
    The slices of the sliced marts (docs/metrics.md: retention KPIs, churn
    cohorts, onboarding, the health backtest), declared once in the dbt var
    `slice_dimensions` (dbt_project.yml). Three kinds of entry:

    - `all`: every member, slice_value 'all';
    - an account attribute: slice_value the member's value of the column of
      that name (segment, touch_model, region);
    - `product`: account × product members, slice_value their product_id.

    A mart whose members are accounts (survival, onboarding, the backtest)
    slices by `all` and the attributes; one that also counts account ×
    product members (retention KPIs, cohort retention) adds `product`.
#}

{% macro slice_dimensions() -%}
    {{ return(var('slice_dimensions')) }}
{%- endmacro %}

{# The entries that slice accounts: `all` and the account attributes. #}
{% macro account_slice_dimensions() -%}
    {{ return(cs_analytics.slice_dimensions() | reject('equalto', 'product') | list) }}
{%- endmacro %}

{# The account attributes alone: the columns an account is sliced by. #}
{% macro account_slice_attributes() -%}
    {{ return(cs_analytics.account_slice_dimensions() | reject('equalto', 'all') | list) }}
{%- endmacro %}

{#
    The account attributes of `relation` as slice columns, `unknown` where
    the account has none (current attributes, applied to its whole history).
#}
{% macro account_slice_columns(relation) -%}
    {%- for attribute in cs_analytics.account_slice_attributes() %}
    coalesce({{ relation }}.{{ attribute }}, 'unknown') as {{ attribute }}
    {%- if not loop.last %},{% endif %}
    {%- endfor %}
{%- endmacro %}

{# The SQL expression of a row's slice_value for `dimension`. #}
{% macro slice_value(dimension) -%}
    {%- if dimension == 'all' -%}
        'all'
    {%- elif dimension == 'product' -%}
        product_id
    {%- else -%}
        {{ dimension }}
    {%- endif -%}
{%- endmacro %}

{#
    The rows of `relation` once per dimension in `dimensions`, with
    slice_dimension and slice_value in front of `columns` (all of the
    relation's by default), as a union all.
#}
{% macro slice_rows(relation, dimensions, columns=none) -%}
    {%- for dimension in dimensions %}
    {%- if not loop.first %}

    union all
{% endif %}
    select
        '{{ dimension }}' as slice_dimension,
        {{ cs_analytics.slice_value(dimension) }} as slice_value,
        {{ columns if columns else relation ~ '.*' }}
    from {{ relation }}
    {%- endfor %}
{%- endmacro %}

{#
    Members of both kinds sliced: the account members (`account_relation`)
    by `all` and the account attributes, the account × product members
    (`product_relation`) by product, each with its own `columns`.
#}
{% macro member_slice_rows(
    account_relation, product_relation, account_columns=none, product_columns=none
) -%}
    {{ cs_analytics.slice_rows(
        account_relation, cs_analytics.account_slice_dimensions(), account_columns
    ) }}
    {%- if 'product' in cs_analytics.slice_dimensions() %}

    union all
{{ cs_analytics.slice_rows(product_relation, ['product'], product_columns) }}
    {%- endif %}
{%- endmacro %}
