from django.urls import path

from samspar.reports import views

urlpatterns = [
    path("", views.report_index, name="report-index"),
    path("<slug:key>/", views.report_page, name="report"),
    path("<slug:key>/definitioner/", views.report_definitions, name="report-definitions"),
    path("<slug:key>/export/<slug:fmt>/", views.report_export, name="report-export"),
]
