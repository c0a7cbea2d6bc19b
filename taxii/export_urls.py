from django.urls import path

from . import exports

urlpatterns = [
    path("exchange/shares/<int:pk>/misp/", exports.MispExport.as_view(), name="share-misp"),
    path("exchange/shares/<int:pk>/stix/", exports.StixBundleExport.as_view(), name="share-stix"),
]
