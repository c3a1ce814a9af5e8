"""REST endpoints: the enterprise's vouchers and claims, the provider's catalogue entry and
claims, and the bureau's decisions (voucher review/approval/refusal; claim approval,
rejection, payout) through the same services and workflow steps as the pages. Thin: reads
through the selectors, writes through the services."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from kechuang.accounts.scoping import can
from kechuang.core.api import ScopedViewSetMixin
from kechuang.vouchers import selectors, services
from kechuang.vouchers.filters import ClaimFilter, ProviderFilter, VoucherFilter
from kechuang.vouchers.models import Claim, Provider, Voucher
from kechuang.vouchers.serializers import (
    ClaimSerializer,
    DecisionSerializer,
    ProviderSerializer,
    VoucherSerializer,
)
from kechuang.vouchers.workflows import CLAIM_FLOW, VOUCHER_FLOW
from kechuang.workflow.services import Workflow


class MayDecide(BasePermission):
    """A decision (POST …/approve/ etc.) needs the right to approve the view's model, not to
    add one: county staff review vouchers, and enterprises, which add claims, decide none.
    Which step the role may take in which state is the workflow's answer (403 / 400)."""

    def has_permission(self, request: Any, view: Any) -> bool:
        return can(request.user, "approve", view.scoped_model)


class DecisionsMixin:
    """The decision actions' body is a :class:`DecisionSerializer` (so its JSON types are
    checked like every body's); their answer is the row, in the viewset's own serializer."""

    decisions: frozenset[str] = frozenset()

    def get_serializer_class(self):
        if getattr(self, "action", None) in self.decisions:
            return DecisionSerializer
        return super().get_serializer_class()  # type: ignore[misc]

    workflow: Workflow

    def _decide(self, request: Any, decide: Any) -> Response:
        """A role no step of this action is for: 403 before any lookup (as the workflow
        would). Else look the row up among those the user sees (404 outside), parse the
        reason, hand it to the service (workflow step, ledger, audit), answer with the row."""
        role = getattr(request.user, "role", None)
        if not any(role in step.roles for step in self.workflow.steps_for(self.action)):
            raise PermissionDenied
        obj = self.get_object()  # type: ignore[attr-defined]
        params = DecisionSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        decide(obj, request.user, params.validated_data.get("reason", ""))
        fresh = self.get_queryset().get(pk=obj.pk)  # type: ignore[attr-defined]
        return Response(self.serializer_class(  # type: ignore[attr-defined]
            fresh, context=self.get_serializer_context()).data)  # type: ignore[attr-defined]


