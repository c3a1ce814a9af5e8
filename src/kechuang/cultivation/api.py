"""REST endpoints of cultivation: registrations, certificates, leader designations and the
candidate pool — read-only, through the same selectors as the pages (rows identical).

Writes go through the pages (they carry evidence files); the services are the same.
"""

from __future__ import annotations

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.routers import DefaultRouter

from kechuang.core.api import ScopedViewSetMixin
from kechuang.cultivation import selectors
from kechuang.cultivation.filters import CandidateFilter, RecordFilter
from kechuang.cultivation.models import (
    CandidateEntry,
    HighTechCertificate,
    LeaderDesignation,
    RecordFile,
    TechSmeRegistration,
)
from kechuang.cultivation.serializers import (
    CandidateEntrySerializer,
    HighTechCertificateSerializer,
    LeaderDesignationSerializer,
    TechSmeRegistrationSerializer,
)


class _RecordViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                     viewsets.GenericViewSet):
    kind = ""
    filter_backends: list = []  # the selector filters, exactly as the list page

    def get_queryset(self):
        filters = {}
        if self.action == "list":
            filters = RecordFilter.api_filters(self.request.query_params.dict(),
                                               user=self.request.user, kind=self.kind)
        qs = selectors.record_list(user=self.request.user, kind=self.kind, action="view",
                                   filters=filters)
        files = RecordFile.objects.restrict(self.request.user, "view").order_by("id")
        return qs.prefetch_related(Prefetch("files", queryset=files))


@extend_schema_view(list=extend_schema(parameters=RecordFilter.openapi_parameters()))
class TechSmeRegistrationViewSet(_RecordViewSet):
    """科技型中小企业入库登记：县区工作人员只见本县区，企业用户只见本企业。"""

    kind = "registration"
    scoped_model = TechSmeRegistration
    serializer_class = TechSmeRegistrationSerializer


@extend_schema_view(list=extend_schema(parameters=RecordFilter.openapi_parameters()))
class HighTechCertificateViewSet(_RecordViewSet):
    """高新技术企业证书（有效期三年，由发证日期计算）。"""

    kind = "certificate"
    scoped_model = HighTechCertificate
    serializer_class = HighTechCertificateSerializer


@extend_schema_view(list=extend_schema(parameters=RecordFilter.openapi_parameters()))
class LeaderDesignationViewSet(_RecordViewSet):
    """高科技领军企业认定。"""

    kind = "leader"
    scoped_model = LeaderDesignation
    serializer_class = LeaderDesignationSerializer


@extend_schema_view(list=extend_schema(parameters=CandidateFilter.openapi_parameters()))
class CandidateEntryViewSet(ScopedViewSetMixin, mixins.ListModelMixin,
                            mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """后备库企业（市局、县区工作人员）。"""

    scoped_model = CandidateEntry
    serializer_class = CandidateEntrySerializer
    filter_backends: list = []

    def get_queryset(self):
        filters = {"status": "all"}
        if self.action == "list":
            filters = CandidateFilter.api_filters(self.request.query_params.dict(),
                                                  user=self.request.user)
        return selectors.candidate_list(user=self.request.user, filters=filters)


def register(router: DefaultRouter) -> None:
    router.register("tech-sme-registrations", TechSmeRegistrationViewSet,
                    basename="api-tech-sme-registration")
    router.register("high-tech-certificates", HighTechCertificateViewSet,
                    basename="api-high-tech-certificate")
    router.register("leader-designations", LeaderDesignationViewSet,
                    basename="api-leader-designation")
    router.register("candidates", CandidateEntryViewSet, basename="api-candidate")
