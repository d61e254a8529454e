from django.urls import path

from samspar.economics import views

urlpatterns = [
    path("", views.index, name="economics-index"),
    path("jamfor/", views.compare, name="economics-compare"),
    path("jamfor/export/<slug:fmt>/", views.compare_export, name="economics-compare-export"),
    path("ny/<slug:method>/", views.evaluation_create, name="economics-create"),
    path("<int:pk>/", views.evaluation_detail, name="economics-detail"),
    path("<int:pk>/redigera/", views.evaluation_edit, name="economics-edit"),
    path("<int:pk>/rakna-om/", views.evaluation_refresh, name="economics-refresh"),
    path("<int:pk>/export/<slug:fmt>/", views.evaluation_export, name="economics-export"),
    path("standardvarden/", views.value_set_index, name="economics-values"),
    path("standardvarden/<int:pk>/", views.value_set_detail, name="economics-value-set"),
    path(
        "standardvarden/<int:pk>/nytt-prisar/",
        views.value_set_new_year,
        name="economics-value-set-year",
    ),
]
