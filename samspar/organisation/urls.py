from django.urls import path

from samspar.organisation import setup_views, views

urlpatterns = [
    path("forbund/ny/", setup_views.forbund_create, name="forbund-create"),
    path("forbund/<int:forbund_id>/parter/", setup_views.forbund_parties, name="forbund-parties"),
    path("forbund/<int:forbund_id>/team/", setup_views.forbund_teams, name="forbund-teams"),
    path("forbund/<int:forbund_id>/anvandare/", setup_views.forbund_users, name="forbund-users"),
    path(
        "forbund/<int:forbund_id>/anvandare/ny/",
        setup_views.forbund_user_create,
        name="forbund-user-create",
    ),
    path("anvandare/<int:pk>/", setup_views.user_detail, name="user-detail"),
    path("forbund/<int:pk>/", views.forbund_detail, name="forbund-detail"),
    path("forbund/<int:pk>/installningar/", views.forbund_settings, name="forbund-settings"),
    path("forbund/<int:forbund_id>/insats/ny/", views.insats_create, name="insats-create"),
    path("insats/<int:pk>/", views.insats_detail, name="insats-detail"),
    path("insats/<int:pk>/andra/", views.insats_edit, name="insats-edit"),
    path("insats/<int:pk>/budget/", views.insats_budget, name="insats-budget"),
    path("insats/<int:pk>/personal/", views.insats_staff, name="insats-staff"),
    path(
        "insats/<int:pk>/personal/<int:staff_pk>/",
        views.insats_staff_edit,
        name="insats-staff-edit",
    ),
    path("insats/<int:pk>/vantelista/", views.insats_waiting, name="insats-waiting"),
    path("insats/<int:pk>/volym/", views.insats_volume, name="insats-volume"),
    path("insats/<int:pk>/strukturella/", views.insats_structural, name="insats-structural"),
]
