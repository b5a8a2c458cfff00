"""The modelled company's reference data: products, plans, features and codes.

These constants mirror the dbt seeds (feature catalog, churn reason taxonomy,
segment cut-offs, touch-model cadence). The generator keeps its own copy so it
runs without the dbt project; a test asserts both stay equal.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

GENERATOR_VERSION = "1.0.0"

CURRENCIES: tuple[str, ...] = ("USD", "EUR", "JPY")
MINOR_DIGITS: dict[str, int] = {"USD": 2, "EUR": 2, "JPY": 0}


@dataclass(frozen=True)
class Product:
    product_id: str
    name: str
    family: str
    short: str


PRODUCTS: tuple[Product, ...] = (
    Product("prod_cms", "Atlas CMS", "content", "cms"),
    Product("prod_mka", "Pulse Marketing Automation", "marketing", "mka"),
    Product("prod_ecat", "Shelf E-Catalog", "commerce", "ecat"),
)
PRODUCT_IDS: tuple[str, ...] = tuple(p.product_id for p in PRODUCTS)

TIER_NAMES: dict[int, str] = {1: "starter", 2: "pro", 3: "enterprise"}

# (pricing_model, monthly list price in USD, included seats of flat plans)
_TIERS: dict[str, dict[int, tuple[str, int, int | None]]] = {
    "prod_cms": {1: ("flat", 99, 5), 2: ("per_seat", 29, None), 3: ("per_seat", 55, None)},
    "prod_mka": {1: ("flat", 149, 3), 2: ("per_seat", 45, None), 3: ("per_seat", 79, None)},
    "prod_ecat": {1: ("flat", 89, 5), 2: ("flat", 449, 25), 3: ("flat", 1590, 100)},
}
# Share of the monthly list price charged per month on longer commitments.
_INTERVAL_PRICE_PCT: dict[int, int] = {1: 100, 3: 97, 6: 94, 12: 85}
# Intervals offered per tier: semi-annual only for the enterprise tier.
_TIER_INTERVALS: dict[int, tuple[int, ...]] = {1: (1, 3, 12), 2: (1, 3, 12), 3: (1, 3, 6, 12)}
_CURRENCY_FACTOR: dict[str, Decimal] = {
    "USD": Decimal(1),
    "EUR": Decimal("0.92"),
    "JPY": Decimal(150),
}


@dataclass(frozen=True)
class Plan:
    plan_id: str
    product_id: str
    plan_name: str
    pricing_model: str
    interval: int
    unit_minor: int
    currency: str
    tier: int
    included_seats: int | None

    @property
    def unit_amount(self) -> Decimal:
        return money(self.unit_minor, self.currency)


def money(minor: int, currency: str) -> Decimal:
    """Decimal in major units with the currency's minor digits (JPY: integer)."""
    return Decimal(int(minor)).scaleb(-MINOR_DIGITS[currency])


def to_minor(amount: Decimal | float, currency: str) -> int:
    """Round an amount in major units to an integer of minor units."""
    scaled = Decimal(str(amount)).scaleb(MINOR_DIGITS[currency])
    return int(scaled.quantize(Decimal(1), rounding="ROUND_HALF_UP"))


def _unit_minor(usd_monthly: int, interval: int, currency: str) -> int:
    """Price per interval: whole major units (JPY: whole hundreds of yen)."""
    monthly = Decimal(usd_monthly) * _CURRENCY_FACTOR[currency]
    total = monthly * interval * _INTERVAL_PRICE_PCT[interval] / 100
    if currency == "JPY":
        return int((total / 100).quantize(Decimal(1), rounding="ROUND_HALF_UP")) * 100
    return int(total.quantize(Decimal(1), rounding="ROUND_HALF_UP")) * 100


def _build_plans() -> tuple[Plan, ...]:
    plans = []
    interval_label = {1: "monthly", 3: "quarterly", 6: "semi-annual", 12: "annual"}
    for product in PRODUCTS:
        for tier, (model, usd, seats) in _TIERS[product.product_id].items():
            for interval in _TIER_INTERVALS[tier]:
                for cur in CURRENCIES:
                    plans.append(
                        Plan(
                            plan_id=f"plan_{product.short}_{TIER_NAMES[tier]}_{interval}m_{cur.lower()}",
                            product_id=product.product_id,
                            plan_name=(
                                f"{product.name} {TIER_NAMES[tier].title()}"
                                f" ({interval_label[interval]}, {cur})"
                            ),
                            pricing_model=model,
                            interval=interval,
                            unit_minor=_unit_minor(usd, interval, cur),
                            currency=cur,
                            tier=tier,
                            included_seats=seats,
                        )
                    )
    return tuple(plans)


