from django.urls import path

from samspar.registry import views

urlpatterns = [
    path("insats/<int:insats_id>/deltagare/", views.enrolment_list, name="enrolment-list"),
    path("insats/<int:insats_id>/deltagare/ny/", views.enrolment_create, name="enrolment-create"),
    path(
        "insats/<int:insats_id>/deltagare/kontrollera-personnummer/",
        views.personnummer_check,
        name="personnummer-check",
    ),
    path("insats/<int:insats_id>/anonyma/", views.anonymous_list, name="anonymous-list"),
    path("deltagare/<int:pk>/", views.enrolment_detail, name="enrolment-detail"),
    path("deltagare/<int:pk>/andra/", views.enrolment_edit, name="enrolment-edit"),
    path("deltagare/<int:pk>/avsluta/", views.enrolment_end, name="enrolment-end"),
]
