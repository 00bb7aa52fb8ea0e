from django.urls import path

from licensing import views

app_name = "licensing"

urlpatterns = [
    path("licensing/applications/", views.ApplicationListView.as_view(), name="application-list"),
    path("licensing/applications/new/", views.ApplicationCreateView.as_view(), name="application-create"),
    path("licensing/applications/<int:pk>/", views.ApplicationDetailView.as_view(), name="application-detail"),
    path("licensing/applications/<int:pk>/do/<str:name>/", views.ApplicationActionView.as_view(),
         name="application-action"),
    path("licensing/applications/<int:pk>/edit/", views.DraftEditView.as_view(), name="draft-edit"),
    path("licensing/applications/<int:pk>/documents/", views.DocumentUploadView.as_view(), name="document-upload"),
    path("licensing/applications/<int:pk>/documents/<int:document_pk>/", views.DocumentDownloadView.as_view(),
         name="document-download"),
    path("licensing/licences/", views.LicenceListView.as_view(), name="licence-list"),
    path("licensing/licences/<int:pk>/", views.LicenceDetailView.as_view(), name="licence-detail"),
    path("licensing/licences/<int:pk>/do/<str:name>/", views.LicenceActionView.as_view(), name="licence-action"),
    path("licensing/licences/<int:pk>/certificate.pdf", views.CertificateView.as_view(), name="certificate"),
    path("register/", views.RegisterSearchView.as_view(), name="register"),
    path("register/<uuid:public_id>/", views.verify, name="verify"),
]
