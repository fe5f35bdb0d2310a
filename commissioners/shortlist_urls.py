from django.urls import path

from . import shortlist_views as views

app_name = "shortlist"

urlpatterns = [
    path("", views.shortlist_home, name="home"),
    path("toggle/", views.toggle, name="toggle"),
    path("new/", views.new_list, name="new"),
    path("shared/<str:token>/", views.shared, name="shared"),
    path("<int:list_id>/", views.detail, name="detail"),
    path("<int:list_id>/export.csv", views.export_csv, name="export_csv"),
    path("<int:list_id>/share/", views.share, name="share"),
    path("<int:list_id>/revoke/", views.revoke, name="revoke"),
    path("<int:list_id>/rename/", views.rename, name="rename"),
    path("<int:list_id>/delete/", views.delete_list, name="delete"),
    path("<int:list_id>/brief/", views.brief, name="brief"),
    path("<int:list_id>/companies/<int:company_id>/note/", views.note, name="note"),
    path("<int:list_id>/companies/<int:company_id>/remove/", views.remove, name="remove"),
]
