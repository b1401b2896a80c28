"""Insight: customer journeys, behaviour indicators, heat-maps, experiments and exports.

Journey events are written once per step from domain events (`handlers.JourneyTracker`);
outcomes follow docs/metrics.md ("Customer journeys"); reports read incremental rollups.
Routes call `actions` only; `wiring.build_insight` receives the adapters.
"""
