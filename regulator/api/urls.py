from django.urls import include, path
from rest_framework.routers import DefaultRouter

from regulator.api import views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("jurisdictions", views.JurisdictionViewSet)
router.register("agencies", views.AgencyViewSet)
router.register("enterprises", views.EnterpriseViewSet)
router.register("products", views.ProductViewSet)
router.register("batches", views.BatchViewSet)
router.register("events", views.EventViewSet)
router.register("deadlines", views.DeadlineViewSet)
router.register("webhooks", views.WebhookViewSet, basename="webhook")

urlpatterns = [path("me/", views.MeView.as_view(), name="api-me"), *router.urls]
urlpatterns += [path("", include("traceability.api.urls"))]  # traceability: trace codes, events, recalls
urlpatterns += [path("", include("licensing.api.urls"))]  # licensing: licence types, licences, applications
urlpatterns += [path("", include("complaints.api.urls"))]  # complaints: complaints, reports, enquiries
