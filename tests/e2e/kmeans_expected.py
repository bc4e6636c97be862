#!/usr/bin/env python3
"""The output examples/kmeans.cpp must print, computed here sequentially and
independently of jobstream: the same towns (std::minstd_rand as the C++
standard defines it: x = 48271 * x mod 2^31 - 1), then Lloyd's algorithm in
one loop over all customers per round, starting from the first customers.

  python3 tests/e2e/kmeans_expected.py > tests/e2e/kmeans.expected
"""

MODULUS = 2**31 - 1


def minstd_rand(seed):
    x = seed % MODULUS or 1
    while True:
        x = x * 48271 % MODULUS
        yield x


def town(seed, centres, customers, spread):
    random = minstd_rand(seed)
    points = []
    for _ in range(customers):
        cx, cy = centres[next(random) % len(centres)]
        dx = next(random) % (2 * spread + 1) - spread
        dy = next(random) % (2 * spread + 1) - spread
        points.append((cx + dx, cy + dy))
    return points


def lloyd(points, k, max_rounds=100):
    depots = [(float(x), float(y)) for x, y in points[:k]]
    rounds, moved = 0, True
    while moved and rounds < max_rounds:
        sums = [[0, 0, 0] for _ in depots]  # integers: exact
        for x, y in points:
            distances = [(x - dx) ** 2 + (y - dy) ** 2 for dx, dy in depots]
            nearest = distances.index(min(distances))  # the first on a tie
            sums[nearest][0] += x
            sums[nearest][1] += y
            sums[nearest][2] += 1
        rounds += 1
        means = [(sx / n, sy / n) if n else depot for (sx, sy, n), depot in zip(sums, depots)]
        moved = means != depots
        depots = means
    return depots, rounds, moved


TOWNS = [
    ("Alderton", 1, [(2000, 3000), (8000, 2500), (5000, 9000)], 3000, 2500),
    ("Brookfield", 2, [(1000, 1000), (9000, 1500), (2000, 8000), (8500, 9000)], 5000, 3000),
    ("Carrow", 3, [(3000, 3000), (12000, 2000), (7000, 7000), (2000, 12000), (12000, 12000)],
     8000, 3000),
]

for name, seed, centres, customers, spread in TOWNS:
    depots, rounds, moved = lloyd(town(seed, centres, customers, spread), len(centres))
    state = "still moving" if moved else "stable"
    print(f"{name}: {len(depots)} depots, {state} after {rounds} rounds:"
          + "".join(f" ({x:.1f}, {y:.1f})" for x, y in depots))
