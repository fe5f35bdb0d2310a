"""Where directory pages may live: one directory under the home page, companies only in it."""

from __future__ import annotations

from wagtail.models import Page

import pytest

from cms.models import HomePage
from directory.models import CompanyPage, DirectoryIndexPage
from tests.directory.factories import company, directory_index, home_page

pytestmark = pytest.mark.django_db


def test_companies_live_only_in_the_directory_and_have_no_children():
    assert CompanyPage.allowed_parent_page_models() == [DirectoryIndexPage]
    assert CompanyPage.allowed_subpage_models() == []
    home = home_page()
    assert not CompanyPage.can_create_at(home)
    assert CompanyPage.can_create_at(directory_index())
    kiln = company("Kiln Light")
    assert not CompanyPage.can_create_at(kiln)


def test_one_directory_under_the_home_page_only():
    assert DirectoryIndexPage.allowed_parent_page_models() == [HomePage]
    assert DirectoryIndexPage.allowed_subpage_models() == [CompanyPage]
    home = home_page()
    assert DirectoryIndexPage.can_create_at(home)
    assert not DirectoryIndexPage.can_create_at(Page.get_first_root_node())
    directory_index()
    assert not DirectoryIndexPage.can_create_at(home)  # max_count = 1
