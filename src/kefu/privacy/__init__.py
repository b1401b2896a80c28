"""Privacy that is enforced: masking, expiry of emotion data, retention, export and erasure
of one customer's data, and the audit log of admin and supervisor actions."""
