from rest_framework.routers import DefaultRouter

from traceability.api import views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("trace-codes", views.TraceCodeViewSet)
router.register("trace-events", views.TraceEventViewSet)
router.register("trace-jobs", views.IngestJobViewSet)
router.register("trace-discrepancies", views.DiscrepancyViewSet)
router.register("recalls", views.RecallViewSet)

urlpatterns = router.urls
