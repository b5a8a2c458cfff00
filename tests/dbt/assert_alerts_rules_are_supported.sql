-- Every alert rule names a metric fct_cs_alerts knows, a claimed outcome the
-- backtest can look for, and the threshold and window its metric needs; an
-- unknown metric would never fire, silently.
select
    rule_id,
    metric,
    threshold,
    window_days,
    claimed_outcome
from {{ ref('cs_alert_rules') }}
where
    metric not in (
        'red_band',
        'score_drop_30d',
        'churn_notices',
        'failed_payments',
        'renewal_due_at_risk',
        'first_expansion_signals'
    )
    or claimed_outcome is null
    or claimed_outcome not in ('churn', 'contraction', 'expansion')
    or (metric <> 'red_band' and threshold is null)
    or (metric = 'red_band' and threshold is not null)
    or (
        metric in ('churn_notices', 'failed_payments', 'first_expansion_signals')
        and (window_days is null or window_days < 1)
    )
    or (metric = 'renewal_due_at_risk' and threshold < 1)
