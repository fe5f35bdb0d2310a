"""Admin permission policies shared by the apps."""

from wagtail.permission_policies import ModelPermissionPolicy


class WrittenBySitePolicy(ModelPermissionPolicy):
    """Rows only the site itself writes (enquiries, outbound mail): the admin may not
    perform ``denied_actions`` on them, whatever a group's permissions say."""

    denied_actions: frozenset[str] = frozenset({"add"})

    def user_has_permission(self, user, action):
        if action in self.denied_actions:
            return False
        return super().user_has_permission(user, action)