PLANS: tuple[Plan, ...] = _build_plans()
PLANS_BY_KEY: dict[tuple[str, int, int, str], Plan] = {
    (p.product_id, p.tier, p.interval, p.currency): p for p in PLANS
}


def plan_for(product_id: str, tier: int, interval: int, currency: str) -> Plan:
    """The plan of a product tier; falls back to annual when the interval is not offered."""
    key = (product_id, tier, interval, currency)
    if key not in PLANS_BY_KEY:
        key = (product_id, tier, 12, currency)
    return PLANS_BY_KEY[key]


# ---------------------------------------------------------------- features
@dataclass(frozen=True)
class Feature:
    event_name: str
    product_id: str
    feature: str
    is_core: bool
    min_tier: int


FEATURES: tuple[Feature, ...] = (
    Feature("cms.login", "prod_cms", "login", False, 1),
    Feature("cms.page_edited", "prod_cms", "page_editing", True, 1),
    Feature("cms.page_published", "prod_cms", "publishing", True, 1),
    Feature("cms.asset_uploaded", "prod_cms", "asset_library", True, 1),
    Feature("cms.workflow_approved", "prod_cms", "approval_workflows", False, 2),
    Feature("cms.locale_added", "prod_cms", "localization", False, 3),
    Feature("mka.login", "prod_mka", "login", False, 1),
    Feature("mka.campaign_sent", "prod_mka", "email_campaigns", True, 1),
    Feature("mka.segment_created", "prod_mka", "segmentation", True, 1),
    Feature("mka.journey_activated", "prod_mka", "journeys", True, 2),
    Feature("mka.ab_test_started", "prod_mka", "ab_testing", False, 2),
    Feature("mka.lead_scored", "prod_mka", "lead_scoring", False, 3),
    Feature("ecat.login", "prod_ecat", "login", False, 1),
    Feature("ecat.product_imported", "prod_ecat", "product_import", True, 1),
    Feature("ecat.catalog_published", "prod_ecat", "catalog_publishing", True, 1),
    Feature("ecat.feed_synced", "prod_ecat", "channel_feeds", True, 1),
    Feature("ecat.price_rule_created", "prod_ecat", "price_rules", False, 2),
    Feature("ecat.b2b_portal_viewed", "prod_ecat", "b2b_portal", False, 3),
)

# ---------------------------------------------------------------- churn reasons
VOLUNTARY_REASONS: tuple[tuple[str, float], ...] = (
    ("low_adoption", 0.24),
    ("too_expensive", 0.2),
    ("switched_competitor", 0.16),
    ("missing_features", 0.14),
    ("poor_support", 0.1),
    ("budget_cut", 0.16),
)
UNAVOIDABLE_REASONS: tuple[tuple[str, float], ...] = (
    ("business_closed", 0.4),
    ("acquired", 0.35),
    ("budget_cut", 0.25),
)
INVOLUNTARY_REASON = "payment_failed"
REASON_CODES: tuple[str, ...] = (
    "too_expensive",
    "missing_features",
    "poor_support",
    "low_adoption",
    "switched_competitor",
    "budget_cut",
    "business_closed",
    "acquired",
    "payment_failed",
)
FAILURE_CODES: tuple[str, ...] = ("card_declined", "insufficient_funds", "expired_card")

# ---------------------------------------------------------------- segments & touch
SEGMENT_CUTOFFS: dict[str, tuple[int, int | None, str]] = {
    "smb": (0, 199, "tech"),
    "mid_market": (200, 1999, "low"),
    "enterprise": (2000, None, "high"),
}
TOUCH_CADENCE: dict[str, tuple[int, bool, int | None]] = {
    "high": (14, True, 120),
    "low": (45, False, None),
    "tech": (120, False, None),
}
SEGMENT_WEIGHTS: tuple[tuple[str, float], ...] = (
    ("smb", 0.58),
    ("mid_market", 0.30),
    ("enterprise", 0.12),
)
TOUCH_MODELS: tuple[str, ...] = ("high", "low", "tech")

# ---------------------------------------------------------------- geography
REGIONS: tuple[tuple[str, float], ...] = (
    ("NA", 0.44),
    ("EMEA", 0.31),
    ("APAC", 0.15),
    ("LATAM", 0.10),
)
COUNTRIES: dict[str, tuple[tuple[str, float], ...]] = {
    "NA": (("US", 0.86), ("CA", 0.14)),
    "EMEA": (("DE", 0.26), ("FR", 0.2), ("NL", 0.14), ("GB", 0.22), ("ES", 0.1), ("IE", 0.08)),
    "APAC": (("JP", 0.45), ("AU", 0.25), ("SG", 0.18), ("IN", 0.12)),
    "LATAM": (("BR", 0.45), ("MX", 0.35), ("CL", 0.2)),
}
COUNTRY_CURRENCY: dict[str, str] = {
    "DE": "EUR",
    "FR": "EUR",
    "NL": "EUR",
    "ES": "EUR",
    "IE": "EUR",
    "JP": "JPY",
}
# Rough UTC offset of a region's business day, for event times.
REGION_UTC_OFFSET_HOURS: dict[str, int] = {"NA": -5, "EMEA": 1, "APAC": 8, "LATAM": -3}

