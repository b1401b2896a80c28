"""kefu — a customer-service platform where a bot and human agents work as one team."""

__version__ = "0.1.0"
