-- Every registry signal names a metric and a comparison fct_expansion_signals
-- knows, with a positive window; an unknown one would never fire, silently.
select
    signal_code,
    metric,
    comparison,
    window_days
from {{ ref('expansion_signal_registry') }}
where
    metric not in (
        'seat_utilisation',
        'active_user_growth',
        'green_with_unowned_family',
        'higher_tier_feature_events'
    )
    or comparison not in ('gte', 'gt', 'lte', 'lt', 'eq')
    or window_days is null
    or window_days < 1
    or threshold is null
