from django.urls import path

from . import projects, views

app_name = "members"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.MemberLoginView.as_view(), name="login"),
    path("logout/", views.MemberLogoutView.as_view(), name="logout"),
    path("password-reset/", views.MemberPasswordResetView.as_view(), name="password_reset"),
    path(
        "password-reset/sent/",
        views.MemberPasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        views.MemberPasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/complete/",
        views.MemberPasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("invitations/<str:token>/", views.accept_invitation, name="accept_invitation"),
    path("still-accurate/<str:token>/", views.still_accurate, name="still_accurate"),
    path(
        "still-accurate/<str:token>/thanks/",
        views.still_accurate_thanks,
        name="still_accurate_thanks",
    ),
    path("companies/<int:company_id>/", views.dashboard, name="dashboard"),
    path("companies/<int:company_id>/edit/", views.edit_profile, name="edit_profile"),
    path("companies/<int:company_id>/preview/", views.preview, name="preview"),
    path(
        "companies/<int:company_id>/availability/",
        views.edit_availability,
        name="edit_availability",
    ),
    path(
        "companies/<int:company_id>/availability/confirm/",
        views.confirm_availability,
        name="confirm_availability",
    ),
    path(
        "companies/<int:company_id>/contact-privacy/",
        views.edit_contact_visibility,
        name="edit_contact_visibility",
    ),
    path("companies/<int:company_id>/enquiries/", views.enquiries, name="enquiries"),
    path("companies/<int:company_id>/team/", views.team, name="team"),
    path("companies/<int:company_id>/projects/", projects.project_list, name="projects"),
    path("companies/<int:company_id>/projects/new/", projects.project_edit, name="project_new"),
    path(
        "companies/<int:company_id>/projects/<int:project_id>/",
        projects.project_edit,
        name="project_edit",
    ),
    path(
        "companies/<int:company_id>/projects/<int:project_id>/preview/",
        projects.project_preview,
        name="project_preview",
    ),
    path(
        "companies/<int:company_id>/team/<int:membership_id>/remove/",
        views.remove_member,
        name="remove_member",
    ),
    path(
        "companies/<int:company_id>/invitations/<int:invitation_id>/revoke/",
        views.revoke_invitation,
        name="revoke_invitation",
    ),
]
