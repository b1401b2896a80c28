"""Signed customer identity for the widget, like Intercom's identity verification.

The customer's site knows who is logged in; kefu does not. The site computes
`HMAC-SHA256(KEFU_WIDGET_IDENTITY_SECRET, uid)` on its server and puts it next to the uid
(`data-uid="stu-1001" data-uid-signature="<hex>"`). kefu links the conversation to that
customer (their profile and orders) only when the signature matches. Anyone else is an
anonymous visitor: an unsigned or wrongly signed uid is dropped, so typing another person's
uid into the page shows nothing of theirs.

Without a secret, outside production, uids are trusted as before (demo and tests); in
production without a secret no uid is trusted.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass


def sign(secret: str, uid: str) -> str:
    """What the customer's site computes (shown here for tests and the docs)."""
    return hmac.new(secret.encode(), uid.encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True, slots=True)
class IdentityCheck:
    secret: str | None
    trust_unsigned: bool

    def external_id(self, uid: str | None, signature: str | None) -> str | None:
        """The uid if it is proven (or trusted); None makes the visitor anonymous."""
        if uid is None:
            return None
        if self.secret is None:
            return uid if self.trust_unsigned else None
        if signature is None:
            return None
        expected = sign(self.secret, uid)
        return uid if hmac.compare_digest(expected, signature.strip().lower()) else None
