"""Fan-out / fan-in: one source splits the work, 48 workers run at once, one sink combines.

The sink receives the 48 results positionally, in the order its dependencies
are listed, so it can check that every chunk arrived in place.
"""

import time

CHUNKS = 48


def make_chunks(count: int = CHUNKS, size: int = 1000) -> list[range]:
    """Split `count * size` numbers into `count` equal chunks."""
    time.sleep(0.05)
    print(f"Splitting {count * size} numbers into {count} chunks.")
    return [range(i * size, (i + 1) * size) for i in range(count)]


def sum_chunk(index: int, chunks: list[range], delay: float = 0.05) -> tuple[int, int]:
    """Sum chunk `index`; returns (index, sum) so the sink can check the order."""
    time.sleep(delay)
    total = sum(chunks[index])
    print(f"chunk {index}: {total}")
    return index, total


def combine(*partials: tuple[int, int]) -> int:
    """Add the partial sums, checking they arrived in chunk order."""
    time.sleep(0.05)
    indexes = [index for index, _ in partials]
    if indexes != list(range(len(partials))):
        raise ValueError(f"partials arrived out of order: {indexes}")
    total = sum(total for _, total in partials)
    print(f"Combined {len(partials)} partial sums: {total}")
    return total
