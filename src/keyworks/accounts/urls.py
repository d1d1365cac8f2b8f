from django.urls import path

from . import platform_views, views

app_name = "accounts"
urlpatterns = [
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("language/", views.language, name="language"),
    path("sign-out-everywhere/", views.sign_out_everywhere, name="sign_out_everywhere"),
    path("otp/setup/", views.otp_setup, name="otp_setup"),
    path("otp/", views.otp_verify, name="otp_verify"),
    path("platform/accounts/", platform_views.accounts, name="platform_accounts"),
    path("platform/accounts/new/", platform_views.account_edit, name="platform_account_new"),
    path("platform/accounts/<int:pk>/", platform_views.account_edit, name="platform_account"),
    path(
        "platform/accounts/<int:pk>/office/",
        platform_views.account_office,
        name="platform_account_office",
    ),
    path("platform/security/", platform_views.security, name="platform_security"),
    path("platform/security/unlock/", platform_views.security_unlock, name="platform_unlock"),
    path("platform/security/role/", platform_views.security_role, name="platform_role"),
    path("platform/log/", platform_views.security_log, name="platform_log"),
    path("platform/chains/", platform_views.chains, name="platform_chains"),
]
