"""The task functions of the seed example: three independent fetches, then a summary.

Each fetch stands for a 2-second database query, so the workflow takes about
7 s sequentially and about 3 s in parallel (the fetches overlap, then the 1 s
summary runs).
"""

import time


def fetch_user_count() -> int:
    """Simulate fetching the user count."""
    time.sleep(2)  # Simulate I/O operation
    return 1000


def fetch_product_count() -> int:
    """Simulate fetching the product count."""
    time.sleep(2)  # Simulate I/O operation
    return 5000


def fetch_order_count() -> int:
    """Simulate fetching the order count."""
    time.sleep(2)  # Simulate I/O operation
    return 15000


def calculate_metrics(users: int, products: int, orders: int) -> dict[str, float]:
    """Combine the three counts into per-user metrics."""
    time.sleep(1)  # Simulate computation
    return {
        "users": users,
        "products": products,
        "orders": orders,
        "orders_per_user": orders / users,
        "products_per_user": products / users,
    }
