"""The desk's integrity tools: quote-finder suggestions and the unattributed-quote gate."""

from __future__ import annotations

import pytest
from django.urls import reverse

from articles.importing import import_story
from articles.models import ArticleEvent, Attribution, Section
from tests.helpers import edit_url

pytestmark = pytest.mark.django_db

STORY = (
    "The mayor, Ana Ruiz, opened the new bridge on Monday.\n\n"
    "“This bridge joins two halves of one town,” Ruiz said.\n\n"
    "Traffic fell by a third in the first week, the Daily Courier reported."
)


@pytest.fixture
def story(reporter):
    section = Section.objects.create(name="Local", slug="local")
    article = import_story(text=STORY, section=section, headline="Bridge opens", actor=reporter)
    return article


def _suggestion_post(page: str, name: str) -> dict:
    """The hidden fields of the first suggestion form for ``name`` on the page."""
    import re

    forms = re.findall(
        r'<form method="post" action="[^"]*/suggestions/accept/">(.*?)</form>', page, re.S
    )
    for form in forms:
        fields = dict(re.findall(r'name="([a-z_]+)" value="([^"]*)"', form))
        if fields.get("source_name") == name:
            fields.pop("csrfmiddlewaretoken", None)
            return {k: v.replace("&quot;", '"').replace("&#x27;", "'") for k, v in fields.items()}
    raise AssertionError(f"no suggestion for {name}")


def test_the_panel_highlights_each_unattributed_passage_with_a_suggestion(client, story, reporter):
    """The reporter sees the quote marked in its paragraph and the speaker proposed."""
    client.force_login(reporter)
    page = client.get(edit_url(story)).content.decode()
    assert "<mark>This bridge joins two halves of one town,</mark>" in page
    assert "Suggested: <strong>Ana Ruiz</strong>" in page
    assert "Daily Courier" in page


def test_accepting_a_suggestion_creates_the_source_and_attribution(client, story, reporter):
    """One click on Accept attributes the quote to a new source."""
    client.force_login(reporter)
    data = _suggestion_post(client.get(edit_url(story)).content.decode(), "Ana Ruiz")
    response = client.post(reverse("editors:suggestion_accept", kwargs={"pk": story.pk}), data)
    assert response.status_code == 302
    attribution = Attribution.objects.get(article=story, source__name="Ana Ruiz")
    assert attribution.paragraph == 2
    assert attribution.kind == "quote"
    page = client.get(edit_url(story)).content.decode()
    assert "<mark>This bridge joins two halves of one town,</mark>" not in page


def test_rejecting_a_suggestion_hides_it_and_logs_it(client, story, reporter):
    """Reject stops proposing that source; the passage still waits for an attribution."""
    client.force_login(reporter)
    data = _suggestion_post(client.get(edit_url(story)).content.decode(), "Ana Ruiz")
    client.post(reverse("editors:suggestion_reject", kwargs={"pk": story.pk}), data)
    page = client.get(edit_url(story)).content.decode()
    assert "Suggested: <strong>Ana Ruiz</strong>" not in page
    assert "<mark>This bridge joins two halves of one town,</mark>" in page
    assert ArticleEvent.objects.filter(article=story, action="suggestion.reject").exists()


def test_publishing_with_an_unattributed_quote_needs_an_editors_reason(client, story, editor):
    """The confirm page lists the quote; publishing without a reason is refused."""
    client.force_login(editor)
    url = reverse("editors:article_transition", kwargs={"pk": story.pk, "to": "published"})
    page = client.get(url).content.decode()
    assert "1 direct quote without a source" in page
    client.post(url, {})
    story.refresh_from_db()
    assert story.status == "draft"

    client.post(url, {"override_reason": "Quote confirmed by phone; source to follow."})
    story.refresh_from_db()
    assert story.status == "published"
    event = ArticleEvent.objects.get(article=story, action="article.publish")
    assert event.data["unattributed_override"]["reason"].startswith("Quote confirmed")


def test_once_attributed_the_story_publishes_without_an_override(client, story, editor):
    """After the quote is attributed the gate is open."""
    client.force_login(editor)
    data = _suggestion_post(client.get(edit_url(story)).content.decode(), "Ana Ruiz")
    client.post(reverse("editors:suggestion_accept", kwargs={"pk": story.pk}), data)
    url = reverse("editors:article_transition", kwargs={"pk": story.pk, "to": "published"})
    assert "without a source" not in client.get(url).content.decode()
    client.post(url, {})
    story.refresh_from_db()
    assert story.status == "published"


def test_an_editor_merges_a_duplicate_source_in_the_desk(client, editor):
    """Merging in the desk moves the attributions and leaves the old name as an alias."""
    from tests.factories import AttributionFactory, SourceFactory

    keep = SourceFactory(name="Nikki Haley", slug="nikki-haley")
    duplicate = SourceFactory(name="N. Haley", slug="n-haley")
    attribution = AttributionFactory(source=duplicate)
    client.force_login(editor)
    page = client.get(reverse("editors:source_detail", kwargs={"pk": keep.pk}))
    assert "Merge a duplicate into this source" in page.content.decode()

    client.post(
        reverse("editors:source_merge", kwargs={"pk": keep.pk}), {"duplicate": duplicate.pk}
    )

    attribution.refresh_from_db()
    keep.refresh_from_db()
    assert attribution.source == keep
    assert "N. Haley" in keep.aliases
    assert client.get("/sources/n-haley/").status_code == 301


def test_a_reporter_cannot_merge_sources(client, reporter):
    """Merging rewrites other people's stories' sources: editors only."""
    from tests.factories import SourceFactory

    keep, duplicate = SourceFactory(), SourceFactory()
    client.force_login(reporter)
    page = client.get(reverse("editors:source_detail", kwargs={"pk": keep.pk})).content.decode()
    assert "Merge a duplicate" not in page
    client.post(
        reverse("editors:source_merge", kwargs={"pk": keep.pk}), {"duplicate": duplicate.pk}
    )
    assert type(duplicate).objects.filter(pk=duplicate.pk).exists()
