"""A small ETL: extract orders, clean and enrich them, load, notify, and report.

`enrich_orders` always fails (its exchange-rate source is "down"), so the tasks
that need it, `load_warehouse` and then `notify_team`, are skipped, while the
sibling branch `daily_report`, which needs only the cleaned orders, still runs.
"""

import logging
import time

log = logging.getLogger(__name__)

ORDERS = [
    {"id": 1, "customer": "ada", "amount": "120.50", "currency": "EUR"},
    {"id": 2, "customer": "grace", "amount": "80", "currency": "USD"},
    {"id": 3, "customer": "", "amount": "15.25", "currency": "EUR"},
    {"id": 4, "customer": "linus", "amount": "n/a", "currency": "EUR"},
    {"id": 5, "customer": "barbara", "amount": "42.00", "currency": "GBP"},
]


def extract_orders(source: str) -> list[dict]:
    """Read the raw order rows from the source system."""
    print(f"Connecting to {source} ...")
    time.sleep(0.3)
    print(f"Extracted {len(ORDERS)} rows from {source}.")
    return [dict(row) for row in ORDERS]


def clean_orders(rows: list[dict]) -> list[dict]:
    """Drop rows without a customer or with an unreadable amount."""
    time.sleep(0.2)
    cleaned = []
    for row in rows:
        try:
            amount = float(row["amount"])
        except ValueError:
            log.warning("Dropping order %s: amount %r is not a number", row["id"], row["amount"])
            continue
        if not row["customer"]:
            log.warning("Dropping order %s: no customer", row["id"])
            continue
        cleaned.append({**row, "amount": amount})
    print(f"Kept {len(cleaned)} of {len(rows)} rows.")
    return cleaned


def enrich_orders(rows: list[dict], rates_url: str) -> list[dict]:
    """Convert every amount to EUR with today's exchange rates (the rates service is down)."""
    print(f"Fetching exchange rates from {rates_url} ...")
    time.sleep(0.2)
    raise ConnectionError(f"exchange-rate service unavailable: {rates_url}")


def load_warehouse(cleaned: list[dict], enriched: list[dict]) -> int:
    """Write the enriched orders to the warehouse; returns the number of rows written."""
    time.sleep(0.3)
    print(f"Loaded {len(enriched)} rows ({len(cleaned)} cleaned).")
    return len(enriched)


def notify_team(rows_loaded: int, channel: str = "#data") -> str:
    """Tell the team the warehouse is up to date."""
    time.sleep(0.1)
    message = f"{rows_loaded} orders loaded"
    print(f"Posting to {channel}: {message}")
    return message


def daily_report(rows: list[dict]) -> dict[str, float]:
    """Total order amount per currency, from the cleaned rows."""
    time.sleep(0.4)
    totals: dict[str, float] = {}
    for row in rows:
        totals[row["currency"]] = totals.get(row["currency"], 0.0) + row["amount"]
    for currency, total in sorted(totals.items()):
        log.info("%s total: %.2f", currency, total)
    return totals
