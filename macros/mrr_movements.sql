{#
    The movement rules of docs/metrics.md (MRR movements), shared by the account-
    and the product-level models. prev and cur are MRR(m−1) and MRR(m), both
    at month m's rates; last_paid_month is the latest month before m with
    MRR > 0 (NULL when none).
#}

{% macro mrr_movement_type(prev, cur, last_paid_month, month) -%}
    {%- set window = var('reactivation_window_months') | int -%}
    case
        when {{ prev }} = 0 and {{ cur }} > 0
            then case
                when {{ last_paid_month }} is null then 'new'
                {% if window > 0 -%}
                when {{ dbt.datediff(last_paid_month, month, 'month') }} > {{ window }} then 'new'
                {% endif -%}
                else 'reactivation'
            end
        when {{ prev }} > 0 and {{ cur }} > {{ prev }} then 'expansion'
        when {{ prev }} > 0 and {{ cur }} > 0 and {{ cur }} < {{ prev }} then 'contraction'
        when {{ prev }} > 0 and {{ cur }} = 0 then 'churn'
    end
{%- endmacro %}
