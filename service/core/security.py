"""API keys: ``lg_<prefix>_<secret>``; only the sha256 of the whole key is stored.

The secret carries 256 random bits, so a plain sha256 is enough (no slow KDF is needed for
keys that are not human-chosen), and lookup is by the hash with a unique index.
"""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import ApiKey, Owner


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def generate_key() -> tuple[str, str]:
    prefix = secrets.token_hex(4)
    return f"lg_{prefix}_{secrets.token_urlsafe(32)}", prefix


def create_key(session: Session, owner_name: str) -> tuple[str, Owner]:
    """Create a key for the owner with that name (the owner is created when new)."""
    owner = session.scalars(select(Owner).where(Owner.name == owner_name).limit(1)).first()
    if owner is None:
        owner = Owner(name=owner_name)
        session.add(owner)
        session.flush()
    key, prefix = generate_key()
    session.add(ApiKey(owner_id=owner.id, prefix=prefix, key_hash=hash_key(key)))
    session.commit()
    return key, owner


def owner_for_key(session: Session, key: str) -> Owner | None:
    row = session.execute(
        select(Owner)
        .join(ApiKey, ApiKey.owner_id == Owner.id)
        .where(ApiKey.key_hash == hash_key(key), ApiKey.revoked_at.is_(None))
    ).first()
    return row[0] if row else None
