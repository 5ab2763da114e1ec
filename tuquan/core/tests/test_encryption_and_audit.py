from __future__ import annotations

import base64
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.test import Client, override_settings

from tuquan.accounts.models import User
from tuquan.core import crypto
from tuquan.core.models import AuditAction, AuditEntry, DataKey

pytestmark = pytest.mark.django_db
PHONE, NATIONAL_ID = "0912000111", "014090001111"


def raw_row(user: User) -> tuple[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone, national_id FROM accounts_user WHERE id = %s", [user.pk])
        return cursor.fetchone()


def test_an_identity_is_not_readable_in_the_database(world: Any) -> None:
    phone, national_id = raw_row(world.linh)
    assert PHONE not in phone and NATIONAL_ID not in national_id
    assert phone.startswith("enc1:") and national_id.startswith("enc1:")
    assert User.objects.get(pk=world.linh.pk).phone == PHONE


def test_an_identity_is_not_readable_in_a_dump(world: Any) -> None:
    if connection.vendor == "sqlite":
        dump = "\n".join(connection.connection.iterdump())
    else:
        with connection.cursor() as cursor:
            cursor.execute("SELECT row_to_json(u)::text FROM accounts_user u")
            dump = "\n".join(r[0] for r in cursor.fetchall())
    assert "linh" in dump and PHONE not in dump and NATIONAL_ID not in dump
    out = io.StringIO()
    call_command("dumpdata", "accounts.user", stdout=out)
    assert "linh" in out.getvalue() and PHONE not in out.getvalue()


def test_a_ciphertext_moved_to_another_column_does_not_decrypt(world: Any) -> None:
    phone, _ = raw_row(world.linh)
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(phone, context="accounts.user.national_id")


def test_the_data_key_is_stored_only_wrapped(world: Any) -> None:
    key = DataKey.objects.get(is_primary=True)
    assert len(bytes(key.wrapped_key)) == 12 + 32 + 16
    assert key.master_key_id == crypto.master_key_id()


def test_rotating_the_data_key_reencrypts_every_value(world: Any) -> None:
    old_key = DataKey.objects.get(is_primary=True).pk
    old_cipher = raw_row(world.linh)
    call_command("rotate_keys", stdout=io.StringIO())
    new_cipher = raw_row(world.linh)
    assert new_cipher != old_cipher and f"enc1:{old_key}:" not in new_cipher[0]
    assert not DataKey.objects.filter(pk=old_key).exists()
    crypto.reset_cache()
    assert User.objects.get(pk=world.linh.pk).national_id == NATIONAL_ID


def test_changing_the_master_key_rewraps_the_data_keys(world: Any, tmp_path: Path) -> None:
    old_file = tmp_path / "old.key"
    old_file.write_text(base64.b64encode(crypto.master_key()).decode())
    new_key = crypto.generate_key_text()
    with override_settings(TUQUAN_MASTER_KEY=new_key):
        crypto.reset_cache()
        with pytest.raises(crypto.DecryptionError):
            User.objects.get(pk=world.linh.pk)
        call_command("rotate_keys", old_master_key_file=str(old_file), stdout=io.StringIO())
        crypto.reset_cache()
        assert User.objects.get(pk=world.linh.pk).phone == PHONE


def test_reading_an_identity_as_an_officer_leaves_an_audit_row(world: Any) -> None:
    client = Client()
    client.force_login(world.alice)
    page = client.get(f"/tai-khoan/{world.linh.pk}/")
    assert PHONE not in page.content.decode()
    assert not AuditEntry.objects.filter(action=AuditAction.READ).exists()
    page = client.get(f"/tai-khoan/{world.linh.pk}/?hien=1")
    assert PHONE in page.content.decode()
    entry = AuditEntry.objects.get(action=AuditAction.READ)
    assert (entry.actor, entry.object_id, entry.area) == (world.alice, str(world.linh.pk), world.village)
    assert PHONE not in json.dumps(entry.details) and entry.details == {"fields": ["phone", "national_id"]}


def test_the_audit_log_is_append_only(world: Any) -> None:
    entry = AuditEntry.objects.create(action=AuditAction.LOGIN, actor_username="x")
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.update(actor_username="y")
    assert AuditEntry.objects.filter(actor_username="x").exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="database triggers guard PostgreSQL only")
def test_on_postgresql_the_database_itself_refuses_to_rewrite_the_audit_log(world: Any) -> None:
    AuditEntry.objects.create(action=AuditAction.LOGIN, actor_username="x")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditentry SET actor_username = 'y'")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditentry")
    assert AuditEntry.objects.filter(actor_username="x").exists()


def test_province_admin_sees_audit_of_their_province_only(world: Any) -> None:
    from tuquan.core import services

    services.village_create(actor=world.alice, commune=world.commune, kind="Bản", name="Mới")
    services.village_create(actor=world.erin, commune=world.far_commune, kind="Bản", name="Xa")
    client = Client()
    client.force_login(world.charlie)
    page = client.get("/nhat-ky-he-thong/").content.decode()
    assert "Bản Mới" in page and "Bản Xa" not in page
