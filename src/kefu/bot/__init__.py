"""The bot: answers standard questions, runs task flows, and hands over to a human cleanly.

The feature template: `policy` (pure: one decision per turn), `cues`, `handover`,
`aftercare`, `calibration` (pure helpers), `flows/` (task flows over the business port),
`ports` (protocols; in-memory fakes in `fakes`), `actions` and `drafts` (the use cases),
`handlers` (reactions to events) and `wiring` (`build_bot`, given the adapters).
"""
