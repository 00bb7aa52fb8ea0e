from django.urls import path, re_path

from traceability import views

app_name = "traceability"

urlpatterns = [
    path("traceability/", views.OverviewView.as_view(), name="overview"),
    path("traceability/upload/", views.UploadView.as_view(), name="upload"),
    path("traceability/jobs/<int:pk>/", views.JobView.as_view(), name="job"),
    path("traceability/jobs/<int:pk>/progress/", views.JobProgressView.as_view(), name="job-progress"),
    path("traceability/reconcile/", views.ReconcileView.as_view(), name="reconcile"),
    path("traceability/runs/<int:pk>/", views.RunView.as_view(), name="run"),
    path("traceability/runs/<int:pk>/progress/", views.RunProgressView.as_view(), name="run-progress"),
    path("traceability/discrepancies/<int:pk>/", views.DiscrepancyView.as_view(), name="discrepancy"),
    path("traceability/recalls/new/", views.RecallCreateView.as_view(), name="recall-new"),
    path("traceability/recalls/<int:pk>/", views.RecallView.as_view(), name="recall"),
    path("verify/", views.verify, name="verify"),
    re_path(r"^(?P<link>01/\d{14}/21/[^/]+)/?$", views.verify, name="digital-link"),
]
