from django.contrib import admin
from django.urls import include, path

from samspar.api import api

handler400 = "samspar.core.views.bad_request"
handler500 = "samspar.core.views.server_error"

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("rapporter/", include("samspar.reports.urls")),
    path("ekonomi/", include("samspar.economics.urls")),
    path("dataskydd/", include("samspar.dataprotection.urls")),
    path("", include("samspar.transfer.urls")),
    path("api/v1/", api.urls),
    path("", include("samspar.core.urls")),
    path("", include("samspar.organisation.urls")),
    path("", include("samspar.registry.urls")),
    path("", include("samspar.annual.urls")),
    path("", include("samspar.imports.urls")),
]
