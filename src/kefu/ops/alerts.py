"""Alert rules with hysteresis over the board's indicators.

A rule names an indicator by its path in the board (`now.waiting`,
`windows.5m.sla.breached`…), a threshold that raises the alert and a lower one that clears
it, so a value wobbling around one line does not flap on and off.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

from kefu.domain.errors import InvalidInput

Direction = Literal["above", "below"]


@dataclass(frozen=True, slots=True)
class AlertRule:
    id: str
    indicator: str
    raise_at: float
    clear_at: float
    direction: Direction = "above"
    enabled: bool = True
    label_zh: str = ""
    label_en: str = ""

    def __post_init__(self) -> None:
        if not self.id or not self.indicator:
            raise InvalidInput("an alert rule needs an id and an indicator")
        if self.direction == "above" and self.clear_at > self.raise_at:
            raise InvalidInput(
                f"rule {self.id}: clear_at must not be above raise_at for an 'above' rule"
            )
        if self.direction == "below" and self.clear_at < self.raise_at:
            raise InvalidInput(
                f"rule {self.id}: clear_at must not be below raise_at for a 'below' rule"
            )

    def trips(self, value: float) -> bool:
        return value >= self.raise_at if self.direction == "above" else value <= self.raise_at

    def calm(self, value: float) -> bool:
        return value <= self.clear_at if self.direction == "above" else value >= self.clear_at

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AlertRule:
        try:
            direction = data.get("direction", "above")
            if direction not in ("above", "below"):
                raise InvalidInput("direction must be 'above' or 'below'")
            return cls(
                id=str(data["id"]),
                indicator=str(data["indicator"]),
                raise_at=float(data["raise_at"]),
                clear_at=float(data["clear_at"]),
                direction=direction,
                enabled=bool(data.get("enabled", True)),
                label_zh=str(data.get("label_zh", "")),
                label_en=str(data.get("label_en", "")),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise InvalidInput(f"invalid alert rule: {exc}") from exc


DEFAULT_RULES: tuple[AlertRule, ...] = (
    AlertRule(
        "queue_length", "now.waiting", 10, 5, label_zh="排队人数过多", label_en="Queue too long"
    ),
    AlertRule(
        "longest_wait",
        "now.longest_wait_s",
        300,
        120,
        label_zh="最长等待超过5分钟",
        label_en="Longest wait over 5 minutes",
    ),
    AlertRule(
        "negative_share",
        "now.negative_share",
        0.4,
        0.25,
        label_zh="负面情绪会话占比高",
        label_en="Many upset customers",
    ),
    AlertRule(
        "sla_breaches",
        "windows.5m.sla.breached",
        3,
        0,
        label_zh="SLA 违约增加",
        label_en="SLA breaches",
    ),
    AlertRule(
        "abandonment",
        "windows.1h.abandonment_rate",
        0.2,
        0.1,
        label_zh="排队放弃率高",
        label_en="High abandonment in queue",
    ),
)


def read_indicator(board: dict[str, Any], path: str) -> float | None:
    node: Any = board
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    if isinstance(node, bool) or not isinstance(node, int | float):
        return None
    return float(node)


@dataclass(frozen=True, slots=True)
class AlertChange:
    rule: AlertRule
    raised: bool  # False: cleared
    value: float


class AlertEngine:
    def __init__(self, rules: tuple[AlertRule, ...] = DEFAULT_RULES) -> None:
        self.rules = rules
        self.active: dict[str, tuple[AlertRule, float]] = {}

    def replace_rules(self, rules: tuple[AlertRule, ...]) -> list[AlertChange]:
        """New rules; alerts of rules that are gone or disabled clear."""
        self.rules = rules
        keep = {r.id for r in rules if r.enabled}
        changes = []
        for rule_id in [i for i in self.active if i not in keep]:
            rule, value = self.active.pop(rule_id)
            changes.append(AlertChange(rule, False, value))
        return changes

    def evaluate(self, board: dict[str, Any]) -> list[AlertChange]:
        changes = []
        for rule in self.rules:
            if not rule.enabled:
                continue
            value = read_indicator(board, rule.indicator)
            if value is None:
                continue
            if rule.id in self.active:
                if rule.calm(value):
                    del self.active[rule.id]
                    changes.append(AlertChange(rule, False, value))
                else:
                    self.active[rule.id] = (rule, value)
            elif rule.trips(value):
                self.active[rule.id] = (rule, value)
                changes.append(AlertChange(rule, True, value))
        return changes

    def shown(self) -> list[dict[str, Any]]:
        return [
            {**rule.to_dict(), "value": value}
            for rule, value in sorted(self.active.values(), key=lambda rv: rv[0].id)
        ]
