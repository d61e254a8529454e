from django.urls import path

from samspar.transfer import views

urlpatterns = [
    path(
        "insats/<int:insats_id>/deltagare/export/<str:fmt>/",
        views.participant_export,
        name="enrolment-list-export",
    ),
    path("insats/<int:insats_id>/esf/", views.esf_file, name="esf-file"),
]
