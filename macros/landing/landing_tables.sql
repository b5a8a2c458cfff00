{#
    The landing tables of docs/landing_contract.md as (source, table, primary key)
    triples, for models that reconcile every table. A pytest keeps this list
    equal to the Python contract (cs_analytics/landing/contract.py).
#}
{% macro landing_tables() %}
    {{ return([
        ('crm', 'accounts', ['account_id']),
        ('crm', 'users', ['user_id']),
        ('crm', 'contacts', ['contact_id']),
        ('crm', 'opportunities', ['opportunity_id']),
        ('crm', 'activities', ['activity_id']),
        ('crm', 'nps_responses', ['response_id']),
        ('crm', 'onboarding_milestones', ['account_id', 'milestone']),
        ('crm', 'churn_reasons', ['account_id', 'subscription_id']),
        ('billing', 'customers', ['customer_id']),
        ('billing', 'products', ['product_id']),
        ('billing', 'plans', ['plan_id']),
        ('billing', 'subscriptions', ['subscription_id']),
        ('billing', 'subscription_items', ['subscription_item_id', 'valid_from']),
        ('billing', 'invoices', ['invoice_id']),
        ('billing', 'invoice_lines', ['invoice_line_id']),
        ('billing', 'payments', ['payment_id']),
        ('billing', 'refunds', ['refund_id']),
        ('billing', 'fx_rates', ['rate_date', 'currency']),
        ('usage', 'users', ['user_id']),
        ('usage', 'events', ['event_id']),
        ('support', 'tickets', ['ticket_id']),
    ]) }}
{% endmacro %}

{# The contract columns of a raw table, quoted: all but the `_` load metadata. #}
{% macro landing_content_columns(raw_table) %}
    {% set names = [] %}
    {% if execute %}
        {% for column in adapter.get_columns_in_relation(raw_table) %}
            {% if not column.name.startswith('_') %}
                {% do names.append(adapter.quote(column.name)) %}
            {% endif %}
        {% endfor %}
    {% endif %}
    {{ return(names) }}
{% endmacro %}
