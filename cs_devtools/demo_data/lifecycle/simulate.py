"""Every entity with its whole lifecycle: attributes, first subscription, planned changes."""

from __future__ import annotations

from decimal import Decimal

from cs_devtools.demo_data.hashing import STREAM_LIFECYCLE, entity_rng
from cs_devtools.demo_data.lifecycle.actions import plan_actions, run_actions
from cs_devtools.demo_data.lifecycle.attributes import draw_entity
from cs_devtools.demo_data.lifecycle.draws import draw_lifecycle
from cs_devtools.demo_data.lifecycle.engine import Engine
from cs_devtools.demo_data.lifecycle.first_subscription import open_first_subscription
from cs_devtools.demo_data.lifecycle.horizon import horizon_of
from cs_devtools.demo_data.lifecycle.merges import plan_merges
from cs_devtools.demo_data.lifecycle.renewals import add_follow_up_opportunities
from cs_devtools.demo_data.model import Entity

TEST_CUSTOMER_MOD = 7  # index % 200: the account also has an is_test billing customer


def simulate_entities(seed: int, accounts: int, start_day: int) -> list[Entity]:
    """All entities with their lifecycles and merges (independent of --end)."""
    entities = []
    for index in range(accounts):
        entity = draw_entity(seed, index, start_day)
        simulate_lifecycle(entity, seed, start_day)
        entity.events.sort(key=lambda event: (event.day, event.event_type))
        entities.append(entity)
    plan_merges(seed, entities)
    return entities


def simulate_lifecycle(entity: Entity, seed: int, start_day: int) -> None:
    """Plan and apply the entity's whole lifecycle up to the fixed horizon."""
    draws = draw_lifecycle(entity_rng(seed, entity.index, STREAM_LIFECYCLE), entity.segment)
    engine = Engine(entity, horizon_of(start_day))
    opening = open_first_subscription(engine, draws)
    if opening is not None:  # None: a trial that lapsed, and nothing follows
        run_actions(engine, plan_actions(engine, draws, opening), draws)
        add_follow_up_opportunities(engine, seed)
    _add_test_customer(engine)


def _add_test_customer(engine: Engine) -> None:
    """A QA billing customer on some accounts: real-looking MRR that must be excluded."""
    entity = engine.entity
    if entity.kind != "crm" or entity.index % 200 != TEST_CUSTOMER_MOD:
        return
    day = entity.created_day + 1
    customer = engine.add_customer("USD", day, is_test=True)
    engine.open_subscription(customer, "prod_cms", 1, 1, 1, None, Decimal(0), day, day, number=90)
