"""The Django admin writes outside our services, so it audits here (before/after, actor)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from kechuang.audit.models import ChangeRecord
from kechuang.audit.services import record_change, snapshot


class AuditedAdminMixin:
    """Every add, change and delete made in the admin leaves a ChangeRecord, inlines too."""

    def _before(self, obj: Any) -> dict | None:
        if obj.pk is None:
            return None
        old = type(obj)._base_manager.filter(pk=obj.pk).first()
        return snapshot(old) if old is not None else None

    def save_model(self, request, obj, form, change):  # type: ignore[override]
        before = self._before(obj) if change else None
        super().save_model(request, obj, form, change)
        record_change(actor=request.user,
                      action=ChangeRecord.Action.UPDATE if change else ChangeRecord.Action.CREATE,
                      obj=obj, before=before, after=snapshot(obj), reason="admin")

    def delete_model(self, request, obj):  # type: ignore[override]
        record_change(actor=request.user, action=ChangeRecord.Action.DELETE, obj=obj,
                      before=snapshot(obj), reason="admin")
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):  # type: ignore[override]
        for obj in queryset:
            record_change(actor=request.user, action=ChangeRecord.Action.DELETE, obj=obj,
                          before=snapshot(obj), reason="admin")
        super().delete_queryset(request, queryset)

    def save_formset(self, request, form, formset, change):  # type: ignore[override]
        befores = {f.instance.pk: self._before(f.instance)
                   for f in formset.forms if f.instance.pk is not None}
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            record_change(actor=request.user, action=ChangeRecord.Action.DELETE, obj=obj,
                          before=snapshot(obj), reason="admin")
            obj.delete()
        for obj in instances:
            is_new = obj.pk is None
            obj.save()
            record_change(actor=request.user,
                          action=ChangeRecord.Action.CREATE if is_new
                          else ChangeRecord.Action.UPDATE,
                          obj=obj, before=None if is_new else befores.get(obj.pk),
                          after=snapshot(obj), reason="admin")
        formset.save_m2m()


class AuditedModelAdmin(AuditedAdminMixin, admin.ModelAdmin):
    pass
