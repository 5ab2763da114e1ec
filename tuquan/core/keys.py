"""Key rotation for field encryption (`tuquan rotate-keys`)."""

from __future__ import annotations

from django.apps import apps
from django.db import transaction
from django.utils import timezone

from tuquan.core import crypto
from tuquan.core.fields import EncryptedTextField
from tuquan.core.models import DataKey


class KeyRotationError(Exception):
    pass


def encrypted_fields() -> list[tuple[type, list[str]]]:
    found = []
    for model in apps.get_models():
        names = [f.name for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        if names:
            found.append((model, names))
    return found


def rotate_data_key() -> dict[str, int]:
    """New primary data key; every encrypted value re-encrypted under it; old keys destroyed."""
    values = fields = 0
    with transaction.atomic():
        DataKey.objects.filter(is_primary=True).update(is_primary=False, retired_at=timezone.now())
        crypto.reset_cache()
        new = crypto.create_data_key(primary=True)
        for model, names in encrypted_fields():
            fields += len(names)
            manager = model._base_manager  # type: ignore[attr-defined]
            for row in manager.only("pk", *names).iterator(chunk_size=500):
                updates = {name: getattr(row, name) for name in names if getattr(row, name)}
                if updates:
                    manager.filter(pk=row.pk).update(**updates)
                    values += len(updates)
        retired, _ = DataKey.objects.exclude(pk=new.pk).delete()  # type: ignore[attr-defined]
    crypto.reset_cache()
    return {"key_id": new.pk, "values": values, "fields": fields, "retired": retired}  # type: ignore[attr-defined]


def rewrap_data_keys(*, old_key_file: str) -> int:
    """After the master key changed: re-wrap each data key from the old master key to the new."""
    try:
        old = crypto.read_key_file(old_key_file)
    except (OSError, Exception) as exc:
        raise KeyRotationError(f"Không đọc được khoá chủ cũ: {exc}") from exc
    current = crypto.master_key()
    current_id = crypto.master_key_id(current)
    count = 0
    with transaction.atomic():
        for row in DataKey.objects.select_for_update():
            if row.master_key_id == current_id:
                continue
            try:
                raw = crypto.unwrap(row.wrapped_key, old)
            except crypto.DecryptionError as exc:
                raise KeyRotationError(f"Khoá dữ liệu #{row.pk} không mở được bằng khoá chủ cũ.") from exc
            row.wrapped_key = crypto.wrap(raw, current)
            row.master_key_id = current_id
            row.save(update_fields=["wrapped_key", "master_key_id"])
            count += 1
    crypto.reset_cache()
    return count
