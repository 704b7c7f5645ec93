from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy
from django.views.decorators.http import require_http_methods

from guildhall.accounts import views

app_name = "accounts"

# Django's form views also take PUT (as a POST), and the reset link answers any method;
# these pages answer GET and POST only.
get_post = require_http_methods(["GET", "POST"])

urlpatterns = [
    path("accounts/login/", get_post(views.LoginView.as_view()), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", get_post(views.PasswordChangeView.as_view(
        template_name="accounts/form_page.html",
        success_url=reverse_lazy("accounts:password_change_done"))), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(
        template_name="accounts/message_page.html"), name="password_change_done"),
    path("accounts/reset/", get_post(views.PasswordResetView.as_view(
        template_name="accounts/form_page.html",
        email_template_name="accounts/password_reset_email.txt",
        subject_template_name="accounts/password_reset_subject.txt",
        success_url=reverse_lazy("accounts:password_reset_done"))), name="password_reset"),
    path("accounts/reset/sent/", auth_views.PasswordResetDoneView.as_view(
        template_name="accounts/message_page.html"), name="password_reset_done"),
    path("accounts/reset/<uidb64>/<token>/", get_post(views.PasswordResetConfirmView.as_view(
        template_name="accounts/form_page.html",
        success_url=reverse_lazy("accounts:password_reset_complete"))),
         name="password_reset_confirm"),
    path("accounts/reset/done/", auth_views.PasswordResetCompleteView.as_view(
        template_name="accounts/message_page.html"), name="password_reset_complete"),
    path("accounts/second-factor/", views.second_factor_page, name="second_factor"),
    path("accounts/second-factor/codes/", views.second_factor_codes, name="second_factor_codes"),
    path("accounts/tokens/", views.tokens, name="tokens"),
    path("accounts/tokens/<int:token_id>/revoke", views.token_revoke, name="token_revoke"),
]
