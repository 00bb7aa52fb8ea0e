from django.urls import path

from complaints import views

app_name = "complaints"

urlpatterns = [
    path("file/", views.FileView.as_view(), name="file"),
    path("receipt/", views.receipt, name="receipt"),
    path("enterprises/", views.enterprise_search, name="enterprise-search"),
    path("status/", views.StatusLookupView.as_view(), name="status-lookup"),
    path("status/<str:tracking_number>/", views.StatusView.as_view(), name="status"),
    path("queue/", views.QueueView.as_view(), name="queue"),
    path("export.csv", views.ExportView.as_view(), name="export"),
    path("<int:pk>/", views.CaseView.as_view(), name="detail"),
    path("<int:pk>/identity/", views.IdentityView.as_view(), name="identity"),
    path("<int:pk>/act/<str:action>/", views.ActionView.as_view(), name="act"),
    path("<int:pk>/attachments/<int:attachment_pk>/", views.AttachmentView.as_view(), name="attachment"),
]
