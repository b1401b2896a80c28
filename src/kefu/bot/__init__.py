"""The bot: answers standard questions, runs task flows, and hands over to a human cleanly.

`service.BotService` is the only part with I/O; `rules`, `handover`, `memory`, `dialogue`
and `texts` are pure, and `flows` talks to the business system only through its port.
"""
