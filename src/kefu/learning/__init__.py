"""The learning loop: knowledge gaps, topics, answers mined from human transcripts, and a
review queue through which accepted proposals reach the knowledge base.

Layout (the feature template): `model` and the pure policies (`tracker`, `clustering`,
`mining`, `masking`, `gate`), `ports` with in-memory `fakes`, `actions` (the use cases routes
and the CLI call), `handlers` (reactions to domain events) and `wiring`.
"""
