{#
    MRR movements per account × month (docs/metrics.md, MRR movements): new,
    reactivation, expansion (split into upsell and cross_sell rows),
    contraction, churn and the FX effect. Amounts are signed (+ new,
    reactivation, expansion; − contraction, churn; ± fx), in the reporting
    currency. For every movement but fx, previous_mrr and current_mrr are
    MRR(m−1) and MRR(m) at month m's rates, so a currency swing never shows
    as expansion or contraction; for fx they are MRR(m−1) at m−1's and at
    m's rates.
#}

with

changes as (

    select * from {{ ref('int_revenue__mrr_account_movements') }}
    where movement_type is not null

),

fx_effects as (

    select
        month,
        account_id,
        sum(previous_mrr) as previous_mrr,
        sum(current_mrr) as current_mrr,
        sum(fx_mrr) as fx_mrr
    from {{ ref('int_revenue__mrr_fx_effects') }}
    group by month, account_id

),

movements as (

    select
        month,
        account_id,
        movement_type,
        cast(null as {{ dbt.type_string() }}) as movement_subtype,
        current_mrr - previous_mrr as amount,
        previous_mrr,
        current_mrr
    from changes
    where movement_type in ('new', 'reactivation', 'contraction', 'churn')

    union all

    select
        month,
        account_id,
        movement_type,
        'upsell' as movement_subtype,
        current_mrr - previous_mrr - cross_sell_mrr as amount,
        previous_mrr,
        current_mrr
    from changes
    where
        movement_type = 'expansion'
        and current_mrr - previous_mrr - cross_sell_mrr > 0

    union all

    select
        month,
        account_id,
        movement_type,
        'cross_sell' as movement_subtype,
        cross_sell_mrr as amount,
        previous_mrr,
        current_mrr
    from changes
    where
        movement_type = 'expansion'
        and cross_sell_mrr > 0

    union all

    select
        month,
        account_id,
        'fx' as movement_type,
        cast(null as {{ dbt.type_string() }}) as movement_subtype,
        fx_mrr as amount,
        previous_mrr,
        current_mrr
    from fx_effects
    where fx_mrr <> 0

)

select
    month,
    account_id,
    cast(movement_type as {{ dbt.type_string() }}) as movement_type,
    movement_subtype,
    {{ to_money('amount') }} as amount,
    previous_mrr,
    current_mrr
from movements