INDUSTRIES: tuple[str, ...] = (
    "Retail",
    "Manufacturing",
    "Publishing",
    "Travel",
    "Healthcare",
    "Education",
    "Financial Services",
    "Software",
    "Consumer Goods",
    "Automotive",
    "Media",
    "Logistics",
)

# ---------------------------------------------------------------- fake names
COMPANY_WORDS_A: tuple[str, ...] = (
    "Blue",
    "North",
    "Silver",
    "Bright",
    "Iron",
    "Cedar",
    "Summit",
    "Harbor",
    "Nova",
    "Maple",
    "Granite",
    "Coral",
    "Amber",
    "Falcon",
    "Willow",
    "Vertex",
    "Lumen",
    "Crescent",
    "Aurora",
    "Pioneer",
    "Redwood",
    "Orbit",
    "Sterling",
    "Atlas",
    "Meadow",
    "Quartz",
)
COMPANY_WORDS_B: tuple[str, ...] = (
    "River",
    "Peak",
    "Labs",
    "Works",
    "Systems",
    "Foods",
    "Outfitters",
    "Media",
    "Health",
    "Motors",
    "Textiles",
    "Travel",
    "Goods",
    "Analytics",
    "Logistics",
    "Studios",
    "Supply",
    "Partners",
    "Brands",
    "Networks",
    "Retail",
    "Learning",
    "Capital",
    "Design",
)
COMPANY_SUFFIX: dict[str, tuple[str, ...]] = {
    "NA": ("Inc.", "LLC", "Corp.", "Co."),
    "EMEA": ("GmbH", "SAS", "B.V.", "Ltd", "S.L.", "AG"),
    "APAC": ("K.K.", "Pty Ltd", "Pte. Ltd.", "Ltd"),
    "LATAM": ("S.A.", "Ltda.", "S.A. de C.V."),
}
FIRST_NAMES: tuple[str, ...] = (
    "Alex",
    "Maria",
    "Jonas",
    "Sofia",
    "Kenji",
    "Aiko",
    "Liam",
    "Emma",
    "Lucas",
    "Chloe",
    "Mateo",
    "Valentina",
    "Noah",
    "Olivia",
    "Yuki",
    "Hana",
    "Pierre",
    "Camille",
    "Lena",
    "Felix",
    "Priya",
    "Arjun",
    "Isabela",
    "Diego",
    "Grace",
    "Oscar",
    "Mia",
    "Daniel",
    "Sara",
    "Tom",
    "Nora",
    "Ravi",
    "Elif",
    "Marco",
    "Julia",
    "Sven",
    "Ines",
    "Omar",
)
LAST_NAMES: tuple[str, ...] = (
    "Smith",
    "Garcia",
    "Muller",
    "Tanaka",
    "Sato",
    "Dubois",
    "Rossi",
    "Johnson",
    "Silva",
    "Kowalski",
    "Nguyen",
    "Brown",
    "Martin",
    "Lopez",
    "Schmidt",
    "Suzuki",
    "Patel",
    "Andersson",
    "Costa",
    "Walker",
    "Meyer",
    "Fischer",
    "Moreau",
    "Kim",
    "Olsen",
    "Reyes",
    "Novak",
    "Haddad",
    "Clarke",
    "Weber",
    "Ito",
    "Santos",
    "Berg",
    "Lambert",
)
CONTACT_TITLES: tuple[str, ...] = (
    "Marketing Manager",
    "Head of Digital",
    "Content Lead",
    "E-Commerce Manager",
    "IT Director",
    "CMO",
    "VP Marketing",
    "Web Producer",
    "Operations Manager",
    "Procurement Specialist",
    "CTO",
    "Product Owner",
)
SPONSOR_TITLES: tuple[str, ...] = ("CMO", "VP Marketing", "CTO", "Chief Digital Officer")
NPS_COMMENTS: dict[str, tuple[str, ...]] = {
    "promoter": (
        "Great product, the team loves it",
        "Support is excellent",
        "Saves us hours every week",
    ),
    "passive": ("Does the job", "Some features are hard to find", "Good, but pricey"),
    "detractor": (
        "Too slow for our team",
        "Missing features we need",
        "Support takes too long",
        "Hard to get people to use it",
    ),
}
TICKET_CATEGORIES: tuple[str, ...] = (
    "how_to",
    "bug",
    "billing",
    "integration",
    "access",
    "feature_request",
    "performance",
)
