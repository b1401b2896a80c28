"""The statistics of an A/B comparison (pure; scipy for the distributions).

* rates: two-proportion z-test (pooled standard error for the p-value, unpooled for the 95 %
  confidence interval of the difference, as usual);
* means: Welch's t-test (unequal variances), with the Welch–Satterthwaite degrees of freedom
  for the interval;
* sample size per variant for a minimum detectable effect (two-sided α = 0.05, power 0.8).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from scipy import stats

ALPHA = 0.05
POWER = 0.8


@dataclass(frozen=True, slots=True)
class Comparison:
    diff: float  # treatment − control
    ci_low: float
    ci_high: float
    p_value: float


def _round(x: float, digits: int = 6) -> float:
    return round(x, digits)


def two_proportions(x_c: int, n_c: int, x_t: int, n_t: int) -> Comparison | None:
    if n_c == 0 or n_t == 0:
        return None
    p_c, p_t = x_c / n_c, x_t / n_t
    diff = p_t - p_c
    pooled = (x_c + x_t) / (n_c + n_t)
    se_pooled = math.sqrt(pooled * (1 - pooled) * (1 / n_c + 1 / n_t))
    p_value = 1.0 if se_pooled == 0 else float(2 * stats.norm.sf(abs(diff) / se_pooled))
    se = math.sqrt(p_c * (1 - p_c) / n_c + p_t * (1 - p_t) / n_t)
    z = float(stats.norm.ppf(1 - ALPHA / 2))
    return Comparison(_round(diff), _round(diff - z * se), _round(diff + z * se), _round(p_value))


def welch(control: Sequence[float], treatment: Sequence[float]) -> Comparison | None:
    n_c, n_t = len(control), len(treatment)
    if n_c < 2 or n_t < 2:
        return None
    m_c, m_t = sum(control) / n_c, sum(treatment) / n_t
    v_c = sum((x - m_c) ** 2 for x in control) / (n_c - 1)
    v_t = sum((x - m_t) ** 2 for x in treatment) / (n_t - 1)
    diff = m_t - m_c
    se2 = v_c / n_c + v_t / n_t
    if se2 == 0:
        return Comparison(_round(diff), _round(diff), _round(diff), 1.0 if diff == 0 else 0.0)
    df = se2**2 / ((v_c / n_c) ** 2 / (n_c - 1) + (v_t / n_t) ** 2 / (n_t - 1))
    t = diff / math.sqrt(se2)
    p_value = float(2 * stats.t.sf(abs(t), df))
    half = float(stats.t.ppf(1 - ALPHA / 2, df)) * math.sqrt(se2)
    return Comparison(_round(diff), _round(diff - half), _round(diff + half), _round(p_value))


def sample_size_rate(baseline: float, mde: float) -> int | None:
    """Units per variant to detect an absolute change `mde` from `baseline` rate."""
    p1, p2 = baseline, baseline + mde
    if mde == 0 or not (0 < p1 < 1) or not (0 < p2 < 1):
        return None
    z_a = float(stats.norm.ppf(1 - ALPHA / 2))
    z_b = float(stats.norm.ppf(POWER))
    p_bar = (p1 + p2) / 2
    top = z_a * math.sqrt(2 * p_bar * (1 - p_bar)) + z_b * math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))
    return math.ceil(top**2 / mde**2)


def sample_size_mean(sd: float, mde: float) -> int | None:
    """Units per variant to detect a change `mde` of a mean with standard deviation `sd`."""
    if mde == 0 or sd <= 0:
        return None
    z_a = float(stats.norm.ppf(1 - ALPHA / 2))
    z_b = float(stats.norm.ppf(POWER))
    return math.ceil(2 * ((z_a + z_b) * sd / mde) ** 2)
