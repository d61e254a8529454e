from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("samspar.core.urls")),
    path("", include("samspar.organisation.urls")),
    path("", include("samspar.registry.urls")),
]
