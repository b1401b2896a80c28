"""Queueing formulas for staffing: Erlang C (M/M/c, customers wait forever) and Erlang A
(M/M/c+M, customers give up after an exponential patience).

Pure functions of numbers; times are in seconds. The Erlang C search follows the published
procedure of the `pyworkforce` package (start at round(A + 1) positions, add one until the
service level is met, then cap occupancy), so its example gives the same answer here:
100 contacts in 30 minutes, AHT 180 s, target 20 s, 80 % service level, 85 % maximum occupancy
and 30 % shrinkage need 14 positions raw and 20 with shrinkage. pyworkforce itself is not a
dependency: its current release needs Python 3.12+ and pulls in OR-Tools and pandas for the
scheduling parts kefu does not use.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, slots=True)
class QueueFigures:
    """What `positions` servers achieve on an offered load."""

    positions: int
    service_level: float
    occupancy: float
    wait_probability: float
    asa_s: float
    abandonment: float = 0.0


def intensity(volume: float, interval_s: float, aht_s: float) -> float:
    """Offered load in Erlangs: arrivals per second times handling time."""
    return volume / interval_s * aht_s


def erlang_b(load: float, positions: int) -> float:
    """Blocking probability, by the stable recursion B(n) = A·B(n-1) / (n + A·B(n-1))."""
    blocked = 1.0
    for n in range(1, positions + 1):
        blocked = load * blocked / (n + load * blocked)
    return blocked


def _erlang_c_from_b(load: float, positions: int, blocked: float) -> float:
    return positions * blocked / (positions - load * (1.0 - blocked))


def erlang_c(load: float, positions: int) -> float:
    """Probability that an arriving customer waits; 1.0 when the queue is unstable."""
    if positions <= load:
        return 1.0
    return _erlang_c_from_b(load, positions, erlang_b(load, positions))


def _c_figures(
    load: float, positions: int, blocked: float, target_s: float, aht_s: float
) -> QueueFigures:
    wait = _erlang_c_from_b(load, positions, blocked)
    service_level = max(0.0, 1.0 - wait * math.exp(-(positions - load) * target_s / aht_s))
    return QueueFigures(
        positions=positions,
        service_level=service_level,
        occupancy=load / positions,
        wait_probability=wait,
        asa_s=wait * aht_s / (positions - load),
    )


def erlang_c_figures(load: float, positions: int, target_s: float, aht_s: float) -> QueueFigures:
    if positions <= load:
        raise ValueError(f"{positions} positions cannot carry {load:.2f} Erlangs")
    return _c_figures(load, positions, erlang_b(load, positions), target_s, aht_s)


def erlang_c_positions(
    load: float, *, aht_s: float, target_s: float, service_level: float, max_occupancy: float
) -> QueueFigures:
    """The fewest positions meeting the service level and the occupancy cap (pyworkforce's
    procedure). One pass of the Erlang B recursion: O(positions)."""
    if load <= 0:
        return QueueFigures(0, 1.0, 0.0, 0.0, 0.0)
    positions = max(1, round(load + 1))
    blocked = erlang_b(load, positions)
    figures = _c_figures(load, positions, blocked, target_s, aht_s)
    while figures.service_level < service_level:
        positions += 1
        blocked = load * blocked / (positions + load * blocked)
        figures = _c_figures(load, positions, blocked, target_s, aht_s)
    if figures.occupancy > max_occupancy:
        capped = math.ceil(load / max_occupancy)
        figures = erlang_c_figures(load, capped, target_s, aht_s)
    return figures


def _birth_death(load: float, positions: int, patience_ratio: float) -> np.ndarray:
    """Stationary distribution of M/M/c+M in units of the service rate (mu = 1): birth rate
    `load`, death rate min(n, c) + max(n - c, 0) · theta/mu. Truncated once the tail is
    negligible; computed in logs so thousands of positions do not overflow."""
    logs = [0.0]
    peak = 0.0
    n = 0
    while True:
        n += 1
        death = min(n, positions) + max(n - positions, 0) * patience_ratio
        logs.append(logs[-1] + math.log(load) - math.log(death))
        peak = max(peak, logs[-1])
        if n > positions and logs[-1] < peak - 36.0:
            break
        if n > positions + 200_000:  # a guard: abandonment always bounds the queue
            break
    values = np.exp(np.array(logs) - peak)
    distribution: np.ndarray = values / values.sum()
    return distribution


def _answered_within(start: np.ndarray, positions: int, theta: float, target: float) -> float:
    """Probability that a delayed customer is answered within `target`, where `start[j]` is
    the probability of finding j others waiting. Uniformisation of the chain "j ahead → j-1
    ahead → answered" in which every waiting customer, the tagged one included, gives up at
    rate theta. Time is in handling times (service rate 1 per position)."""
    rates = positions + theta * np.arange(len(start))  # how fast the queue ahead moves
    uniform = float(rates.max() + theta)
    stay = 1.0 - (rates + theta) / uniform
    move = rates / uniform
    mean = uniform * target
    steps = int(mean + 8.0 * math.sqrt(mean) + 20)
    mass = start.astype(float).copy()
    answered = 0.0
    log_weight = -mean
    result = math.exp(log_weight) * answered
    cumulative = math.exp(log_weight)
    for step in range(1, steps + 1):
        answered += float(mass[0] * move[0])
        shifted = np.zeros_like(mass)
        shifted[:-1] = mass[1:] * move[1:]
        mass = mass * stay + shifted
        log_weight += math.log(mean) - math.log(step)
        weight = math.exp(log_weight)
        result += weight * answered
        cumulative += weight
    return result + max(0.0, 1.0 - cumulative) * answered


def erlang_a_figures(
    load: float, positions: int, *, aht_s: float, target_s: float, patience_s: float
) -> QueueFigures:
    """Service level, wait, abandonment and occupancy of `positions` agents when customers
    give up after `patience_s` on average."""
    theta_ratio = aht_s / patience_s
    probs = _birth_death(load, positions, theta_ratio)
    waiting_states = np.arange(len(probs)) - positions
    queue = float(np.sum(np.clip(waiting_states, 0, None) * probs))
    wait_probability = float(probs[positions:].sum())
    abandonment = theta_ratio * queue / load  # rate out of the queue over rate in
    throughput = load * (1.0 - abandonment)
    delayed_served = _answered_within(probs[positions:], positions, theta_ratio, target_s / aht_s)
    return QueueFigures(
        positions=positions,
        service_level=min(1.0, float(probs[:positions].sum()) + delayed_served),
        occupancy=throughput / positions,
        wait_probability=wait_probability,
        asa_s=queue / load * aht_s,
        abandonment=abandonment,
    )


def erlang_a_positions(
    load: float,
    *,
    aht_s: float,
    target_s: float,
    service_level: float,
    max_occupancy: float,
    patience_s: float,
) -> QueueFigures:
    """The fewest positions meeting the service level with abandonment (a binary search:
    the service level rises with every position added), then the occupancy cap."""
    if load <= 0:
        return QueueFigures(0, 1.0, 0.0, 0.0, 0.0)
    low = 1
    high = max(2, math.ceil(load / max_occupancy) + 1)
    while (
        erlang_a_figures(
            load, high, aht_s=aht_s, target_s=target_s, patience_s=patience_s
        ).service_level
        < service_level
    ):
        high *= 2
    while low < high:
        middle = (low + high) // 2
        figures = erlang_a_figures(
            load, middle, aht_s=aht_s, target_s=target_s, patience_s=patience_s
        )
        if figures.service_level >= service_level:
            high = middle
        else:
            low = middle + 1
    figures = erlang_a_figures(load, low, aht_s=aht_s, target_s=target_s, patience_s=patience_s)
    capped = low
    while figures.occupancy > max_occupancy:
        # Occupancy is the answered load over positions; jump to where the load answered
        # now would fit (more positions answer more, so this may take a few rounds).
        answered = load * (1.0 - figures.abandonment)
        capped = max(capped + 1, math.ceil(answered / max_occupancy - 1e-9))
        figures = erlang_a_figures(
            load, capped, aht_s=aht_s, target_s=target_s, patience_s=patience_s
        )
    return figures
