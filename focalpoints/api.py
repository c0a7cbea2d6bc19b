"""The focal-point directory over the API: the same people and rights as the pages."""

from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics

from cica_portal.api import IsNetworkMember

from . import selectors
from .filters import FocalPointFilter
from .serializers import (
    FocalPointDetailSerializer,
    FocalPointSerializer,
    OrganisationContactSerializer,
)


@extend_schema_view(
    get=extend_schema(
        summary="Active focal points (verified, within their term)",
        parameters=[
            OpenApiParameter("state", str, description="ISO alpha-2 code, e.g. KZ"),
            OpenApiParameter("area", int, description="Area number, 1-4"),
        ],
    )
)
class FocalPointList(generics.ListAPIView):
    permission_classes = [IsNetworkMember]
    serializer_class = FocalPointSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = FocalPointFilter

    def get_queryset(self):
        return selectors.directory_entries(self.request.user)


class FocalPointDetail(generics.RetrieveAPIView):
    permission_classes = [IsNetworkMember]
    serializer_class = FocalPointDetailSerializer

    def get_queryset(self):
        return selectors.directory_entries(self.request.user)


class OrganisationContactList(generics.ListAPIView):
    permission_classes = [IsNetworkMember]
    serializer_class = OrganisationContactSerializer
    filter_backends = []

    def get_queryset(self):
        return selectors.organisation_contacts(self.request.user)
