from rest_framework.routers import DefaultRouter

from licensing.api import views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("licence-types", views.LicenceTypeViewSet, basename="licence-type")
router.register("licences", views.LicenceViewSet, basename="licence")
router.register("licence-applications", views.ApplicationViewSet, basename="licence-application")

urlpatterns = router.urls
