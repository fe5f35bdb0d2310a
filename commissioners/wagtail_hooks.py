"""Commissioners in the admin: editors see who signed up and mark the ones they know verified."""

from wagtail import hooks
from wagtail.admin.ui.tables import BooleanColumn, Column
from wagtail.admin.viewsets.model import ModelViewSet

from .models import Commissioner


class CommissionerViewSet(ModelViewSet):
    model = Commissioner
    name = "commissioners"
    url_namespace = "commissioners_admin"
    icon = "user"
    menu_label = "Commissioners"
    menu_order = 260
    add_to_admin_menu = True
    list_display = [
        "__str__",
        Column("user", label="Email", accessor="email"),
        "role",
        BooleanColumn("email_verified", label="Email confirmed"),
        BooleanColumn("verified_by_editor", label="Verified by the team"),
        "created_at",
    ]
    list_filter = ["verified_by_editor"]
    search_fields = ["user__email", "user__first_name", "user__last_name", "organisation"]
    copy_view_enabled = False
    inspect_view_enabled = True

    def get_queryset(self, request):
        return Commissioner.objects.select_related("user")


@hooks.register("register_admin_viewset")
def register_commissioner_viewset():
    return CommissionerViewSet()
