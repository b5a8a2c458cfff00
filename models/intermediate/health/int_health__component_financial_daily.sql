{#
    The financial component per paying account-day (docs/metrics.md,
    Components). Rule in _health__models.yml; constants in seed
    health_rules, component `financial`:

        financial = max(0, 100 - failed_payment_penalty x failed payment attempts
                               - overdue_invoice_penalty x invoices overdue at some point
                                 (both in the last payments_window_days)
                               - contraction_penalty if a contraction was known in the
                                 last contraction_window_days)

    An invoice is overdue on day d when it was due before d and not paid by
    the end of d; a contraction is known at its month's snapshot (the
    month's last day).
#}

-- depends_on: {{ ref('int_health__account_composition') }}

{%- set fingerprint = health_build_fingerprint() -%}

{{ health_incremental_config('score_date') }}

with

account_days as (

    select * from {{ ref('int_health__account_days') }}

),

invoices as (

    select * from {{ ref('stg_billing__invoices') }}

),

payments as (

    select * from {{ ref('stg_billing__payments') }}

),

customer_accounts as (

    select * from {{ ref('int_accounts__billing_customers') }}

),

mrr_movements as (

    select * from {{ ref('int_revenue__mrr_account_movements') }}

),

rules as (

    {{ health_rules('financial') }}

),

spine as (

    select
        account_id,
        score_date,
        composition_hash
    from account_days
    where {{ health_in_scope(fingerprint) }}

),

-- before any invoice or payment was exported, financial is "no data"
feed as (

    select min(billing_day) as billing_from_date
    from (
        select {{ local_date('issued_at') }} as billing_day from invoices
        union all
        select {{ local_date('attempted_at') }} as billing_day from payments
    ) as billing_days

),

account_invoices as (

    select
        customer_accounts.account_id,
        invoices.invoice_id,
        invoices.status,
        invoices.amount_due,
        {{ local_date('invoices.due_at') }} as due_date,
        {{ local_date('invoices.paid_at') }} as paid_date
    from invoices
    inner join customer_accounts
        on invoices.customer_id = customer_accounts.customer_id
    where not customer_accounts.is_test

),

financial_intervals as (

    -- overdue on day d: due before d and not paid by the end of d; it counts
    -- for the window's days after its last overdue day (the day before it was paid)
    select
        account_invoices.account_id,
        cast({{ dbt.dateadd('day', 1, 'account_invoices.due_date') }} as date) as start_date,
        case
            when account_invoices.paid_date is not null
                then cast({{ dbt.dateadd(
                    'day', 'rules.payments_window_days - 2', 'account_invoices.paid_date'
                ) }} as date)
        end as end_date,
        1 as overdue_invoices_60d,
        0 as failed_payments_60d,
        0 as contractions_90d
    from account_invoices
    cross join rules
    where
        account_invoices.status not in ('void', 'draft')
        and account_invoices.amount_due > 0
        and account_invoices.due_date is not null
        and (
            account_invoices.paid_date is null
            or account_invoices.paid_date
            >= {{ dbt.dateadd('day', 2, 'account_invoices.due_date') }}
        )
        and not (account_invoices.status = 'paid' and account_invoices.paid_date is null)

    union all

    select
        account_invoices.account_id,
        {{ local_date('payments.attempted_at') }} as start_date,
        cast({{ dbt.dateadd(
            'day', 'rules.payments_window_days - 1', local_date('payments.attempted_at')
        ) }} as date) as end_date,
        0 as overdue_invoices_60d,
        1 as failed_payments_60d,
        0 as contractions_90d
    from payments
    inner join account_invoices
        on payments.invoice_id = account_invoices.invoice_id
    cross join rules
    where payments.status = 'failed' and payments.attempted_at is not null

    union all

    -- a contraction is known at its month's snapshot (the month's last day)
    select
        mrr_movements.account_id,
        cast({{ dbt.dateadd('day', -1, add_months('mrr_movements.month', 1)) }} as date)
            as start_date,
        cast({{ dbt.dateadd(
            'day', 'rules.contraction_window_days - 2', add_months('mrr_movements.month', 1)
        ) }} as date) as end_date,
        0 as overdue_invoices_60d,
        0 as failed_payments_60d,
        1 as contractions_90d
    from mrr_movements
    cross join rules
    where mrr_movements.movement_type = 'contraction'

),

{{ running_interval_sums(
    'financial_counts', 'spine', 'financial_intervals', ['account_id'],
    ['overdue_invoices_60d', 'failed_payments_60d', 'contractions_90d']
) }},

inputs as (

    select
        spine.account_id,
        spine.score_date,
        spine.composition_hash,
        coalesce(feed.billing_from_date <= spine.score_date, false) as billing_feed_live,
        coalesce(financial_counts.overdue_invoices_60d, 0) as overdue_invoices_60d,
        coalesce(financial_counts.failed_payments_60d, 0) as failed_payments_60d,
        coalesce(financial_counts.contractions_90d, 0) > 0 as has_contraction_90d
    from spine
    cross join feed
    left join financial_counts
        on
            spine.account_id = financial_counts.account_id
            and spine.score_date = financial_counts.score_date

)

select
    inputs.account_id,
    inputs.score_date,
    case
        when inputs.billing_feed_live
            then cast(
                greatest(
                    0,
                    100
                    - rules.failed_payment_penalty * inputs.failed_payments_60d
                    - rules.overdue_invoice_penalty * inputs.overdue_invoices_60d
                    - case when inputs.has_contraction_90d then rules.contraction_penalty else 0 end
                ) as decimal(9, 6)
            )
    end as financial_score,
    inputs.billing_feed_live,
    cast(inputs.failed_payments_60d as {{ dbt.type_bigint() }}) as failed_payments_60d,
    cast(inputs.overdue_invoices_60d as {{ dbt.type_bigint() }}) as overdue_invoices_60d,
    inputs.has_contraction_90d,
    inputs.composition_hash,
    {{ incremental_row_stamp(fingerprint) }}
from inputs
cross join rules
