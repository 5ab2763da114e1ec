"""Envelope encryption for sensitive fields.

The master key (from TUQUAN_MASTER_KEY or TUQUAN_MASTER_KEY_FILE) never touches the
database; it wraps the data keys (`DataKey`), which encrypt the values with AES-256-GCM.
Keys belong to the deployment, not to any officer, so a successor can read what a
transferred officer recorded. A value is stored as ``enc1:<data key id>:<base64>``, and the
field's name is bound in as associated data, so a ciphertext copied into another column
does not decrypt.
"""

from __future__ import annotations

import base64
import hashlib
import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

if TYPE_CHECKING:
    from tuquan.core.models import DataKey

PREFIX = "enc1"
_lock = threading.Lock()
_cache: dict[str, object] = {}


class DecryptionError(Exception):
    pass


def _decode_key(text: str, origin: str) -> bytes:
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{origin}: the master key is not valid base64.") from exc
    if len(key) != 32:
        raise ImproperlyConfigured(f"{origin}: the master key must be 32 bytes (base64 of 32 bytes).")
    return key


def generate_key_text() -> str:
    return base64.b64encode(os.urandom(32)).decode()


def read_key_file(path: str | Path) -> bytes:
    return _decode_key(Path(path).read_text(), str(path))


def master_key() -> bytes:
    cached = _cache.get("master")
    if isinstance(cached, bytes):
        return cached
    if settings.TUQUAN_MASTER_KEY:
        key = _decode_key(settings.TUQUAN_MASTER_KEY, "TUQUAN_MASTER_KEY")
    elif settings.TUQUAN_MASTER_KEY_FILE:
        path = Path(settings.TUQUAN_MASTER_KEY_FILE)
        if not path.exists():
            if not settings.TUQUAN_MASTER_KEY_AUTOCREATE:
                raise ImproperlyConfigured(f"Master key file {path} does not exist.")
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as handle:
                handle.write(generate_key_text() + "\n")
        key = read_key_file(path)
    else:
        raise ImproperlyConfigured("Set TUQUAN_MASTER_KEY or TUQUAN_MASTER_KEY_FILE.")
    _cache["master"] = key
    return key


def master_key_id(key: bytes | None = None) -> str:
    """A fingerprint that names a master key without revealing it."""
    return hashlib.sha256(b"tuquan-master-key-id" + (key or master_key())).hexdigest()[:16]


def wrap(data_key: bytes, key: bytes) -> bytes:
    nonce = os.urandom(12)
    return nonce + AESGCM(key).encrypt(nonce, data_key, b"tuquan-data-key")


def unwrap(wrapped: bytes | memoryview, key: bytes) -> bytes:
    try:
        return AESGCM(key).decrypt(bytes(wrapped[:12]), bytes(wrapped[12:]), b"tuquan-data-key")
    except InvalidTag as exc:
        raise DecryptionError("A data key does not open with this master key.") from exc


def reset_cache() -> None:
    """Forget keys held in memory (after a rotation, and between tests)."""
    with _lock:
        _cache.clear()


def _data_keys() -> dict[int, bytes]:
    keys = _cache.get("data")
    if isinstance(keys, dict):
        return keys
    keys = {}
    _cache["data"] = keys
    return keys


def load_data_key(key_id: int) -> bytes:
    from tuquan.core.models import DataKey

    keys = _data_keys()
    if key_id not in keys:
        row = DataKey.objects.filter(pk=key_id).first()
        if row is None:
            raise DecryptionError(f"Data key {key_id} does not exist.")
        keys[key_id] = unwrap(row.wrapped_key, master_key())
    return keys[key_id]


def primary_key_id() -> int:
    from tuquan.core.models import DataKey

    row = DataKey.objects.filter(is_primary=True).only("pk").first()
    if row is None:
        with transaction.atomic():
            row = DataKey.objects.select_for_update().filter(is_primary=True).first()
            if row is None:
                row = create_data_key(primary=True)
    return row.pk


def create_data_key(*, primary: bool) -> DataKey:
    from tuquan.core.models import DataKey

    raw = os.urandom(32)
    row = DataKey.objects.create(
        wrapped_key=wrap(raw, master_key()), master_key_id=master_key_id(), is_primary=primary
    )
    _data_keys()[row.pk] = raw
    return row


def encrypt(plaintext: str, *, context: str) -> str:
    key_id = primary_key_id()
    nonce = os.urandom(12)
    sealed = AESGCM(load_data_key(key_id)).encrypt(nonce, plaintext.encode(), context.encode())
    return f"{PREFIX}:{key_id}:{base64.b64encode(nonce + sealed).decode()}"


def is_encrypted(value: str) -> bool:
    return value.startswith(PREFIX + ":")


def key_id_of(value: str) -> int:
    return int(value.split(":", 2)[1])


def decrypt(token: str, *, context: str) -> str:
    try:
        _prefix, key_id, payload = token.split(":", 2)
        raw = base64.b64decode(payload)
    except ValueError as exc:
        raise DecryptionError("Not an encrypted value.") from exc
    try:
        plain = AESGCM(load_data_key(int(key_id))).decrypt(raw[:12], raw[12:], context.encode())
    except InvalidTag as exc:
        raise DecryptionError("The value does not decrypt (wrong key or column).") from exc
    return plain.decode()
