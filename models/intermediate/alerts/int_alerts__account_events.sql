{#
    The dated account events the alert rules count (docs/metrics.md,
    Alerts): one row per surviving account, local day and metric of seed
    cs_alert_rules, with the number of events known that day.

    - churn_notices: churn notices by the local day they were given
      (notice_at, their knowledge time), for the account billing the
      notice's subscription when billing knows it, else the notice's own
      account (the attribution fct_churn_events uses). A notice with no
      notice_at cannot be placed in time and is left out.
    - failed_payments: failed payment attempts by the local day of
      attempted_at, for the account billed by the invoice's customer. Test
      customers are left out.

    Events at or after the as-of instant are not part of the run.
#}

with

notices as (

    select * from {{ ref('int_accounts__churn_reasons_attributed') }}

),

subscriptions as (

    select * from {{ ref('stg_billing__subscriptions') }}

),

payments as (

    select * from {{ ref('stg_billing__payments') }}

),

invoices as (

    select * from {{ ref('stg_billing__invoices') }}

),

billing_customers as (

    select * from {{ ref('int_accounts__billing_customers') }}

),

subscription_accounts as (

    select
        subscriptions.subscription_id,
        billing_customers.account_id
    from subscriptions
    inner join billing_customers
        on subscriptions.customer_id = billing_customers.customer_id

),

notice_days as (

    select
        coalesce(subscription_accounts.account_id, notices.account_id) as account_id,
        {{ local_date('notices.notice_at') }} as event_date,
        'churn_notices' as metric
    from notices
    left join subscription_accounts
        on notices.subscription_id = subscription_accounts.subscription_id
    where
        notices.notice_at is not null
        and notices.notice_at < {{ as_of_instant() }}

),

failed_payment_days as (

    select
        billing_customers.account_id,
        {{ local_date('payments.attempted_at') }} as event_date,
        'failed_payments' as metric
    from payments
    inner join invoices
        on payments.invoice_id = invoices.invoice_id
    inner join billing_customers
        on invoices.customer_id = billing_customers.customer_id
    where
        payments.status = 'failed'
        and payments.attempted_at is not null
        and payments.attempted_at < {{ as_of_instant() }}
        and not billing_customers.is_test

),

events as (

    select
        account_id,
        event_date,
        metric
    from notice_days

    union all

    select
        account_id,
        event_date,
        metric
    from failed_payment_days

)

select
    account_id,
    event_date,
    cast(metric as {{ dbt.type_string() }}) as metric,
    cast(count(*) as {{ dbt.type_bigint() }}) as events
from events
group by account_id, event_date, metric
