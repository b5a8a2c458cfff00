{#
    MRR movements per account × product × month (docs/metrics.md, MRR movements):
    a product team's own new, reactivation, expansion, contraction and churn,
    plus the FX effect. Moving MRR between products shows here as churn or
    contraction on one and new or expansion on the other, and nets out in
    fct_mrr_movements. Amounts are signed, in the reporting currency;
    previous_mrr and current_mrr as in fct_mrr_movements.
#}

with

changes as (

    select * from {{ ref('int_revenue__mrr_product_movements') }}

),

fx_effects as (

    select * from {{ ref('int_revenue__mrr_fx_effects') }}

),

movements as (

    select
        month,
        account_id,
        product_id,
        movement_type,
        current_mrr - previous_mrr as amount,
        previous_mrr,
        current_mrr
    from changes
    where movement_type is not null

    union all

    select
        month,
        account_id,
        product_id,
        'fx' as movement_type,
        fx_mrr as amount,
        previous_mrr,
        current_mrr
    from fx_effects
    where fx_mrr <> 0

)

select
    month,
    account_id,
    product_id,
    cast(movement_type as {{ dbt.type_string() }}) as movement_type,
    {{ to_money('amount') }} as amount,
    previous_mrr,
    current_mrr
from movements
