"""Django-admin permissions come from the account's role, not from groups or per-user grants."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import BaseBackend

from kechuang.accounts.roles import ADMIN_PERMISSIONS


class RolePermissionBackend(BaseBackend):
    """Grants :data:`kechuang.accounts.roles.ADMIN_PERMISSIONS` of the user's role.

    It authenticates nobody (``authenticate`` returns None): it only answers ``has_perm``, so
    the Django admin shows each administrator exactly the models of their role.
    """

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        if not getattr(user_obj, "is_active", False) or obj is not None:
            return set()
        return set(ADMIN_PERMISSIONS.get(getattr(user_obj, "role", ""), frozenset()))

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        return perm in self.get_all_permissions(user_obj, obj)

    def has_module_perms(self, user_obj: Any, app_label: str) -> bool:
        return any(p.startswith(f"{app_label}.") for p in self.get_all_permissions(user_obj))
