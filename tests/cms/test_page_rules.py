"""What may be created where: the page tree's rules, checked with Wagtail's test helpers."""

from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase

from cms.models import ContactPage, HomePage, NewsIndexPage, NewsPage, StandardPage
from directory.models import CompanyPage, DirectoryIndexPage


class PageRulesTest(WagtailPageTestCase):
    def test_home_page_hangs_from_the_root_only(self):
        self.assertAllowedParentPageTypes(HomePage, {Page})
        self.assertCanCreateAt(Page, HomePage)
        self.assertCanNotCreateAt(StandardPage, HomePage)

    def test_home_page_children(self):
        for child in (StandardPage, ContactPage, NewsIndexPage, DirectoryIndexPage):
            self.assertCanCreateAt(HomePage, child)
        self.assertCanNotCreateAt(HomePage, NewsPage)
        self.assertCanNotCreateAt(HomePage, CompanyPage)
        self.assertCanNotCreateAt(HomePage, HomePage)

    def test_news_articles_live_only_in_the_news_index(self):
        self.assertAllowedParentPageTypes(NewsPage, {NewsIndexPage})
        self.assertAllowedSubpageTypes(NewsIndexPage, {NewsPage})
        self.assertAllowedSubpageTypes(NewsPage, set())
        self.assertAllowedParentPageTypes(NewsIndexPage, {HomePage})

    def test_standard_and_contact_pages(self):
        self.assertAllowedParentPageTypes(StandardPage, {HomePage, StandardPage})
        self.assertAllowedSubpageTypes(StandardPage, {StandardPage, ContactPage})
        self.assertAllowedParentPageTypes(ContactPage, {HomePage, StandardPage})
        self.assertAllowedSubpageTypes(ContactPage, set())

    def test_only_one_home_page_and_one_news_index(self):
        self.assertEqual(HomePage.max_count, 1)
        self.assertEqual(NewsIndexPage.max_count, 1)
