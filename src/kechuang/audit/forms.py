"""The audit pages' filter forms by their earlier names: the filters themselves are declared
once in ``audit/filters.py``; these give the page form (what the list and the export bind)."""

from __future__ import annotations

from functools import partial

from kechuang.audit.filters import AccessEventFilter, AuthEventFilter, ChangeFilter

ChangeFilterForm = ChangeFilter.page_form
AuthEventFilterForm = partial(AuthEventFilter.page_form, user=None)
AccessEventFilterForm = partial(AccessEventFilter.page_form, user=None)
