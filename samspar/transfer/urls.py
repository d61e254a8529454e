from django.urls import path

from samspar.transfer import views

urlpatterns = [
    path(
        "deltagare/export/<str:fmt>/", views.all_participants_export, name="all-enrolments-export"
    ),
    path(
        "insats/<int:insats_id>/deltagare/export/<str:fmt>/",
        views.participant_export,
        name="enrolment-list-export",
    ),
    path("insats/<int:insats_id>/esf/", views.esf_file, name="esf-file"),
]
