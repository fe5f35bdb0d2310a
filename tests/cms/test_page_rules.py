"""What may be created where: the page tree's rules, checked with Wagtail's test helpers."""

from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase

from cms.models import ContactPage, HomePage, NewsIndexPage, NewsPage, StandardPage
from directory.models import CompanyPage, DirectoryIndexPage
from tests.cms.page_test_case import PageTestCase


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


class PageRoundTripTest(PageTestCase):
    """Each page type routes, renders and survives an edit-form round trip (GET, then POST
    of the form as the admin rendered it)."""

    def setUp(self):
        super().setUp()
        from directory.models import HomePageFeaturedCompany
        from tests.cms import factories as f
        from tests.directory.factories import company, home_page

        self.home = home_page()
        HomePageFeaturedCompany.objects.create(
            page=self.home, company=company("Kiln Animation"), sort_order=0
        )
        self.article = f.news_page(
            "Story",
            tags=["film"],
            category=f.category(),
            featured_image=f.image(),
            featured_image_alt="A still",
            body=[("paragraph", "<p>Text</p>"), ("quote", {"quote": "Yes", "attribution": "Me"})],
        )
        self.about = f.standard_page("About", body=[("paragraph", "<p>About us</p>")])
        self.contact = f.contact_page()

    def test_pages_route_render_and_edit(self):
        for page in (
            HomePage.objects.get(pk=self.home.pk),
            self.article.get_parent().specific,
            self.contact,
        ):
            with self.subTest(page=page):
                self.assertPageIsRoutable(page)
                self.assertPageIsRenderable(page)
                self.assertPageIsEditable(page)

    def test_streamfield_pages_route_render_and_edit(self):
        # Wagtail's admin builds StreamField inputs in JavaScript, so the helper cannot
        # read them from the HTML: the POST is written out as the browser would send it.
        from wagtail.test.utils.form_data import (
            inline_formset,
            nested_form_data,
            rich_text,
            streamfield,
        )

        body = streamfield(
            [
                ("paragraph", rich_text("<p>Text</p>")),
                ("quote", {"quote": "Yes", "attribution": "Me", "role": ""}),
            ]
        )
        article = nested_form_data(
            {
                "title": "Story",
                "slug": "story",
                "date": "2026-01-02",
                "author": "Jo",
                "intro": "Summary",
                "featured_image": self.article.featured_image_id,
                "featured_image_alt": "A still",
                "category": self.article.category_id,
                "tags": "film, games",
                "body": body,
                "features": inline_formset([]),
                "comments": inline_formset([]),
            }
        )
        about = nested_form_data(
            {
                "title": "About",
                "slug": "about",
                "intro": "Who we are",
                "body": body,
                "comments": inline_formset([]),
            }
        )
        for page, data in ((self.article, article), (self.about, about)):
            with self.subTest(page=page):
                self.assertPageIsRoutable(page)
                self.assertPageIsRenderable(page)
                self.assertPageIsEditable(page, post_data=data)
