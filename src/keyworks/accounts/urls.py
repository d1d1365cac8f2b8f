from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("sign-out-everywhere/", views.sign_out_everywhere, name="sign_out_everywhere"),
    path("otp/setup/", views.otp_setup, name="otp_setup"),
    path("otp/", views.otp_verify, name="otp_verify"),
]
