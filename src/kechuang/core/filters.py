"""One filter definition per list (a django-filter ``FilterSet``), read three ways.

Before, a list's filters were written two or three times: a page form, an API query
serializer and sometimes a FilterSet, each parsing the same parameters its own way. A
:class:`ListFilter` declares them once; then

- the list page and the export view take :meth:`ListFilter.page_form` — a
  :class:`~kechuang.core.forms.FilterForm` (lenient: a bad value is shown on its field and
  left out, the other filters still apply; ``filters()`` is what the selector and the export
  job receive);
- the API takes :meth:`ListFilter.api_filters` — strict: a bad parameter is a 400 naming it,
  with the messages the API gave before (DRF's, e.g. "请填写合法的整数值。");
- the OpenAPI schema takes :meth:`ListFilter.openapi_parameters`.

The selectors still do the filtering (``filters`` dict in, scoped queryset out), so page, API
and export get the same rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import exceptions
from rest_framework import fields as drf_fields

from kechuang.core.forms import FilterForm, style_widgets
from kechuang.core.params import MAX_ID, is_digits

# The API's messages stay DRF's (clients and tests read them), whichever field parses.
INTEGER_MESSAGE = drf_fields.IntegerField.default_error_messages["invalid"]
BOOLEAN_MESSAGE = drf_fields.BooleanField.default_error_messages["invalid"]
CHOICE_MESSAGE = drf_fields.ChoiceField.default_error_messages["invalid_choice"]
MIN_MESSAGE = drf_fields.IntegerField.default_error_messages["min_value"]
MAX_MESSAGE = drf_fields.IntegerField.default_error_messages["max_value"]


class IntChoiceField(forms.ChoiceField):
    """A whole number shown as a select (a county's or chain's id, a year).

    On the page a value outside the choices is refused like any select's; the API accepts any
    number in range (the selector's scope decides which rows match), so ``strict_choices`` is
    off there. Not digits is "请填写合法的整数值。", out of range DRF's bound message.
    """

    def __init__(self, *, queryset: QuerySet | None = None, empty_label: Any = "",
                 min_value: int = 1, max_value: int = MAX_ID, **kwargs: Any) -> None:
        kwargs.setdefault("error_messages", {}).setdefault("invalid", INTEGER_MESSAGE)
        super().__init__(**kwargs)
        self.empty_label = empty_label
        self.min_value, self.max_value = min_value, max_value
        self.strict_choices = True
        if queryset is not None:
            self.queryset = queryset

    @property
    def queryset(self) -> QuerySet | None:
        return getattr(self, "_queryset", None)

    @queryset.setter
    def queryset(self, qs: QuerySet) -> None:
        self._queryset = qs
        self.choices = [("", self.empty_label),
                        *((o.pk, self.label_from_instance(o)) for o in qs)]

    def label_from_instance(self, obj: Any) -> str:
        return str(obj)

    def to_python(self, value: Any) -> int | None:
        if value in self.empty_values:
            return None
        text = str(value).strip()
        if not is_digits(text) or len(text) > 19:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        n = int(text)
        if n < self.min_value:
            raise ValidationError(str(MIN_MESSAGE).format(min_value=self.min_value),
                                  code="min_value")
        if n > self.max_value:
            raise ValidationError(str(MAX_MESSAGE).format(max_value=self.max_value),
                                  code="max_value")
        return n

    def validate(self, value: Any) -> None:
        if value is None:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return
        if self.strict_choices and not self.valid_value(str(value)):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice",
                                  params={"value": value})


class IntChoiceFilter(django_filters.Filter):
    field_class = IntChoiceField


class SelectFilter(django_filters.Filter):
    """A plain select (its choices given whole, the empty one included, as the page shows)."""

    field_class = forms.ChoiceField


class TriStateField(forms.ChoiceField):
    """Yes / no / either as "1" / "0" / "", also taking the API's true/false spellings."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("error_messages", {}).setdefault("invalid_choice", BOOLEAN_MESSAGE)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> str:
        if value in self.empty_values:
            return ""
        if value in drf_fields.BooleanField.TRUE_VALUES:
            return "1"
        if value in drf_fields.BooleanField.FALSE_VALUES:
            return "0"
        return str(value)


class TriStateFilter(django_filters.Filter):
    field_class = TriStateField


class ListFilter(django_filters.FilterSet):
    """A list's filters, declared once; subclasses set ``Meta.model`` and the filters.

    ``api_names`` maps an API parameter to its filter (``{"ordering": "sort"}``);
    ``api_only`` / ``page_only`` name filters one side does not offer; ``api_help`` gives the
    schema's descriptions; ``default_filters``
    apply when the page is opened without a query, ``defaults`` whenever the query does not give
    the filter (page, API and export alike). :meth:`setup_form` fills per-user choices;
    keyword arguments besides ``user`` (a record kind) are kept in ``context`` for it.
    """

    api_names: ClassVar[Mapping[str, str]] = {}
    api_only: ClassVar[tuple[str, ...]] = ()
    page_only: ClassVar[tuple[str, ...]] = ()
    default_filters: ClassVar[Mapping[str, Any]] = {}
    defaults: ClassVar[Mapping[str, Any]] = {}  # taken when the query does not give them
    api_help: ClassVar[Mapping[str, Any]] = {}  # the schema's descriptions, by filter name

    class Meta:  # subclasses: class Meta(ListFilter.Meta): model = …
        form = FilterForm
        fields: ClassVar[list[str]] = []

    def __init__(self, data: Any = None, *, user: Any, api: bool = False,
                 **context: Any) -> None:
        self.user = user
        self.api = api
        self.context = context  # what the list's URL adds (a record kind, a plan)
        super().__init__(data, queryset=self._meta.model._default_manager.none())
        for name in self.page_only if api else self.api_only:
            self.filters.pop(name, None)

    @property
    def form(self) -> FilterForm:
        if not hasattr(self, "_form"):
            form = super().form
            form.default_filters = {**self.default_filters, **self.defaults}
            form.fixed_defaults = self.defaults
            for field in form.fields.values():
                if hasattr(field, "strict_choices"):  # the API leaves the choice to the scope
                    field.strict_choices = not self.api
            if not self.api:
                self.setup_form(form)
                style_widgets(form, small=True)
        return self._form

    def setup_form(self, form: FilterForm) -> None:
        """The page's per-user choices (counties and chains in scope, years); the API does not
        check choices, so it skips this."""

    # --- the three readers ----------------------------------------------------------------

    @classmethod
    def page_form(cls, data: Any = None, *, user: Any, **kwargs: Any) -> FilterForm:
        """The list page's filter bar (also what the export view binds to its POST)."""
        return cls(data, user=user, **kwargs).form

    @classmethod
    def api_filters(cls, params: Mapping[str, Any], *, user: Any,
                    **context: Any) -> dict[str, Any]:
        """The API's query parameters as selector filters; a bad one is a 400 naming it."""
        data = {cls.api_names.get(k, k): params[k] for k in params}
        form = cls(data, user=user, api=True, **context).form
        errors = {name: list(errs) for name, errs in form.errors.items()} if (
            not form.is_valid()) else {}
        for name, value in data.items():  # given but empty is not "no filter" for a number
            field = form.fields.get(name)
            if value == "" and field is not None and not isinstance(field, forms.CharField):
                errors.setdefault(name, [_blank_message(field)])
        if errors:
            to_api = {v: k for k, v in cls.api_names.items()}
            raise exceptions.ValidationError(
                {to_api.get(name, name): errs for name, errs in errors.items()})
        return form.filters()

    @classmethod
    def openapi_parameters(cls) -> list[OpenApiParameter]:
        """The API's query parameters for the schema, from the same declaration."""
        to_api = {v: k for k, v in cls.api_names.items()}
        out = []
        for name, flt in cls.base_filters.items():
            if name in cls.page_only:
                continue
            field = flt.field
            out.append(OpenApiParameter(
                to_api.get(name, name), _schema(field), OpenApiParameter.QUERY,
                required=False, description=cls.api_help.get(name) or flt.label or ""))
        return out


def _blank_message(field: forms.Field) -> str:
    """What the API said for an empty number, choice or yes/no (DRF's messages)."""
    if hasattr(field, "blank_message"):
        return str(field.blank_message)
    if isinstance(field, IntChoiceField):
        return str(INTEGER_MESSAGE)
    if isinstance(field, TriStateField):
        return str(BOOLEAN_MESSAGE)
    return str(CHOICE_MESSAGE).format(input="")


def _schema(field: forms.Field) -> Any:
    if hasattr(field, "openapi_schema"):
        return field.openapi_schema
    if isinstance(field, IntChoiceField):
        return {"type": "integer", "minimum": field.min_value, "maximum": field.max_value}
    if isinstance(field, TriStateField):
        return OpenApiTypes.BOOL
    if isinstance(field, forms.IntegerField):
        schema: dict[str, Any] = {"type": "integer"}
        if field.min_value is not None:
            schema["minimum"] = field.min_value
        if field.max_value is not None:
            schema["maximum"] = field.max_value
        return schema
    if isinstance(field, forms.ChoiceField):
        values = []
        for key, label in field.choices:
            if isinstance(label, (list, tuple)):
                values += [k for k, _ in label]
            elif key != "":
                values.append(key)
        return {"type": "string", "enum": [str(v) for v in values]} if values else {
            "type": "string"}
    if isinstance(field, forms.CharField):
        return {"type": "string", "maxLength": field.max_length} if field.max_length else {
            "type": "string"}
    return OpenApiTypes.STR
