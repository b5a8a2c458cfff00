{#
    The sums of the retention KPIs: int_revenue__retention_slice_months adds
    them up per slice and month, rpt_retention_kpis pools them over each
    window before taking ratios (docs/metrics.md, Retention and growth KPIs).
    Money first, then account counts.
#}
{% macro retention_measures() %}
    {{ return([
        'base_mrr',
        'churn_mrr',
        'contraction_mrr',
        'expansion_mrr',
        'upsell_mrr',
        'cross_sell_mrr',
        'new_mrr',
        'reactivation_mrr',
        'closing_mrr',
        'trailing_12m_base_mrr',
        'trailing_12m_current_mrr',
        'trailing_12m_retained_mrr',
        'base_accounts',
        'churned_accounts',
        'contracted_accounts',
        'expanded_accounts',
        'upsell_accounts',
        'cross_sell_accounts',
        'new_accounts',
        'reactivated_accounts',
        'paying_accounts',
        'trailing_12m_base_accounts',
    ]) }}
{% endmacro %}
