"""The desk's People page (issue 13): admins see everyone with their role, last login,
bylined stories and active flag; anyone else gets 403; the page costs the same number of
queries for one person as for many."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Author, Byline
from editors import accounts
from tests.factories import ArticleFactory
from tests.helpers import user_with_role

pytestmark = pytest.mark.django_db

URL = reverse("editors:person_list")

# Session and user; a superuser's permission checks ask the database nothing. Then the page
# of people (author joined, stories counted) and their groups; the Inbox badge's unread
# notifications.
PEOPLE_PAGE = 5


def people_rows(response) -> dict[str, tuple]:
    return {
        person.username: (role, person.story_count) for person, role in response.context["rows"]
    }


class TestPeoplePage:
    def test_lists_each_person_with_role_stories_and_admin_link(self, client, admin, reporter):
        """Name, username, role, last login, story count, active flag and the admin link."""
        reporter.first_name, reporter.last_name = "Rita", "Moreno"
        reporter.last_login = timezone.now()
        reporter.is_active = False
        reporter.save()
        for article in ArticleFactory.create_batch(2, bylines=0):
            Byline.objects.create(article=article, author=Author.objects.get(user=reporter))
        ArticleFactory()  # someone else's story
        client.force_login(admin)

        response = client.get(URL)

        assert response.status_code == 200
        assert response["Cache-Control"] == "private, no-store"
        rows = people_rows(response)
        assert rows["rita"] == ("Reporter", 2)
        assert rows["admin"] == ("Admin", 0)
        page = response.content.decode()
        assert "Rita Moreno" in page
        assert reverse("admin:auth_user_change", args=[reporter.pk]) in page
        assert '<tr class="text-body-secondary">' in page  # inactive
        assert f'href="{URL}"' in page  # the desk navigation links here

    @pytest.mark.parametrize("role", ["reporter", "copy-editor", "editor"])
    def test_anyone_but_an_admin_is_refused(self, client, role):
        """Desk roles get 403, and the navigation does not offer the page."""
        client.force_login(user_with_role(role, "someone"))
        assert client.get(URL).status_code == 403
        assert f'href="{URL}"' not in client.get(reverse("editors:dashboard")).content.decode()

    def test_the_selector_refuses_non_admins_too(self, editor):
        """The permission check is in the read itself, not only the view."""
        from django.core.exceptions import PermissionDenied

        from editors import selectors

        with pytest.raises(PermissionDenied):
            selectors.person_list(actor=editor)

    @pytest.mark.parametrize("n", [1, 10])
    def test_queries_do_not_grow_with_people(self, client, admin, django_assert_num_queries, n):
        """One person or ten, each with stories: the same queries."""
        for i in range(n):
            user = user_with_role("reporter", f"person{i}")
            ArticleFactory(bylines=0).bylines.create(author=user.author)
        client.force_login(admin)
        client.get(URL)
        with django_assert_num_queries(PEOPLE_PAGE):
            response = client.get(URL)
        assert len(response.context["rows"]) == n + 1

    def test_pages_by_username(self, client, admin, monkeypatch):
        """Past a page, "Next" continues after the last username shown."""
        from editors.views import people

        monkeypatch.setattr(people, "PEOPLE_PAGE", 2)
        for name in ("bea", "cal", "dee"):
            accounts.person_create(username=name, role="reporter")
        client.force_login(admin)
        first = client.get(URL)
        assert [p.username for p, _ in first.context["rows"]] == ["admin", "bea"]
        second = client.get(URL + first.context["page"].older_url)
        assert [p.username for p, _ in second.context["rows"]] == ["cal", "dee"]
