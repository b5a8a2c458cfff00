{#
    Billed revenue per month and currency reconciles with invoices minus
    refunds: the invoice lines of the month's issued invoices (draft and
    void excluded) add up to those invoices' amount_due, and billed revenue =
    invoiced - refunded. Months are local months of issue (refunds: of
    creation); facts at or after the as-of instant are left out. Exact
    decimals, no tolerance.
#}

with

invoices as (

    select
        invoice_id,
        currency,
        amount_due,
        {{ local_month('issued_at') }} as month
    from {{ ref('stg_billing__invoices') }}
    where
        coalesce(status, '') not in ('draft', 'void')
        and issued_at < {{ as_of_instant() }}

),

lines as (

    select
        invoice_id,
        sum(amount) as line_amount
    from {{ ref('stg_billing__invoice_lines') }}
    group by invoice_id

),

refunds as (

    select
        currency,
        {{ local_month('created_at') }} as month,
        sum(amount) as refunded_amount
    from {{ ref('stg_billing__refunds') }}
    where created_at < {{ as_of_instant() }}
    group by currency, {{ local_month('created_at') }}

),

invoiced as (

    select
        invoices.month,
        invoices.currency,
        count(*) as invoices,
        sum(invoices.amount_due) as invoiced_amount,
        sum(coalesce(lines.line_amount, 0)) as invoice_line_amount,
        sum(
            case
                when coalesce(lines.line_amount, 0) <> coalesce(invoices.amount_due, 0) then 1
                else 0
            end
        ) as invoices_not_matching_lines
    from invoices
    left join lines
        on invoices.invoice_id = lines.invoice_id
    group by invoices.month, invoices.currency

),

months as (

    select
        month,
        currency
    from invoiced
    union
    select
        month,
        currency
    from refunds

)

select
    months.month,
    months.currency,
    coalesce(invoiced.invoices, 0) as invoices,
    cast(coalesce(invoiced.invoiced_amount, 0) as {{ type_money() }}) as invoiced_amount,
    cast(coalesce(invoiced.invoice_line_amount, 0) as {{ type_money() }}) as invoice_line_amount,
    cast(coalesce(refunds.refunded_amount, 0) as {{ type_money() }}) as refunded_amount,
    cast(
        coalesce(invoiced.invoice_line_amount, 0) - coalesce(refunds.refunded_amount, 0)
        as {{ type_money() }}
    ) as billed_revenue,
    coalesce(invoiced.invoices_not_matching_lines, 0) as invoices_not_matching_lines,
    coalesce(invoiced.invoices_not_matching_lines, 0) = 0 as is_reconciled,
    cast(months.month as {{ dbt.type_string() }}) || '|' || months.currency as month_currency
from months
left join invoiced
    on months.month = invoiced.month and months.currency = invoiced.currency
left join refunds
    on months.month = refunds.month and months.currency = refunds.currency
