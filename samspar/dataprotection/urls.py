from django.urls import path

from samspar.dataprotection import views

urlpatterns = [
    path("atkomstlogg/", views.access_log, name="access-log"),
    path("registerutdrag/", views.register_extract, name="register-extract"),
]
