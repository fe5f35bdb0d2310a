from django.urls import path

from . import saved_search_views, views

app_name = "commissioners"

urlpatterns = [
    path("", views.home, name="home"),
    path("sign-up/", views.sign_up, name="sign_up"),
    path("sign-up/sent/", views.sign_up_sent, name="sign_up_sent"),
    path("become/", views.become, name="become"),
    path("verify/resend/", views.resend_verification, name="resend_verification"),
    path("verify/<str:token>/", views.verify_email, name="verify_email"),
    path("searches/", saved_search_views.saved_searches, name="saved_searches"),
    path("searches/save/", saved_search_views.save_search, name="save_search"),
    path("searches/<int:search_id>/", saved_search_views.edit_search, name="edit_search"),
    path(
        "searches/<int:search_id>/delete/", saved_search_views.delete_search, name="delete_search"
    ),
    path("searches/unsubscribe/<str:token>/", saved_search_views.unsubscribe, name="unsubscribe"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("password-reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("password-reset/sent/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password-reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/complete/",
        views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
