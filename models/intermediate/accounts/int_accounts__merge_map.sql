{#
    Every CRM account id mapped to the account its data rolls up to: the end
    of its chain of merges (A merged into B merged into C: A, B and C all map
    to C). Chains are followed by unrolled self-joins rather than a recursive
    CTE, which Spark lacks; a chain still unresolved after `max_hops` is a
    cycle (or absurdly deep) and fails the build through this model's test.

    Only accounts that were merged walk the chain, and each hop looks up
    only merged accounts: the hops stay as small as the merges, not the
    CRM. One last lookup over all accounts tells a surviving target from an
    id the CRM does not know.
#}
{% set max_hops = 16 %}

with

accounts as (

    select
        account_id,
        merged_into_account_id
    from {{ ref('stg_crm__accounts') }}

),

merged as (

    select * from accounts
    where merged_into_account_id is not null

),

hop_0 as (

    select
        account_id,
        account_id as current_account_id,
        merged_into_account_id as next_account_id,
        0 as merge_depth
    from merged

),

{% for hop in range(1, max_hops) %}
-- One step along the chain where the next account was itself merged.
hop_{{ hop }} as (

    select
        hop_{{ hop - 1 }}.account_id,
        coalesce(next_account.account_id, hop_{{ hop - 1 }}.current_account_id)
            as current_account_id,
        coalesce(next_account.merged_into_account_id, hop_{{ hop - 1 }}.next_account_id)
            as next_account_id,
        hop_{{ hop - 1 }}.merge_depth
        + case when next_account.account_id is not null then 1 else 0 end as merge_depth
    from hop_{{ hop - 1 }}
    left join merged as next_account
        on hop_{{ hop - 1 }}.next_account_id = next_account.account_id

),
{% endfor %}

chains as (

    select
        final_hop.account_id,
        coalesce(chain_end.account_id, final_hop.current_account_id) as surviving_account_id,
        final_hop.merge_depth
        + case when chain_end.account_id is not null then 1 else 0 end as merge_depth,
        -- Still pointing at a merged account after every hop: the chain loops.
        chain_end.merged_into_account_id is not null as is_merge_cycle,
        -- The chain ends at an id the CRM does not know: the data stays on
        -- the last known account of the chain.
        chain_end.account_id is null as has_unknown_merge_target
    from hop_{{ max_hops - 1 }} as final_hop
    -- The last of the max_hops steps, into any account.
    left join accounts as chain_end
        on final_hop.next_account_id = chain_end.account_id

),

resolved as (

    select
        accounts.account_id,
        coalesce(chains.surviving_account_id, accounts.account_id) as surviving_account_id,
        coalesce(chains.merge_depth, 0) as merge_depth,
        accounts.merged_into_account_id,
        coalesce(chains.is_merge_cycle, false) as is_merge_cycle,
        coalesce(chains.has_unknown_merge_target, false) as has_unknown_merge_target
    from accounts
    left join chains
        on accounts.account_id = chains.account_id

)

select
    account_id,
    surviving_account_id,
    merge_depth,
    merged_into_account_id,
    is_merge_cycle,
    has_unknown_merge_target
from resolved
