"""REST endpoints for technology contracts: list, retrieve, apply, and the office's register,
refuse, change and cancel. Thin: reads through the selectors, writes through the services."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from kechuang.accounts.access import is_bureau_user
from kechuang.accounts.scoping import can
from kechuang.core.api import ScopedViewSetMixin
from kechuang.orgs.models import Organisation
from kechuang.techmarket import selectors, services
from kechuang.techmarket.filters import CandidateFilter, ContractFilter, GdpFilter
from kechuang.techmarket.models import CountyGdp, TechContract
from kechuang.techmarket.serializers import (
    CandidateSerializer,
    ChangeSerializer,
    GdpSerializer,
    ReasonSerializer,
    RegisterSerializer,
    StatisticsQuerySerializer,
    TechContractSerializer,
    TechMarketStatisticsSerializer,
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


@extend_schema_view(list=extend_schema(parameters=GdpFilter.openapi_parameters()))
class CountyGdpViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.CreateModelMixin,
                       viewsets.GenericViewSet):
    """地区生产总值（统计部门公布数，注明来源）：技术合同成交额占GDP比重的分母。市局录入，县区只读。"""

    scoped_model = CountyGdp
    serializer_class = GdpSerializer
    filter_backends: list = []

    def get_queryset(self):
        user = self.request.user
        return selectors.gdp_list(user=user, action="view", filters=GdpFilter.api_filters(
            self.request.query_params.dict(), user=user))

    def perform_create(self, serializer):
        serializer.instance = services.save_gdp(actor=self.request.user,
                                                data=dict(serializer.validated_data))


@extend_schema_view(list=extend_schema(parameters=CandidateFilter.openapi_parameters()))
class CandidateViewSet(ScopedViewSetMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """升规入统培育企业：尚未规上的科技服务业企业（行业范围可配置），按最近年报营业收入排序。市局、县区。"""

    scoped_model = Organisation
    serializer_class = CandidateSerializer
    filter_backends: list = []

    def get_queryset(self):
        user = self.request.user
        if not is_bureau_user(user):
            raise PermissionDenied
        return selectors.candidate_list(user=user, action="view", filters=CandidateFilter
                                        .api_filters(self.request.query_params.dict(),
                                                     user=user))


class StatisticsViewSet(ScopedViewSetMixin, viewsets.GenericViewSet):
    """技术市场统计：成交额、技术交易额按县区（含分解目标、占GDP比重、买方吸纳）、类型、月份，截至日期。"""

    scoped_model = CountyGdp  # the bureau's users (the same as read the GDP figures)
    serializer_class = TechMarketStatisticsSerializer
    pagination_class = None
    filter_backends: list = []  # no ordering: one object

    def get_queryset(self):
        return self.restricted()

    @extend_schema(parameters=[StatisticsQuerySerializer],
                   responses=TechMarketStatisticsSerializer)
    def list(self, request):
        # a plain dict, so that a given but empty value is a 400, not "not given" (ListFilter)
        query = StatisticsQuerySerializer(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        today = timezone.localdate()
        as_of = query.validated_data.get("as_of")
        year = query.validated_data.get("year") or (
            min(max(as_of.year, 2000), 2100) if as_of else selectors.default_year(today))
        # an as-of date outside the year is kept inside it, as on the KPI dashboard
        as_of = max(dt.date(year, 1, 1), min(as_of or today, dt.date(year, 12, 31)))
        stats = selectors.statistics(user=request.user, year=year, as_of=as_of, top=0)
        data = {**stats, "year": year, "as_of": as_of}
        return Response(TechMarketStatisticsSerializer(data).data)


def register(router: DefaultRouter) -> None:
    router.register("tech-contracts", TechContractViewSet, basename="api-tech-contract")
    router.register("county-gdp", CountyGdpViewSet, basename="api-county-gdp")
    router.register("tech-service-candidates", CandidateViewSet,
                    basename="api-tech-service-candidate")
    router.register("tech-market-statistics", StatisticsViewSet,
                    basename="api-tech-market-statistics")
