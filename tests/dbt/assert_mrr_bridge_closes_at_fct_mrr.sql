{# The bridge's closing MRR and accounts are exactly what fct_mrr holds that month. #}
{{ config(severity='error') }}

with

mrr as (

    select
        month,
        sum(mrr) as mrr,
        count(distinct account_id) as accounts
    from {{ ref('fct_mrr') }}
    group by month

)

select
    bridge.month,
    bridge.closing_mrr,
    mrr.mrr,
    bridge.closing_accounts,
    mrr.accounts
from {{ ref('rpt_mrr_bridge') }} as bridge
left join mrr
    on bridge.month = mrr.month
where
    bridge.closing_mrr <> coalesce(mrr.mrr, 0)
    or bridge.closing_accounts <> coalesce(mrr.accounts, 0)
