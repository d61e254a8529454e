from django.urls import path

from samspar.imports import views

urlpatterns = [
    path("insats/<int:insats_id>/import/", views.import_start, name="import-start"),
    path(
        "insats/<int:insats_id>/import/mall/<slug:kind>/",
        views.import_template,
        name="import-template",
    ),
    path("import/<int:pk>/", views.import_run, name="import-run"),
    path("import/<int:pk>/forlopp/", views.import_progress, name="import-progress"),
    path("import/<int:pk>/mappning/", views.import_mapping, name="import-mapping"),
    path("import/<int:pk>/bekrafta/", views.import_confirm, name="import-confirm"),
    path("import/<int:pk>/kor-igen/", views.import_resume, name="import-resume"),
    path("import/<int:pk>/kasta/", views.import_discard, name="import-discard"),
]
