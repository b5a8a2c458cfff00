{#
    Windowed counts per day without expanding facts into days.

    Every fact becomes an interval of local days [start_date, end_date]
    (end_date NULL = open) during which it counts, with one or more numeric
    measures: a ticket open from its creation day to the day before it was
    solved, an NPS answer for 180 days, a user active for the 30 days after
    an event (from the day the event became known). The value of a measure on
    day d is the sum over the intervals containing d, computed as a running
    sum of +measure at start_date and -measure the day after end_date, read
    at the days of the spine. The cost is linear in facts plus spine days,
    whatever the window lengths, and the SQL is portable (a window sum).

    `running_interval_sums` emits CTEs (to be placed inside a WITH list)
    ending in one named `name`: the spine's keys and date, plus each measure.
    Intervals that end before every spine day may be included or not: their
    +/- cancel before the first day read.
#}

{% macro running_interval_sums(name, spine, intervals, keys, measures, date_column='score_date') -%}
{{ name }}__deltas as (

    select
        {%- for key in keys %}
        {{ key }},
        {%- endfor %}
        start_date as delta_date
        {%- for measure in measures %},
        {{ measure }}
        {%- endfor %}
    from {{ intervals }}

    union all

    select
        {%- for key in keys %}
        {{ key }},
        {%- endfor %}
        cast({{ dbt.dateadd('day', 1, 'end_date') }} as date) as delta_date
        {%- for measure in measures %},
        -{{ measure }} as {{ measure }}
        {%- endfor %}
    from {{ intervals }}
    where end_date is not null

    union all

    select
        {%- for key in keys %}
        {{ key }},
        {%- endfor %}
        {{ date_column }} as delta_date
        {%- for measure in measures %},
        0 as {{ measure }}
        {%- endfor %}
    from {{ spine }}

),

{{ name }}__per_day as (

    select
        {%- for key in keys %}
        {{ key }},
        {%- endfor %}
        delta_date
        {%- for measure in measures %},
        sum({{ measure }}) as {{ measure }}
        {%- endfor %}
    from {{ name }}__deltas
    group by
        {%- for key in keys %}
        {{ key }},
        {%- endfor %}
        delta_date

),

{{ name }}__running as (

    select
        {%- for key in keys %}
        {{ key }},
        {%- endfor %}
        delta_date
        {%- for measure in measures %},
        sum({{ measure }}) over (
            partition by {{ keys | join(', ') }}
            order by delta_date
            rows between unbounded preceding and current row
        ) as {{ measure }}
        {%- endfor %}
    from {{ name }}__per_day

),

{{ name }} as (

    select
        {%- for key in keys %}
        {{ name }}__running.{{ key }},
        {%- endfor %}
        {{ name }}__running.delta_date as {{ date_column }}
        {%- for measure in measures %},
        {{ name }}__running.{{ measure }}
        {%- endfor %}
    from {{ name }}__running
    inner join {{ spine }}
        on
            {%- for key in keys %}
            {{ name }}__running.{{ key }} = {{ spine }}.{{ key }} and
            {%- endfor %}
            {{ name }}__running.delta_date = {{ spine }}.{{ date_column }}

)
{%- endmacro %}

{#
    Intervals of one key (e.g. account x user) merged where they overlap or
    touch, so that a running count of merged intervals counts distinct keys
    (distinct active users, distinct features used). Emits CTEs ending in
    `name` with columns keys, start_date, end_date (end_date never NULL here).
#}
{% macro merged_intervals(name, intervals, keys) -%}
{{ name }}__ordered as (

    select
        {%- for key in keys %}
        {{ key }},
        {%- endfor %}
        start_date,
        end_date,
        max(end_date) over (
            partition by {{ keys | join(', ') }}
            order by start_date, end_date
            rows between unbounded preceding and 1 preceding
        ) as previous_end_date
    from {{ intervals }}

),

{{ name }}__flagged as (

    select
        *,
        sum(
            case
                when previous_end_date is null then 1
                when start_date > {{ dbt.dateadd('day', 1, 'previous_end_date') }} then 1
                else 0
            end
        ) over (
            partition by {{ keys | join(', ') }}
            order by start_date, end_date
            rows between unbounded preceding and current row
        ) as island_number
    from {{ name }}__ordered

),

{{ name }} as (

    select
        {%- for key in keys %}
        {{ key }},
        {%- endfor %}
        min(start_date) as start_date,
        max(end_date) as end_date
    from {{ name }}__flagged
    group by
        {%- for key in keys %}
        {{ key }},
        {%- endfor %}
        island_number

)
{%- endmacro %}

{#
    Carry the latest value of `value_column` (e.g. the day of the last CSM
    touch) forward to each spine day: the maximum over the facts dated on or
    before the day. Emits CTEs ending in `name` (keys, date, the value).
#}
{% macro latest_on_or_before(name, spine, facts, keys, fact_date, value_columns, date_column='score_date') -%}
{{ name }}__points as (

    select
        {%- for key in keys %}
        {{ key }},
        {%- endfor %}
        {{ fact_date }} as point_date,
        0 as is_spine
        {%- for value in value_columns %},
        {{ value }}
        {%- endfor %}
    from {{ facts }}

    union all

    select
        {%- for key in keys %}
        {{ key }},
        {%- endfor %}
        {{ date_column }} as point_date,
        1 as is_spine
        {%- for value in value_columns %},
        null as {{ value }}
        {%- endfor %}
    from {{ spine }}

),

{{ name }}__running as (

    select
        {%- for key in keys %}
        {{ key }},
        {%- endfor %}
        point_date,
        is_spine
        {%- for value in value_columns %},
        max({{ value }}) over (
            partition by {{ keys | join(', ') }}
            order by point_date, is_spine
            rows between unbounded preceding and current row
        ) as {{ value }}
        {%- endfor %}
    from {{ name }}__points

),

{{ name }} as (

    select
        {%- for key in keys %}
        {{ key }},
        {%- endfor %}
        point_date as {{ date_column }}
        {%- for value in value_columns %},
        {{ value }}
        {%- endfor %}
    from {{ name }}__running
    where is_spine = 1

)
{%- endmacro %}
