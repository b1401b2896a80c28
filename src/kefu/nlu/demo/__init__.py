"""Demo data written for kefu (not taken from any corpus): intents, knowledge, emotions."""
