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
    """A directory entry, or an entry the caller manages in any status (their own, their
    state's nominations for an approver, any for the Secretariat): what the contact card shows."""

    permission_classes = [IsNetworkMember]
    serializer_class = FocalPointDetailSerializer

    def get_queryset(self):
        return selectors.directory_entries(self.request.user)

    def get_object(self):
        entry = selectors.entry_for(self.request.user, self.kwargs["pk"])
        self.check_object_permissions(self.request, entry)
        return entry


class OrganisationContactList(generics.ListAPIView):
    permission_classes = [IsNetworkMember]
    serializer_class = OrganisationContactSerializer
    filter_backends = []

    def get_queryset(self):
        return selectors.organisation_contacts(self.request.user)
