"""REST endpoints: the enterprise's vouchers and claims, the provider's catalogue entry and
claims. Thin: reads through the selectors, writes through the services."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from kechuang.accounts.scoping import can
from kechuang.core.api import ScopedViewSetMixin
from kechuang.vouchers import selectors, services
from kechuang.vouchers.filters import ClaimFilter, ProviderFilter, VoucherFilter
from kechuang.vouchers.models import Claim, Provider, Voucher
from kechuang.vouchers.serializers import ClaimSerializer, ProviderSerializer, VoucherSerializer


@extend_schema_view(list=extend_schema(parameters=VoucherFilter.openapi_parameters()))
class VoucherViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                     viewsets.GenericViewSet):
    """科技创新券：企业看到本企业的券及可用余额；县区看到本县区的，市局看到全部。"""

    scoped_model = Voucher
    serializer_class = VoucherSerializer
    filter_backends: list = []

    def get_queryset(self):
        user = self.request.user
        filters = (VoucherFilter.api_filters(self.request.query_params.dict(), user=user)
                   if self.action == "list" else {})
        return selectors.voucher_list(user=user, action="view", filters=filters)


@extend_schema_view(list=extend_schema(parameters=ClaimFilter.openapi_parameters()))
class ClaimViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                   mixins.CreateModelMixin, viewsets.GenericViewSet):
    """创新券兑付申请：服务机构或企业就双方确认的服务合同申请兑付；同一券、合同和发票重复提交
    返回首次结果（200），新申请返回 201。兑付金额和说明由规则计算。"""

    scoped_model = Claim
    serializer_class = ClaimSerializer
    filter_backends: list = []

    def get_queryset(self):
        user = self.request.user
        filters = (ClaimFilter.api_filters(self.request.query_params.dict(), user=user)
                   if self.action == "list" else {})
        return selectors.claim_list(user=user, action="view", filters=filters)

    def create(self, request, *args, **kwargs):
        if not can(request.user, "add", Claim):
            raise PermissionDenied
        ser = self.get_serializer(data=request.data)
        ser.is_valid(raise_exception=True)
        data = dict(ser.validated_data)
        contract = data.pop("contract")
        if not selectors.contracts_for(user=request.user).filter(pk=contract.pk).exists():
            raise PermissionDenied
        claim, created = services.file_claim(actor=request.user, contract=contract, data=data)
        out = self.get_serializer(self.get_queryset().get(pk=claim.pk))
        return Response(out.data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


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
