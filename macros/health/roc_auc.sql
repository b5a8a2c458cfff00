{#
    ROC AUC in SQL with ranks (docs/metrics.md, backtest): the probability that a
    random positive (an account that churned) has a lower score than a
    random negative, ties counted half. With the rows ranked by score from
    high to low and tied rows given their average rank,
        AUC = (sum of the positives' ranks - P (P + 1) / 2) / (P N).
    Average ranks are half-integers, so the sum is kept doubled
    (2 x rank + ties - 1 per row) and the AUC is one exact division at 6
    decimals; NULL when a group has no positive or no negative. Rows with a
    NULL score are left out.

    Emits CTEs ending in `name`: the `group_by` columns, positives,
    negatives, auc.
#}

{% macro roc_auc(name, relation, group_by, score, is_positive) -%}
{{ name }}__ranked as (

    select
        {%- for column in group_by %}
        {{ column }},
        {%- endfor %}
        {{ is_positive }} as is_positive,
        rank() over (
            partition by {{ group_by | join(', ') }}
            order by {{ score }} desc
        ) as score_rank,
        count(*) over (
            partition by {{ group_by | join(', ') }}, {{ score }}
        ) as tied_rows
    from {{ relation }}
    where {{ score }} is not null

),

{{ name }}__sums as (

    select
        {%- for column in group_by %}
        {{ column }},
        {%- endfor %}
        sum(case when is_positive then 1 else 0 end) as positives,
        sum(case when is_positive then 0 else 1 end) as negatives,
        sum(case when is_positive then 2 * score_rank + tied_rows - 1 else 0 end)
            as doubled_positive_rank_sum
    from {{ name }}__ranked
    group by {{ group_by | join(', ') }}

),

{{ name }} as (

    select
        {%- for column in group_by %}
        {{ column }},
        {%- endfor %}
        cast(positives as {{ dbt.type_bigint() }}) as positives,
        cast(negatives as {{ dbt.type_bigint() }}) as negatives,
        case
            when positives > 0 and negatives > 0
                then cast(
                    {{ cs_analytics.divide_exact(
                        'doubled_positive_rank_sum - positives * (positives + 1)',
                        '2 * positives * negatives',
                        6
                    ) }} as decimal(9, 6)
                )
        end as auc
    from {{ name }}__sums

)
{%- endmacro %}
