"""REST endpoints for technology contracts: list, retrieve, apply, and the office's register,
refuse, change and cancel. Thin: reads through the selectors, writes through the services."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from kechuang.accounts.scoping import can
from kechuang.core.api import ScopedViewSetMixin
from kechuang.techmarket import selectors, services
from kechuang.techmarket.filters import ContractFilter
from kechuang.techmarket.models import TechContract
from kechuang.techmarket.serializers import (
    ChangeSerializer,
    ReasonSerializer,
    RegisterSerializer,
    TechContractSerializer,
)


@extend_schema_view(list=extend_schema(parameters=ContractFilter.openapi_parameters()))
class TechContractViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                          mixins.CreateModelMixin, viewsets.GenericViewSet):
    """技术合同：当事企业或登记机构申请认定登记；登记机构（市局）认定登记、不予登记、变更登记、注销登记。"""

    scoped_model = TechContract
    serializer_class = TechContractSerializer
    filter_backends: list = []  # the selector filters, exactly as the list page

    def get_queryset(self):
        user = self.request.user
        filters = (ContractFilter.api_filters(self.request.query_params.dict(), user=user)
                   if self.action == "list" else {})
        return selectors.contract_list(user=user, action="view", filters=filters
                                       ).prefetch_related("costs", "events")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        costs = data.pop("costs", [])
        serializer.instance = services.apply_contract(actor=self.request.user, data=data,
                                                      costs=costs)

    def _decide(self, request, params_class, act):
        if not can(request.user, "approve", TechContract):
            raise PermissionDenied
        contract = self.get_object()
        params = params_class(data=request.data)
        params.is_valid(raise_exception=True)
        act(contract, request.user, params.validated_data)
        contract = self.get_queryset().get(pk=contract.pk)
        return Response(TechContractSerializer(contract,
                                               context=self.get_serializer_context()).data)

    @extend_schema(request=RegisterSerializer, responses=TechContractSerializer)
    @action(detail=True, methods=["post"])
    def register(self, request, pk=None):
        """认定登记（登记机构）：登记编号必填，自登记日期起计入成交额。"""
        return self._decide(request, RegisterSerializer, lambda c, u, d: (
            services.register_contract(contract=c, actor=u, registration_no=d["registration_no"],
                                       registered_on=d.get("registered_on"),
                                       note=d.get("note", ""))))

    @extend_schema(request=ReasonSerializer, responses=TechContractSerializer)
    @action(detail=True, methods=["post"])
    def refuse(self, request, pk=None):
        """不予登记（登记机构；须填写原因）。"""
        return self._decide(request, ReasonSerializer, lambda c, u, d: (
            services.refuse_contract(contract=c, actor=u, reason=d["reason"],
                                     refused_on=d.get("on"))))

    @extend_schema(request=ChangeSerializer, responses=TechContractSerializer)
    @action(detail=True, methods=["post"])
    def change(self, request, pk=None):
        """变更登记（登记机构）：自生效日期起按变更后成交额计。"""
        return self._decide(request, ChangeSerializer, lambda c, u, d: (
            services.change_contract(contract=c, actor=u, reason=d["reason"],
                                     turnover_yuan=d["turnover_yuan"], changed_on=d.get("on"))))

    @extend_schema(request=ReasonSerializer, responses=TechContractSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """注销登记（登记机构）：自注销日期起不再计入成交额。"""
        return self._decide(request, ReasonSerializer, lambda c, u, d: (
            services.cancel_contract(contract=c, actor=u, reason=d["reason"],
                                     cancelled_on=d.get("on"))))


def register(router: DefaultRouter) -> None:
    router.register("tech-contracts", TechContractViewSet, basename="api-tech-contract")
