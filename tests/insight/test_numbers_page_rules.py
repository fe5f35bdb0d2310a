"""Where the cluster in numbers page may go, and that editors can make and edit it."""

from django.contrib.auth import get_user_model

from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from cms.models import HomePage, StandardPage
from insight.models import ClusterNumbersPage
from tests.cms.page_test_case import PageTestCase
from tests.directory.factories import home_page


class ClusterNumbersPageRulesTest(PageTestCase):
    def setUp(self):
        super().setUp()
        self.home = home_page()

    def test_it_hangs_from_the_home_page_once_with_no_children(self):
        self.assertAllowedParentPageTypes(ClusterNumbersPage, {HomePage})
        self.assertAllowedSubpageTypes(ClusterNumbersPage, set())
        self.assertCanCreateAt(HomePage, ClusterNumbersPage)
        self.assertCanNotCreateAt(StandardPage, ClusterNumbersPage)
        self.assertEqual(ClusterNumbersPage.max_count, 1)

    def test_an_editor_creates_it_and_it_routes_renders_and_edits(self):
        editor = get_user_model().objects.create_superuser("editor", "ed@example.com", "pw")
        self.client.force_login(editor)
        self.assertCanCreate(
            self.home,
            ClusterNumbersPage,
            nested_form_data(
                {
                    "title": "In numbers",
                    "slug": "cluster-in-numbers",
                    "intro": rich_text("<p>Figures</p>"),
                    "comments": inline_formset([]),
                }
            ),
        )
        page = ClusterNumbersPage.objects.get()
        page.save_revision().publish()
        self.assertPageIsRoutable(page)
        self.assertPageIsRoutable(page, "csv/sectors/")
        self.assertPageIsRenderable(page)
        self.assertPageIsRenderable(page, "csv/places/")
        self.assertPageIsEditable(page)
