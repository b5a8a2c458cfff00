{#
    What each surviving account is made of: the CRM accounts merged into it
    and the billing customers whose revenue it carries. The hash changes when
    a merge or a re-pointed billing customer changes the account, and the
    incremental health models then recompute that account's whole history
    (see macros/health/health_incremental.sql).
#}

with

merge_map as (

    select * from {{ ref('int_accounts__merge_map') }}

),

customer_accounts as (

    select * from {{ ref('int_accounts__billing_customers') }}

),

members as (

    select
        surviving_account_id as account_id,
        {{ dbt.concat(["'crm:'", 'account_id']) }} as member
    from merge_map

    union all

    select
        account_id,
        {{ dbt.concat(["'billing:'", 'customer_id']) }} as member
    from customer_accounts

),

composed as (

    select
        account_id,
        count(*) as member_count,
        {{ sorted_listagg('member', "','") }} as members
    from members
    group by account_id

)

select
    account_id,
    cast(member_count as {{ dbt.type_bigint() }}) as member_count,
    {{ dbt.hash(dbt.concat(['account_id', "'='", 'members'])) }} as composition_hash
from composed
