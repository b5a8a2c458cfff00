{#
    docs/landing_contract.md: versions of one subscription item must not overlap
    (block). A version overlaps the next when it is still open (valid_to
    NULL) or ends after the next one starts.
#}
{{ config(severity='error') }}

with

versions as (

    select
        subscription_item_id,
        valid_from,
        valid_to,
        lead(valid_from) over (
            partition by subscription_item_id
            order by valid_from
        ) as next_valid_from
    from {{ ref('stg_billing__subscription_items') }}

)

select
    subscription_item_id,
    valid_from,
    valid_to,
    next_valid_from
from versions
where
    next_valid_from is not null
    and (valid_to is null or valid_to > next_valid_from)
