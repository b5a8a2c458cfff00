"""CRM tables: accounts, CS team, contacts, opportunities and churn reasons.

All rows are the CRM export as of the end of `end_day`: an account merged
later is not merged yet, an opportunity closing later is still open.
"""

from __future__ import annotations

import math
import re

from cs_devtools.demo_data import catalog as cat
from cs_devtools.demo_data.hashing import STREAM_CONTACTS, entity_rng, hash_unit
from cs_devtools.demo_data.lifecycle import SIM_YEARS
from cs_devtools.demo_data.model import Entity
from cs_devtools.demo_data.timeutil import SECONDS_PER_DAY

Columns = dict[str, list]

_SALT_OWNER = 77
_SALT_OWNER_CHANGE = 78
SCALED_CSM = "emp_scaled_01"


def _cols(*names: str) -> Columns:
    return {n: [] for n in names}


def _add(cols: Columns, *values: object) -> None:
    for lst, v in zip(cols.values(), values, strict=True):
        lst.append(v)


def _person(first: str, last: str, domain: str, n: int) -> tuple[str, str]:
    return f"{first} {last}", f"{first.lower()}.{last.lower()}{n}@{domain}"


def company_domain(name: str) -> str:
    words = re.sub(r"[^a-z ]", "", name.lower()).split()[:2]
    return "-".join(words) + ".example"


def assign_team(seed: int, entities: list[Entity]) -> Columns:
    """crm/users and the CSM owner of every high/low-touch account.

    Team size per region follows the number of CSM-served accounts (about 30 each).
    """
    served: dict[str, int] = {region: 0 for region, _ in cat.REGIONS}
    for e in entities:
        if e.is_crm and e.touch_model in ("high", "low"):
            served[e.region] += 1
    users = _cols("user_id", "full_name", "email", "role", "team")
    csms: dict[str, list[str]] = {}
    k = 0
    for region, _ in cat.REGIONS:
        team = f"cs_{region.lower()}"
        ids = []
        n = max(1, math.ceil(served[region] / 30))
        for j in range(1, n + 1):
            k += 1
            uid = f"emp_{region.lower()}_{j:02d}"
            ids.append(uid)
            name, email = _person(
                cat.FIRST_NAMES[(k * 7) % len(cat.FIRST_NAMES)],
                cat.LAST_NAMES[(k * 11) % len(cat.LAST_NAMES)],
                "acme-saas.example",
                k,
            )
            _add(users, uid, name, email, "csm", team)
        csms[region] = ids
        k += 1
        name, email = _person(
            cat.FIRST_NAMES[(k * 5) % len(cat.FIRST_NAMES)],
            cat.LAST_NAMES[(k * 3) % len(cat.LAST_NAMES)],
            "acme-saas.example",
            k,
        )
        _add(users, f"emp_{region.lower()}_mgr", name, email, "cs_manager", team)
        k += 1
        name, email = _person(
            cat.FIRST_NAMES[(k * 13) % len(cat.FIRST_NAMES)],
            cat.LAST_NAMES[(k * 17) % len(cat.LAST_NAMES)],
            "acme-saas.example",
            k,
        )
        _add(
            users,
            f"emp_{region.lower()}_ae",
            name,
            email,
            "account_executive",
            f"sales_{region.lower()}",
        )
    _add(users, SCALED_CSM, "Digital Success", "success@acme-saas.example", "csm", "cs_scaled")
    for e in entities:
        if not e.is_crm or e.touch_model == "tech":
            continue
        pool = csms[e.region]
        j = int(hash_unit(seed, e.index, _SALT_OWNER) * len(pool))
        e.csm_owner = pool[j]
        if len(pool) > 1 and hash_unit(seed, e.index, _SALT_OWNER_CHANGE) < 0.12:
            day = e.created_day + 90 + int(hash_unit(seed, e.index, _SALT_OWNER_CHANGE, 1) * 800)
            new = pool[
                (j + 1 + int(hash_unit(seed, e.index, _SALT_OWNER_CHANGE, 2) * (len(pool) - 1)))
                % len(pool)
            ]
            e.owner_change = (day, new)
    return users


def owner_at(e: Entity, day: int) -> str | None:
    """CSM owning the account on `day` (tech touch: none)."""
    if e.owner_change is not None and day >= e.owner_change[0]:
        return e.owner_change[1]
    return e.csm_owner


def accounts_table(entities: list[Entity], end_day: int) -> Columns:
    """crm/accounts as of `end_day` (current owner, merges known by then)."""
    cols = _cols(
        "account_id",
        "account_name",
        "industry",
        "region",
        "country",
        "employee_count",
        "segment",
        "touch_model",
        "csm_owner_id",
        "created_at",
        "updated_at",
        "merged_into_account_id",
    )
    for e in entities:
        if not e.is_crm or e.created_day > end_day:
            continue
        updated = e.created_sec
        merged_into = None
        if e.merge_day is not None and e.merge_day <= end_day:
            merged_into = entities[e.merge_target].account_id  # type: ignore[index]
            updated = max(updated, e.merge_day * SECONDS_PER_DAY + 15 * 3600)
        if e.owner_change is not None and e.owner_change[0] <= end_day:
            updated = max(updated, e.owner_change[0] * SECONDS_PER_DAY + 16 * 3600)
        _add(
            cols,
            e.account_id,
            e.name,
            e.industry,
            e.region,
            e.country,
            e.employee_count,
            None if e.segment_blank else e.segment,
            None if e.touch_blank else e.touch_model,
            owner_at(e, end_day),
            e.created_sec,
            updated,
            merged_into,
        )
    return cols


