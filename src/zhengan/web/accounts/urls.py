from django.urls import path

from zhengan.web.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("login/code/", views.mfa_verify_view, name="mfa_verify"),
    path("logout/", views.logout_view, name="logout"),
    path("me/", views.profile_view, name="profile"),
    path("me/password/", views.password_change_view, name="password_change"),
    path("me/mfa/", views.mfa_enrol_view, name="mfa_enrol"),
    path("me/recovery-codes/", views.recovery_codes_view, name="recovery_codes"),
    path("password-reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("password-reset/sent/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password-reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/complete/", views.PasswordResetCompleteView.as_view(), name="password_reset_complete"
    ),
    path("users/", views.users_view, name="users"),
    path("users/new/", views.user_create_view, name="user_create"),
    path("users/<int:pk>/", views.user_edit_view, name="user_edit"),
    path("users/<int:pk>/reset-mfa/", views.user_reset_mfa_view, name="user_reset_mfa"),
    path("users/<int:pk>/reset-password/", views.user_reset_password_view, name="user_reset_password"),
    path("users/<int:pk>/unlock/", views.user_unlock_view, name="user_unlock"),
]
