from __future__ import annotations

from typing import Any

from django.db import models

from tuquan.core import crypto


class EncryptedTextField(models.TextField):
    """Text encrypted at rest with the deployment's keys (see core.crypto).

    Python code sees plain text; the database, a dump and `dumpdata` see only ciphertext.
    It cannot be searched or ordered in SQL: keep a separate, non-identifying field for that.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def _context(self) -> str:
        return f"{self.model._meta.label_lower}.{self.name}"

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str:
        if not value:
            return ""
        if not crypto.is_encrypted(value):
            return value
        return crypto.decrypt(value, context=self._context())

    def get_db_prep_value(self, value: Any, connection: Any, prepared: bool = False) -> Any:
        if value is None or value == "":
            return ""
        value = str(value)
        if crypto.is_encrypted(value):
            return value
        return crypto.encrypt(value, context=self._context())

    def value_to_string(self, obj: models.Model) -> str:
        # `dumpdata` must not become a way around encryption at rest.
        return self.get_db_prep_value(self.value_from_object(obj), None)
