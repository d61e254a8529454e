from django.urls import path

from samspar.annual import views

urlpatterns = [
    path("insats/<int:pk>/arsrapport/", views.annual_report_latest, name="annual-report-latest"),
    path("insats/<int:pk>/arsrapport/<int:year>/", views.annual_report, name="annual-report"),
    path(
        "insats/<int:pk>/arsrapport/<int:year>/pdf/",
        views.annual_report_pdf,
        name="annual-report-pdf",
    ),
    path(
        "insats/<int:pk>/arsrapport/<int:year>/docx/",
        views.annual_report_docx,
        name="annual-report-docx",
    ),
    path(
        "insats/<int:pk>/arsrapport/<int:year>/kapitel/<slug:chapter>/",
        views.chapter_edit,
        name="annual-chapter-edit",
    ),
    path(
        "insats/<int:pk>/arsrapport/<int:year>/kapitel/<slug:chapter>/historik/",
        views.chapter_history,
        name="annual-chapter-history",
    ),
]
