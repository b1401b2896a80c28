"""Staffing policy: how many agents an interval needs (Erlang C, or Erlang A when customers
give up), with chat concurrency and shrinkage, and a plan over a whole forecast.

Chat concurrency: an agent holding k chats is k "slots", each serving one chat with the
handling time that a chat takes at that concurrency. The queue is solved on slots and the
slots are shared out over agents (ceil(slots / k)). Shrinkage then adds the people who are
rostered but away from the queue: ceil(raw / (1 - shrinkage)).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence

from kefu.domain.errors import InvalidInput
from kefu.planning import erlang
from kefu.planning.model import IntervalStaffing, IntervalVolume, StaffingRequest, StaffingResult


def staff(request: StaffingRequest) -> StaffingResult:
    load = erlang.intensity(request.contacts, request.interval_min * 60, request.aht_s)
    if request.patience_s is None:
        figures = erlang.erlang_c_positions(
            load,
            aht_s=request.aht_s,
            target_s=request.target_s,
            service_level=request.service_level,
            max_occupancy=request.max_occupancy,
        )
        model, abandonment = "erlang_c", None
    else:
        figures = erlang.erlang_a_positions(
            load,
            aht_s=request.aht_s,
            target_s=request.target_s,
            service_level=request.service_level,
            max_occupancy=request.max_occupancy,
            patience_s=request.patience_s,
        )
        model, abandonment = "erlang_a", figures.abandonment
    raw = math.ceil(figures.positions / request.concurrency)
    return StaffingResult(
        agents_raw=raw,
        agents=math.ceil(raw / (1.0 - request.shrinkage) - 1e-9),
        service_level=figures.service_level,
        occupancy=figures.occupancy,
        asa_s=figures.asa_s,
        wait_probability=figures.wait_probability,
        load_erlangs=load,
        model=model,
        abandonment=abandonment,
    )


def plan(
    volumes: Sequence[IntervalVolume],
    template: StaffingRequest,
    rostered: Sequence[int] | None = None,
) -> list[IntervalStaffing]:
    """Agents needed per interval for the forecast volumes, beside those rostered (when
    given, one number per interval)."""
    if rostered is not None and len(rostered) != len(volumes):
        raise InvalidInput(f"rostered has {len(rostered)} numbers for {len(volumes)} intervals")
    out = []
    cache: dict[float, StaffingResult] = {}
    for i, volume in enumerate(volumes):
        contacts = round(max(0.0, volume.contacts), 3)
        if contacts not in cache:
            cache[contacts] = staff(dataclasses.replace(template, contacts=contacts))
        out.append(
            IntervalStaffing(
                start=volume.start,
                contacts=contacts,
                result=cache[contacts],
                rostered=None if rostered is None else rostered[i],
            )
        )
    return out
