{# docs/metrics.md: opening(m) = closing(m−1), exactly; the first month opens at 0. #}
{{ config(severity='error') }}

with

bridge as (

    select
        month,
        opening_mrr,
        lag(closing_mrr) over (order by month) as previous_closing_mrr,
        opening_accounts,
        lag(closing_accounts) over (order by month) as previous_closing_accounts
    from {{ ref('rpt_mrr_bridge') }}

)

select *
from bridge
where
    opening_mrr <> coalesce(previous_closing_mrr, 0)
    or opening_accounts <> coalesce(previous_closing_accounts, 0)