def crm_cutoff(e: Entity, horizon: int) -> int:
    """Last day CRM records are kept on the account itself (merges move them on)."""
    return min(horizon, e.merge_day) if e.merge_day is not None else horizon


def contacts(seed: int, e: Entity, start_day: int) -> list[tuple[str, str, str, str, bool, int]]:
    """All contacts the account will ever have: (id, name, email, title, sponsor, created_sec)."""
    r = entity_rng(seed, e.index, STREAM_CONTACTS)
    n = {"smb": (2, 4), "mid_market": (3, 6), "enterprise": (4, 9)}[e.segment]
    count = int(r.integers(n[0], n[1] + 1))
    sponsor_p = {"high": 0.8, "low": 0.55, "tech": 0.3}[e.touch_model]
    has_sponsor = r.random() < sponsor_p
    sponsor_idx = int(r.integers(0, 2))
    domain = company_domain(e.name)
    out = []
    horizon = start_day + 365 * SIM_YEARS
    for j in range(count):
        first = cat.FIRST_NAMES[int(r.integers(0, len(cat.FIRST_NAMES)))]
        last = cat.LAST_NAMES[int(r.integers(0, len(cat.LAST_NAMES)))]
        title = cat.CONTACT_TITLES[int(r.integers(0, len(cat.CONTACT_TITLES)))]
        offset = 0 if j < 2 else int(r.integers(30, 1500))
        sponsor = has_sponsor and j == sponsor_idx
        if sponsor:
            title = cat.SPONSOR_TITLES[int(r.integers(0, len(cat.SPONSOR_TITLES)))]
        created = e.created_sec + offset * SECONDS_PER_DAY + 600 * (j + 1)
        if created // SECONDS_PER_DAY > crm_cutoff(e, horizon):
            continue
        name, email = _person(first, last, domain, j + 1)
        out.append((f"con_{e.index:06d}_{j + 1:02d}", name, email, title, sponsor, created))
    return out


def contacts_table(
    seed: int,
    entities: list[Entity],
    start_day: int,
    end_day: int,
) -> tuple[Columns, dict[int, list[tuple[str, int]]]]:
    """crm/contacts as of `end_day`, and every entity's (contact_id, created_sec) for NPS."""
    end_sec = (end_day + 1) * SECONDS_PER_DAY
    cols = _cols(
        "contact_id",
        "account_id",
        "full_name",
        "email",
        "title",
        "is_executive_sponsor",
        "created_at",
    )
    known: dict[int, list[tuple[str, int]]] = {}
    for e in entities:
        if not e.is_crm:
            continue
        people = contacts(seed, e, start_day)
        known[e.index] = [(p[0], p[5]) for p in people]
        for cid, name, email, title, sponsor, created in people:
            if created < end_sec:
                _add(cols, cid, e.account_id, name, email, title, sponsor, created)
    return cols, known


def opportunities_table(entities: list[Entity], end_day: int) -> Columns:
    """crm/opportunities as of `end_day`: later closes are still open."""
    cols = _cols(
        "opportunity_id",
        "account_id",
        "opportunity_type",
        "stage",
        "is_won",
        "is_closed",
        "amount",
        "currency",
        "product_id",
        "close_date",
        "contract_start_date",
        "contract_end_date",
        "created_at",
    )
    for e in entities:
        if not e.is_crm:
            continue
        for o in e.opportunities:
            created_day = max(o.created_day, e.created_day)
            if created_day > end_day:
                continue
            closed = o.close_day <= end_day
            if closed:
                stage = "closed_won" if o.is_won else "closed_lost"
            else:
                stage = "negotiation" if o.close_day - end_day <= 30 else "proposal"
            won = closed and o.is_won
            show_contract = o.is_won or not closed
            _add(
                cols,
                o.opportunity_id,
                e.account_id,
                o.opportunity_type,
                stage,
                won,
                closed,
                cat.money(o.amount_minor, o.currency),
                o.currency,
                o.product_id,
                o.close_day,
                o.contract_start if show_contract else None,
                o.contract_end if show_contract else None,
                max(
                    created_day * SECONDS_PER_DAY + 9 * 3600 + 60 * (e.index % 50),
                    e.created_sec + 60,
                ),
            )
    return cols


def churn_reasons_table(entities: list[Entity], end_day: int) -> Columns:
    """crm/churn_reasons: one row per churn whose notice was given by `end_day`."""
    cols = _cols(
        "account_id", "subscription_id", "reason_code", "notice_at", "effective_at", "comment"
    )
    for e in entities:
        c = e.churn
        if not e.is_crm or c is None or c.reason_code is None or c.notice_day > end_day:
            continue
        _add(
            cols,
            e.account_id,
            c.subscription_id,
            c.reason_code,
            c.notice_sec,
            c.effective_day * SECONDS_PER_DAY,
            c.comment or None,
        )
    return cols
