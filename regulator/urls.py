from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from regulator.web import views as web

urlpatterns = [
    path("", web.HomeView.as_view(), name="home"),
    path("start/", web.StartView.as_view(), name="start"),
    path("dashboard/", web.DashboardView.as_view(), name="dashboard"),
    path("enterprises/", web.EnterpriseListView.as_view(), name="enterprise-list"),
    path("enterprises/<int:pk>/", web.EnterpriseDetailView.as_view(), name="enterprise-detail"),
    path("enterprises/<int:pk>/history/", web.EnterpriseHistoryView.as_view(), name="enterprise-history"),
    path("products/<int:pk>/history/", web.ProductHistoryView.as_view(), name="product-history"),
    path("events/", web.EventListView.as_view(), name="event-list"),
    path("agency/api-clients/", web.AgencyClientsView.as_view(), name="agency-clients"),
    path("accounts/login/", web.LoginView.as_view(), name="login"),
    path("accounts/logout/", web.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("healthz", web.healthz, name="healthz"),
    # Namespaced: the router's names (enterprise-list, event-list …) would otherwise shadow the web pages'.
    path("api/v1/", include(("regulator.api.urls", "api"))),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include("traceability.urls")),  # traceability pages and the public code verification
    path("", include("licensing.urls")),  # licensing pages, the public licence register and verification
    path("complaints/", include("complaints.urls")),  # public filing and status page, the bureau's queue and cases
    path("admin/", admin.site.urls),
]

handler404 = web.not_found
handler500 = web.server_error
