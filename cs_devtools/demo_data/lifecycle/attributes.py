"""Who an account is: its attributes and latent trajectory, from its own generator.

Every value is a function of (seed, index, start) only, never of --accounts or
--end, so account i looks the same in every landing of a seed.
"""

from __future__ import annotations

import math

from cs_devtools.demo_data import catalog as cat
from cs_devtools.demo_data.hashing import STREAM_ATTRIBUTES, entity_rng
from cs_devtools.demo_data.lifecycle.weighted import pick
from cs_devtools.demo_data.model import Entity
from cs_devtools.demo_data.timeutil import SECONDS_PER_DAY

# Billing-only entities (a billing customer without a CRM account), by index % 250.
BILLING_ONLY_BLANK = 3  # no account_id at all
BILLING_ONLY_UNKNOWN = 128  # an account_id unknown to CRM

TRAJECTORIES = (("healthy", 0.52), ("declining", 0.22), ("contracting", 0.11), ("expanding", 0.15))
_EMPLOYEES_BY_SEGMENT = {"smb": (5, 199), "mid_market": (200, 1999), "enterprise": (2000, 60000)}
_KEEPS_DEFAULT_TOUCH = 0.88
_BLANK_ATTRIBUTE = 0.03  # share of accounts whose CRM segment / touch model is empty


def account_id_of(index: int) -> str:
    return f"acc_{index:06d}"


def draw_entity(seed: int, index: int, start_day: int) -> Entity:
    """Attributes of entity `index`: functions of (seed, index, start) only."""
    rng = entity_rng(seed, index, STREAM_ATTRIBUTES)
    segment = str(pick(rng, cat.SEGMENT_WEIGHTS))
    fewest, most = _EMPLOYEES_BY_SEGMENT[segment]
    employees = int(math.exp(rng.uniform(math.log(fewest), math.log(most + 1))))
    employees = min(max(employees, fewest), most)
    default_touch = cat.SEGMENT_CUTOFFS[segment][2]
    keeps_default_touch_u, other_touch = rng.random(), int(rng.integers(0, 2))
    other_touches = [t for t in cat.TOUCH_MODELS if t != default_touch]
    touch = (
        default_touch
        if keeps_default_touch_u < _KEEPS_DEFAULT_TOUCH
        else other_touches[other_touch]
    )
    region = str(pick(rng, cat.REGIONS))
    country = str(pick(rng, cat.COUNTRIES[region]))
    currency = cat.COUNTRY_CURRENCY.get(country, "USD")
    industry = cat.INDUSTRIES[int(rng.integers(0, len(cat.INDUSTRIES)))]
    name = " ".join(
        (
            cat.COMPANY_WORDS_A[int(rng.integers(0, len(cat.COMPANY_WORDS_A)))],
            cat.COMPANY_WORDS_B[int(rng.integers(0, len(cat.COMPANY_WORDS_B)))],
            cat.COMPANY_SUFFIX[region][int(rng.integers(0, len(cat.COMPANY_SUFFIX[region])))],
        )
    )
    segment_blank = bool(rng.random() < _BLANK_ATTRIBUTE)
    touch_blank = bool(rng.random() < _BLANK_ATTRIBUTE)
    trajectory = str(pick(rng, TRAJECTORIES))
    created_u = rng.random()
    if created_u < 0.4:  # 40 % already exist on --start
        created_day = start_day - int(rng.integers(20, 3 * 365))
    else:  # the others arrive over the four years after it
        created_day = start_day + int((created_u - 0.4) / 0.6 * 4 * 365.25)
        rng.integers(0, 2)  # keep the draw count independent of the branch
    created_sec = created_day * SECONDS_PER_DAY + int(rng.integers(7 * 3600, 19 * 3600))
    billing_only = index % 250 in (BILLING_ONLY_BLANK, BILLING_ONLY_UNKNOWN)
    return Entity(
        index=index,
        account_id=account_id_of(index),
        kind="billing_only" if billing_only else "crm",
        name=name,
        industry=industry,
        region=region,
        country=country,
        employee_count=employees,
        segment=segment,
        touch_model=touch,
        segment_blank=segment_blank,
        touch_blank=touch_blank,
        currency=currency,
        trajectory=trajectory,
        created_day=created_day,
        created_sec=created_sec,
        engagement=float(rng.uniform(0.62, 0.88)),
        seat_fill=float(rng.uniform(0.55, 1.0)),
    )
