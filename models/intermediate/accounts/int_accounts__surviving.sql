{#
    One row per account revenue and activity roll up to: every CRM account
    that was not merged into another, plus a stand-in account for each billing
    customer the CRM does not know. Blank segments are derived from employee
    count (seed `segment_cutoffs`), blank touch models from the segment's
    default; an account with neither segment nor employee count is `unknown`.
#}

with

crm_accounts as (

    select * from {{ ref('stg_crm__accounts') }}

),

merge_map as (

    select * from {{ ref('int_accounts__merge_map') }}

),

customer_accounts as (

    select * from {{ ref('int_accounts__billing_customers') }}

),

segment_cutoffs as (

    select * from {{ ref('segment_cutoffs') }}

),

survivors as (

    select crm_accounts.*
    from crm_accounts
    inner join merge_map
        on crm_accounts.account_id = merge_map.account_id
    where merge_map.account_id = merge_map.surviving_account_id

),

stand_ins as (

    select
        account_id,
        min(created_at) as created_at
    from customer_accounts
    where is_stand_in_account and not is_test
    group by account_id

),

all_accounts as (

    select
        account_id,
        account_name,
        industry,
        region,
        country,
        employee_count,
        segment as recorded_segment,
        touch_model as recorded_touch_model,
        csm_owner_id,
        created_at,
        false as is_stand_in_account
    from survivors

    union all

    select
        account_id,
        account_id as account_name,
        cast(null as {{ dbt.type_string() }}) as industry,
        cast(null as {{ dbt.type_string() }}) as region,
        cast(null as {{ dbt.type_string() }}) as country,
        cast(null as {{ dbt.type_bigint() }}) as employee_count,
        cast(null as {{ dbt.type_string() }}) as recorded_segment,
        cast(null as {{ dbt.type_string() }}) as recorded_touch_model,
        cast(null as {{ dbt.type_string() }}) as csm_owner_id,
        created_at,
        true as is_stand_in_account
    from stand_ins

),

with_segment as (

    select
        all_accounts.*,
        coalesce(
            all_accounts.recorded_segment,
            by_size.segment,
            'unknown'
        ) as segment
    from all_accounts
    left join segment_cutoffs as by_size
        on
            all_accounts.recorded_segment is null
            and all_accounts.employee_count >= by_size.min_employee_count
            and (
                by_size.max_employee_count is null
                or all_accounts.employee_count <= by_size.max_employee_count
            )

),

with_touch_model as (

    select
        with_segment.*,
        coalesce(
            with_segment.recorded_touch_model,
            segment_default.default_touch_model,
            -- An unknown segment gets the lightest coverage until the CRM says more.
            'tech'
        ) as touch_model
    from with_segment
    left join segment_cutoffs as segment_default
        on with_segment.segment = segment_default.segment

)

select
    account_id,
    account_name,
    industry,
    region,
    country,
    employee_count,
    segment,
    touch_model,
    recorded_segment is null and segment <> 'unknown' as is_segment_derived,
    recorded_touch_model is null as is_touch_model_derived,
    csm_owner_id,
    created_at,
    is_stand_in_account
from with_touch_model
