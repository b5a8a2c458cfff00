{#
    The typed columns of each landing table (docs/landing_contract.md), for the parse
    audit. A pytest keeps this list equal to cs_analytics/landing/contract.py.
#}
{% macro landing_typed_columns() %}
    {{ return({
        'crm/accounts': [('employee_count', 'integer'), ('created_at', 'timestamp'), ('updated_at', 'timestamp')],
        'crm/contacts': [('is_executive_sponsor', 'boolean'), ('created_at', 'timestamp')],
        'crm/opportunities': [('is_won', 'boolean'), ('is_closed', 'boolean'), ('amount', 'decimal'), ('close_date', 'date'), ('contract_start_date', 'date'), ('contract_end_date', 'date'), ('created_at', 'timestamp')],
        'crm/activities': [('occurred_at', 'timestamp')],
        'crm/nps_responses': [('score', 'integer'), ('responded_at', 'timestamp')],
        'crm/onboarding_milestones': [('due_at', 'timestamp'), ('completed_at', 'timestamp')],
        'crm/churn_reasons': [('notice_at', 'timestamp'), ('effective_at', 'timestamp')],
        'billing/customers': [('created_at', 'timestamp'), ('is_test', 'boolean')],
        'billing/plans': [('billing_interval_months', 'integer'), ('unit_amount', 'decimal'), ('tier_rank', 'integer'), ('included_seats', 'integer')],
        'billing/subscriptions': [('created_at', 'timestamp'), ('trial_end_at', 'timestamp'), ('canceled_at', 'timestamp'), ('ended_at', 'timestamp')],
        'billing/subscription_items': [('quantity', 'integer'), ('unit_amount', 'decimal'), ('discount_percent', 'decimal'), ('valid_from', 'timestamp'), ('valid_to', 'timestamp')],
        'billing/invoices': [('amount_due', 'decimal'), ('amount_paid', 'decimal'), ('issued_at', 'timestamp'), ('due_at', 'timestamp'), ('paid_at', 'timestamp'), ('period_start', 'timestamp'), ('period_end', 'timestamp')],
        'billing/invoice_lines': [('amount', 'decimal'), ('quantity', 'integer'), ('period_start', 'timestamp'), ('period_end', 'timestamp'), ('is_proration', 'boolean')],
        'billing/payments': [('amount', 'decimal'), ('attempted_at', 'timestamp')],
        'billing/refunds': [('amount', 'decimal'), ('created_at', 'timestamp')],
        'billing/fx_rates': [('rate_date', 'date'), ('usd_per_unit', 'decimal')],
        'usage/users': [('created_at', 'timestamp'), ('deactivated_at', 'timestamp')],
        'usage/events': [('occurred_at', 'timestamp'), ('received_at', 'timestamp')],
        'support/tickets': [('created_at', 'timestamp'), ('first_response_at', 'timestamp'), ('solved_at', 'timestamp'), ('csat_score', 'integer')],
    }) }}
{% endmacro %}
