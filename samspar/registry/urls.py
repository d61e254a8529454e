from django.urls import path

from samspar.registry import follow_up_views, question_views, todo_views, views

urlpatterns = [
    path("deltagare/", views.all_enrolments, name="all-enrolments"),
    path("insats/<int:insats_id>/deltagare/", views.enrolment_list, name="enrolment-list"),
    path("insats/<int:insats_id>/deltagare/ny/", views.enrolment_create, name="enrolment-create"),
    path(
        "insats/<int:insats_id>/deltagare/kontrollera-personnummer/",
        views.personnummer_check,
        name="personnummer-check",
    ),
    path("insats/<int:insats_id>/anonyma/", views.anonymous_list, name="anonymous-list"),
    path("anonym/<int:pk>/andra/", views.anonymous_edit, name="anonymous-edit"),
    path("anonym/<int:pk>/ta-bort/", views.anonymous_delete, name="anonymous-delete"),
    path("deltagare/<int:pk>/", views.enrolment_detail, name="enrolment-detail"),
    path("deltagare/<int:pk>/andra/", views.enrolment_edit, name="enrolment-edit"),
    path("deltagare/<int:pk>/avsluta/", views.enrolment_end, name="enrolment-end"),
    path("att-gora/", todo_views.todo_list, name="todo"),
    path("uppfoljning/", follow_up_views.follow_ups_due, name="follow-ups-due"),
    path(
        "deltagare/<int:pk>/uppfoljning/<int:months>/",
        follow_up_views.follow_up_create,
        name="follow-up-create",
    ),
    path("uppfoljning/<int:pk>/andra/", follow_up_views.follow_up_edit, name="follow-up-edit"),
    path(
        "uppfoljning/<int:pk>/ta-bort/", follow_up_views.follow_up_delete, name="follow-up-delete"
    ),
    path("insats/<int:insats_id>/fragor/", question_views.question_list, name="question-list"),
    path("fraga/<int:pk>/andra/", question_views.question_edit, name="question-edit"),
    path("fraga/<int:pk>/ta-bort/", question_views.question_delete, name="question-delete"),
]
