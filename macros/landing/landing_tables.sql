{#
    The landing contract (docs/landing_contract.md) as the dbt sources declare it:
    models/staging/<system>/_<system>__sources.yml, with each table's key,
    de-duplication order and required flag and each column's type, optional flag
    and blank/unparsable rules in `config.meta` (cs_analytics/landing/contract.py
    documents the keys and reads the same YAML for ingestion).
#}

{#
    The landing tables by name only, for what dbt must see while parsing: the
    audits' `source()` and `ref()` calls (`graph` is empty at parse time). Every
    other fact comes from the sources' meta, and `landing_contract()` stops the
    build when this list and the declared sources differ.
#}
{% macro landing_table_names() %}
    {{ return([
        ('crm', 'accounts'), ('crm', 'users'), ('crm', 'contacts'), ('crm', 'opportunities'),
        ('crm', 'activities'), ('crm', 'nps_responses'), ('crm', 'onboarding_milestones'),
        ('crm', 'churn_reasons'),
        ('billing', 'customers'), ('billing', 'products'), ('billing', 'plans'),
        ('billing', 'subscriptions'), ('billing', 'subscription_items'), ('billing', 'invoices'),
        ('billing', 'invoice_lines'), ('billing', 'payments'), ('billing', 'refunds'),
        ('billing', 'fx_rates'),
        ('usage', 'users'), ('usage', 'events'),
        ('support', 'tickets'),
    ]) }}
{% endmacro %}

{#
    One landing table of the contract: {system, name, path, relation (schema.table
    of the raw table), primary_key, deduplicate_order, required, columns: [{name, type, optional, blank,
    unparsable}]} with the defaults of cs_analytics/landing/contract.py.
    At parse time, and in unit tests (dbt gives them no graph), only system,
    name and path are known.
#}
{% macro landing_table(source_name, table_name) %}
    {% set table = {
        'system': source_name,
        'name': table_name,
        'path': source_name ~ '/' ~ table_name,
        'relation': none,
        'primary_key': [],
        'deduplicate_order': [],
        'required': false,
        'columns': [],
    } %}
    {#- Unit tests compile with an empty graph: only system, name and path then. -#}
    {% if not execute or not graph.get('sources') %}
        {{ return(table) }}
    {% endif %}
    {% set node = graph.sources.get('source.' ~ project_name ~ '.' ~ source_name ~ '.' ~ table_name) %}
    {% if node is none or 'primary_key' not in node.meta %}
        {{ exceptions.raise_compiler_error(
            'landing table ' ~ table.path ~ ' has no source with meta primary_key '
            ~ 'in models/staging/' ~ source_name ~ '/_' ~ source_name ~ '__sources.yml'
        ) }}
    {% endif %}
    {% do table.update({
        'relation': node.schema ~ '.' ~ node.identifier,
        'primary_key': node.meta.primary_key,
        'deduplicate_order': node.meta.deduplicate_order,
        'required': node.meta.get('required', false),
    }) %}
    {% for column in node.columns.values() if not column.name.startswith('_') %}
        {% set meta = column.meta or {} %}
        {% do table.columns.append({
            'name': column.name,
            'type': meta.get('type', 'string'),
            'optional': meta.get('optional', false),
            'blank': meta.get('blank', 'block' if column.name in table.primary_key else 'warn'),
            'unparsable': meta.get('unparsable', 'warn'),
        }) %}
    {% endfor %}
    {{ return(table) }}
{% endmacro %}

{# Every landing table of the contract (see landing_table). #}
{% macro landing_contract() %}
    {% set tables = [] %}
    {% for source_name, table_name in landing_table_names() %}
        {% do tables.append(landing_table(source_name, table_name)) %}
    {% endfor %}
    {% if execute %}
        {% set declared = [] %}
        {% for node in graph.sources.values() %}
            {% if node.package_name == project_name
                and node.original_file_path.startswith('models/staging/') %}
                {% do declared.append(node.unique_id) %}
            {% endif %}
        {% endfor %}
        {% if declared | length != tables | length %}
            {{ exceptions.raise_compiler_error(
                'landing_table_names() lists ' ~ tables | length ~ ' tables but the staging '
                ~ 'sources declare ' ~ declared | length ~ ': keep them equal'
            ) }}
        {% endif %}
    {% endif %}
    {{ return(tables) }}
{% endmacro %}

{# (source, table, primary key) triples, for models that reconcile every table. #}
{% macro landing_tables() %}
    {% set triples = [] %}
    {% for table in landing_contract() %}
        {% do triples.append((table.system, table.name, table.primary_key)) %}
    {% endfor %}
    {{ return(triples) }}
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

{# The contract type of `column` in a landing table (landing_table), `string` when undeclared. #}
{% macro landing_column_type(table, column) %}
    {% for declared in table.columns if declared.name == column %}
        {{ return(declared.type) }}
    {% endfor %}
    {{ return('string') }}
{% endmacro %}
