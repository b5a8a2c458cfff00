{#
    Each billing customer with the CRM account its revenue belongs to: the
    surviving account after merges, or a stand-in `billing:<customer_id>` when
    the CRM does not know the customer's account (kept, never dropped).
#}

with

customers as (

    select * from {{ ref('stg_billing__customers') }}

),

merge_map as (

    select * from {{ ref('int_accounts__merge_map') }}

),

attributed as (

    select
        customers.customer_id,
        customers.account_id as crm_account_id,
        coalesce(
            merge_map.surviving_account_id,
            {{ dbt.concat(["'billing:'", 'customers.customer_id']) }}
        ) as account_id,
        merge_map.account_id is null as is_stand_in_account,
        customers.currency,
        coalesce(customers.is_test, false) as is_test,
        customers.created_at
    from customers
    left join merge_map
        on customers.account_id = merge_map.account_id

)

select
    customer_id,
    crm_account_id,
    account_id,
    is_stand_in_account,
    currency,
    is_test,
    created_at
from attributed