@extend_schema_view(list=extend_schema(parameters=VoucherFilter.openapi_parameters()))
class VoucherViewSet(DecisionsMixin, ScopedViewSetMixin, mixins.ListModelMixin,
                     mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """科技创新券：企业看到本企业的券及可用余额；县区看到本县区的，市局看到全部。"""

    scoped_model = Voucher
    serializer_class = VoucherSerializer
    filter_backends: list = []
    decisions = frozenset({"review", "approve", "refuse"})
    workflow = VOUCHER_FLOW

    def get_queryset(self):
        user = self.request.user
        filters = (VoucherFilter.api_filters(self.request.query_params.dict(), user=user)
                   if self.action == "list" else {})
        return selectors.voucher_list(user=user, action="view", filters=filters)

    def _voucher(self, request: Any, name: str) -> Response:
        return self._decide(request, lambda v, user, reason: services.decide_voucher(
            actor=user, voucher=v, action=name, reason=reason))

    @extend_schema(request=DecisionSerializer, responses=VoucherSerializer)
    @action(detail=True, methods=["post"], permission_classes=[MayDecide])
    def review(self, request, pk=None):
        """县区审核通过（本县区的待审核申请），转市局审批。"""
        return self._voucher(request, "review")

    @extend_schema(request=DecisionSerializer, responses=VoucherSerializer)
    @action(detail=True, methods=["post"], permission_classes=[MayDecide])
    def approve(self, request, pk=None):
        """市局审批发放（县区已审核的申请）：编号、发放日期，从年度预算记入创新券余额。"""
        return self._voucher(request, "approve")

    @extend_schema(request=DecisionSerializer, responses=VoucherSerializer)
    @action(detail=True, methods=["post"], permission_classes=[MayDecide])
    def refuse(self, request, pk=None):
        """不予通过（县区审核时或市局审批时；须填写原因 reason）。"""
        return self._voucher(request, "refuse")


@extend_schema_view(
    list=extend_schema(parameters=ClaimFilter.openapi_parameters()),
    # a new claim carries its files, so the body is multipart; a resubmission (which returns
    # the first result) may come as JSON
    create=extend_schema(request={"application/json": ClaimSerializer,
                                  "multipart/form-data": ClaimSerializer},
                         responses={200: ClaimSerializer, 201: ClaimSerializer}))
class ClaimViewSet(DecisionsMixin, ScopedViewSetMixin, mixins.ListModelMixin,
                   mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """创新券兑付申请：服务机构或企业就双方确认的服务合同申请兑付，须上传付款凭证和服务完成证明；
    同一券、合同和发票重复提交返回首次结果（200），新申请返回 201。兑付金额和说明由规则计算。
    市局审核通过、驳回（须填写原因）、登记兑付。"""

    scoped_model = Claim
    serializer_class = ClaimSerializer
    filter_backends: list = []
    decisions = frozenset({"approve", "reject", "pay"})
    workflow = CLAIM_FLOW

    def get_queryset(self):
        user = self.request.user
        filters = (ClaimFilter.api_filters(self.request.query_params.dict(), user=user)
                   if self.action == "list" else {})
        return selectors.claim_list(user=user, action="view", filters=filters
                                    ).prefetch_related("files")

    def create(self, request, *args, **kwargs):
        if not can(request.user, "add", Claim):
            raise PermissionDenied
        ser = self.get_serializer(data=request.data)
        ser.is_valid(raise_exception=True)
        data = dict(ser.validated_data)
        contract = data.pop("contract")
        files = {f: data.pop(f, None) or [] for f in services.CLAIM_FILES}
        if not selectors.contracts_for(user=request.user).filter(pk=contract.pk).exists():
            raise PermissionDenied
        claim, created = services.file_claim(actor=request.user, contract=contract, data=data,
                                             files=files)
        out = self.get_serializer(self.get_queryset().get(pk=claim.pk))
        return Response(out.data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    def _claim(self, request: Any, name: str) -> Response:
        return self._decide(request, lambda c, user, reason: services.decide_claim(
            actor=user, claim=c, action=name, reason=reason))

    @extend_schema(request=DecisionSerializer, responses=ClaimSerializer)
    @action(detail=True, methods=["post"], permission_classes=[MayDecide])
    def approve(self, request, pk=None):
        """审核通过（市局）：兑付金额保持占用，待登记兑付。"""
        return self._claim(request, "approve")

    @extend_schema(request=DecisionSerializer, responses=ClaimSerializer)
    @action(detail=True, methods=["post"], permission_classes=[MayDecide])
    def reject(self, request, pk=None):
        """驳回（市局；须填写原因 reason）：释放占用的券面和年度额度（券已失效的随即失效）。"""
        return self._claim(request, "reject")

    @extend_schema(request=DecisionSerializer, responses=ClaimSerializer)
    @action(detail=True, methods=["post"], permission_classes=[MayDecide])
    def pay(self, request, pk=None):
        """登记兑付（市局，已审核通过的申请）：记入已兑付，兑付日期为今天。"""
        return self._claim(request, "pay")


@extend_schema_view(list=extend_schema(parameters=ProviderFilter.openapi_parameters()))
class ProviderViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                      mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """创新券服务机构名录：服务机构维护本机构的服务目录（服务类别、资质）；企业看到已入库的机构。"""

    scoped_model = Provider
    serializer_class = ProviderSerializer
    filter_backends: list = []
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self):
        user = self.request.user
        filters = (ProviderFilter.api_filters(self.request.query_params.dict(), user=user)
                   if self.action == "list" else {})
        return selectors.provider_list(user=user, action="view", filters=filters)

    def perform_update(self, serializer):
        serializer.instance = services.update_catalogue(
            actor=self.request.user, provider=serializer.instance,
            data=dict(serializer.validated_data))


def register(router: DefaultRouter) -> None:
    router.register("vouchers", VoucherViewSet, basename="api-voucher")
    router.register("voucher-claims", ClaimViewSet, basename="api-voucher-claim")
    router.register("voucher-providers", ProviderViewSet, basename="api-voucher-provider")
