from django.contrib.auth import views as auth_views
from django.urls import path

from samspar.core import account_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("login/tvafaktor/", account_views.two_factor_verify, name="two-factor-verify"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("konto/", account_views.account, name="account"),
    path("konto/tvafaktor/", account_views.two_factor_setup, name="two-factor-setup"),
    path(
        "konto/tvafaktor/reservkoder/",
        account_views.recovery_codes,
        name="two-factor-recovery-codes",
    ),
    path("konto/losenord/", account_views.PasswordChangeView.as_view(), name="password-change"),
    path("konto/api-nycklar/", account_views.api_tokens, name="api-tokens"),
    path("konto/logga-ut-overallt/", account_views.logout_everywhere, name="logout-everywhere"),
    path(
        "konto/losenord/satt/<uidb64>/<token>/",
        account_views.SetPasswordView.as_view(),
        name="set-password",
    ),
]
