{#
    Customer Success Managers: every CRM user who owns an account or has the
    `csm` role. Staff names live here only; other marts carry csm_owner_id.
#}

with

users as (

    select * from {{ ref('stg_crm__users') }}

),

accounts as (

    select * from {{ ref('int_accounts__surviving') }}

),

owners as (

    select distinct csm_owner_id
    from accounts
    where csm_owner_id is not null

),

csms as (

    select
        coalesce(users.user_id, owners.csm_owner_id) as csm_owner_id,
        users.full_name,
        users.team,
        users.role,
        users.user_id is null as is_unknown_user
    from users
    full outer join owners
        on users.user_id = owners.csm_owner_id
    where users.role = 'csm' or owners.csm_owner_id is not null

)

select
    csm_owner_id,
    full_name,
    team,
    role,
    is_unknown_user
from csms
