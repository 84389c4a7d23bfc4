"""Attributing by hand in the desk: the source search behind the type-ahead, and the page
that attributes words without JavaScript (which the popover posts to, asking for JSON)."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from articles.models import Attribution, Source
from tests.editors.test_desk_queries import REQUEST
from tests.factories import (
    ArticleFactory,
    AttributionFactory,
    PublishedArticleFactory,
    SourceFactory,
)
from tests.helpers import edit_url, user_with, user_with_role

pytestmark = pytest.mark.django_db

QUOTE = "We will balance the books,"  # stands in paragraph 2 of ArticleFactory's body
SEARCH = reverse("editors:source_search")


def search(client, q: str) -> list[dict]:
    response = client.get(SEARCH, {"q": q})
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    return response.json()["results"]


def names(results) -> list[str]:
    return [result["name"] for result in results]


# What every desk request costs (test_desk_queries.REQUEST), then the article, its blocks
# (the paragraph list) and one search.
PICK_PAGE = REQUEST + 3


def pick_url(article) -> str:
    return reverse("editors:attribution_pick", kwargs={"pk": article.pk})


class TestSourceSearch:
    def test_matches_name_alias_and_role_ignoring_case(self, client, reporter):
        """Typing "haley" finds her by name, "AMBASSADOR" by role, "nikki" by another name."""
        client.force_login(reporter)
        haley = SourceFactory(name="Nikki Haley", role="US ambassador to the UN")
        SourceFactory(name="Vassily Nebenzia", role="Russian envoy", aliases=["The Russian"])
        SourceFactory(name="Jane Roe", role="Mayor", aliases=["Her Honour the Mayor"])

        assert names(search(client, "haley")) == ["Nikki Haley"]
        assert names(search(client, "AMBASSADOR")) == ["Nikki Haley"]
        assert names(search(client, "the russian")) == ["Vassily Nebenzia"]
        assert names(search(client, "honour")) == ["Jane Roe"]
        assert search(client, "haley")[0]["id"] == haley.pk

    def test_an_alias_beyond_ascii(self, client, reporter):
        """An alias "Zoë Smyth" is found by "zoë sm" (SQLite keeps the ë as an escape in
        the JSON; the search looks for it both ways)."""
        client.force_login(reporter)
        SourceFactory(name="Zoe Smith", aliases=["Zoë Smyth"])

        assert names(search(client, "zoë sm")) == ["Zoe Smith"]
        assert names(search(client, "smyth")) == ["Zoe Smith"]

    def test_a_word_beginning_with_it_comes_first_then_by_name_ignoring_case(
        self, client, reporter
    ):
        """Typing "ro": a word begins with it in Rosa, Roe, Robert and rover, so those lead
        (by name, case ignored); "Aaron" only contains it and comes last."""
        client.force_login(reporter)
        for name in ["Aaron Smith", "jane Roe", "Ann Rosa", "Robert Barro", "zed rover"]:
            SourceFactory(name=name, role="")

        assert names(search(client, "ro")) == [
            "Ann Rosa",
            "jane Roe",
            "Robert Barro",
            "zed rover",
            "Aaron Smith",
        ]

    def test_each_result_says_who_they_are_and_how_many_stories_quote_them(self, client, reporter):
        """Kind, role, affiliation and the number of stories (not attributions)."""
        client.force_login(reporter)
        council = SourceFactory(name="City Council", kind=Source.Kind.ORGANISATION, role="")
        roe = SourceFactory(name="Jane Roe", role="Mayor", affiliation=council)
        story = AttributionFactory(source=roe).article
        AttributionFactory(source=roe, article=story, text="the mayor said.")
        AttributionFactory(source=roe)

        assert search(client, "roe") == [
            {
                "id": roe.pk,
                "name": "Jane Roe",
                "kind": "person",
                "kind_label": "Person",
                "role": "Mayor",
                "affiliation": "City Council",
                "stories": 2,
            }
        ]

    def test_ten_at_most_and_nothing_for_an_empty_query(self, client, reporter):
        """A dozen matches give ten; a blank query gives none."""
        client.force_login(reporter)
        SourceFactory.create_batch(12, role="Councillor")

        assert len(search(client, "councillor")) == 10
        assert search(client, "  ") == []

    def test_one_query_however_many_sources_match(
        self, client, reporter, django_assert_num_queries
    ):
        """The session, the user and their permissions, then one query for the sources
        with their affiliations and story counts."""
        client.force_login(reporter)
        council = SourceFactory(name="City Council", kind=Source.Kind.ORGANISATION)
        for n in range(8):
            AttributionFactory(source=SourceFactory(name=f"Member {n}", affiliation=council))

        # session, user, the user's own and their groups' permissions, the sources
        with django_assert_num_queries(5):
            results = search(client, "member")
        assert len(results) == 8

    def test_anonymous_visitors_go_to_login_and_readers_are_refused(self, client):
        """The search is the desk's: anonymous visitors log in, an account without the desk
        permission gets 403."""
        SourceFactory(name="Jane Roe")

        assert client.get(SEARCH, {"q": "roe"})["Location"].startswith("/accounts/login/")
        client.force_login(user_with())
        assert client.get(SEARCH, {"q": "roe"}).status_code == 403


def test_sources_offered_for_choosing_are_in_name_order_whatever_the_case(reporter):
    """The attribution page and the merge form list "alpha", "Beta", "gamma" in that
    order (a plain sort puts every capital first)."""
    from editors.forms import AttributionPickForm
    from editors.views.sources import MergeForm

    keep = SourceFactory(name="Keep")
    for name in ["gamma", "Beta", "alpha"]:
        SourceFactory(name=name)

    assert [s.name for s in AttributionPickForm(paragraphs={}).fields["source"].queryset] == [
        "alpha",
        "Beta",
        "gamma",
        "Keep",
    ]
    assert [s.name for s in MergeForm(keep=keep).fields["duplicate"].queryset] == [
        "alpha",
        "Beta",
        "gamma",
    ]


class TestAttributionPage:
    def test_the_story_page_links_every_finding_and_starts_the_form(self, client, reporter):
        """The Attributions card starts a search without JavaScript, its paragraph list
        shows each paragraph's first words, and it carries no flat list of sources."""
        draft = ArticleFactory(created_by=reporter)
        SourceFactory(name="Jane Roe")
        client.force_login(reporter)

        html = client.get(edit_url(draft)).content.decode()

        assert f'action="{pick_url(draft)}"' in html
        assert "¶ 2: We will balance the books, the mayor said." in html
        assert 'data-paragraph-number="2"' in html
        assert "Jane Roe" not in html

    def test_prefilled_from_the_link_and_searching_shows_radios(self, client, reporter):
        """?text, ?paragraph and ?q fill the form; the matches are radio buttons."""
        draft = ArticleFactory(created_by=reporter)
        roe = SourceFactory(name="Jane Roe", role="Mayor")
        SourceFactory(name="Rob Other")
        client.force_login(reporter)

        response = client.get(pick_url(draft), {"text": QUOTE, "paragraph": "2", "q": "roe"})

        html = response.content.decode()
        assert response.status_code == 200
        assert f">\n{QUOTE}</textarea>" in html
        assert '<option value="2" selected>' in html
        assert f'type="radio" name="source" value="{roe.pk}"' in html
        assert "Rob Other" not in html
        assert not Attribution.objects.exists()

    def test_the_search_button_keeps_everything_typed_and_writes_nothing(self, client, reporter):
        """Search, posted with the rest of the form: the words, the new source's fields and
        the choice stay, the matches are listed, nothing is saved."""
        draft = ArticleFactory(created_by=reporter)
        council = SourceFactory(name="City Council", kind=Source.Kind.ORGANISATION)
        client.force_login(reporter)

        response = client.post(
            pick_url(draft),
            {
                "search": "affiliation",
                "text": QUOTE,
                "paragraph": "2",
                "kind": "quote",
                "new_name": "Jane Roe",
                "new_role": "Mayor",
                "new_affiliation_name": "council",
            },
        )

        html = response.content.decode()
        assert response.status_code == 200
        assert 'value="Jane Roe"' in html and 'value="Mayor"' in html
        assert f'name="new_affiliation" value="{council.pk}"' in html
        assert Source.objects.count() == 1 and not Attribution.objects.exists()

    def test_posting_with_a_source_on_file(self, client, reporter):
        """Attribute: the words are tied to the source, back to the story's attributions."""
        draft = ArticleFactory(created_by=reporter)
        roe = SourceFactory(name="Jane Roe")
        client.force_login(reporter)

        response = client.post(
            pick_url(draft),
            {"text": QUOTE, "paragraph": "2", "kind": "quote", "source": roe.pk},
        )

        assert response["Location"] == edit_url(draft) + "#attributions"
        messages = [str(m) for m in get_messages(response.wsgi_request)]
        assert messages == ["Attributed to Jane Roe."]
        attribution = draft.attributions.get()
        assert (attribution.source, attribution.kind, attribution.paragraph) == (roe, "quote", 2)

    def test_posting_a_new_source_with_title_and_new_affiliation(self, client, reporter):
        """A new source's name, kind, title and affiliation are made with the attribution."""
        draft = ArticleFactory(created_by=reporter)
        client.force_login(reporter)

        client.post(
            pick_url(draft),
            {
                "text": QUOTE,
                "paragraph": "2",
                "kind": "quote",
                "source": "",
                "new_name": "Jane Roe",
                "new_kind": "person",
                "new_role": "Mayor",
                "new_affiliation_name": "City of Springfield",
            },
        )

        source = draft.attributions.get().source
        assert (source.name, source.role) == ("Jane Roe", "Mayor")
        assert (source.affiliation.name, source.affiliation.kind) == (
            "City of Springfield",
            "organisation",
        )

    def test_posting_a_new_source_with_an_affiliation_on_file(self, client, reporter):
        """The affiliation ticked from the search is used, not a new organisation."""
        draft = ArticleFactory(created_by=reporter)
        council = SourceFactory(name="City Council", kind=Source.Kind.ORGANISATION)
        client.force_login(reporter)

        client.post(
            pick_url(draft),
            {
                "text": QUOTE,
                "paragraph": "2",
                "kind": "paraphrase",
                "new_name": "Jane Roe",
                "new_kind": "person",
                "new_affiliation": council.pk,
                "new_affiliation_name": "council",
            },
        )

        assert draft.attributions.get().source.affiliation == council
        assert Source.objects.count() == 2

    def test_a_refusal_keeps_everything_typed(self, client, reporter):
        """Words not in that paragraph: the page says so, keeps the words, the paragraph,
        the ticked source and the new fields, and nothing is saved."""
        draft = ArticleFactory(created_by=reporter)
        roe = SourceFactory(name="Jane Roe")
        client.force_login(reporter)

        response = client.post(
            pick_url(draft),
            {"text": QUOTE, "paragraph": "3", "kind": "quote", "source": roe.pk, "q": "zzz"},
        )

        html = response.content.decode()
        assert response.status_code == 400
        assert "These words do not stand in paragraph 3." in html
        assert f">\n{QUOTE}</textarea>" in html
        assert '<option value="3" selected>' in html
        assert f'value="{roe.pk}" id="source-{roe.pk}" checked' in html
        assert not Attribution.objects.exists()

    def test_a_new_source_that_is_refused_is_not_kept(self, client, reporter):
        """The refused attribution's new source and organisation are rolled back."""
        draft = ArticleFactory(created_by=reporter)
        client.force_login(reporter)

        response = client.post(
            pick_url(draft),
            {
                "text": "Words nobody wrote",
                "paragraph": "2",
                "kind": "quote",
                "new_name": "Jane Roe",
                "new_kind": "person",
                "new_role": "Mayor",
                "new_affiliation_name": "City Hall",
            },
        )

        assert response.status_code == 400
        assert 'value="Jane Roe"' in response.content.decode()
        assert not Source.objects.exists()

    def test_neither_a_source_nor_a_name(self, client, reporter):
        """Attribute with no source chosen and none named: asked for one."""
        draft = ArticleFactory(created_by=reporter)
        client.force_login(reporter)

        response = client.post(pick_url(draft), {"text": QUOTE, "paragraph": "2", "kind": "quote"})

        assert response.status_code == 400
        assert "Choose a source or name a new one." in response.content.decode()

    def test_asked_for_json_it_answers_with_the_refreshed_cards(self, client, reporter):
        """The popover's post: 201 with the message and the new Attributions card."""
        draft = ArticleFactory(created_by=reporter)
        roe = SourceFactory(name="Jane Roe")
        client.force_login(reporter)

        response = client.post(
            pick_url(draft),
            {"text": QUOTE, "paragraph": "2", "kind": "quote", "source": roe.pk},
            headers={"accept": "application/json"},
        )

        assert response.status_code == 201
        body = response.json()
        assert body["message"] == "Attributed to Jane Roe."
        assert 'id="attributions"' in body["cards"]["attributions"]
        assert "“We will balance the books,”" in body["cards"]["attributions"]
        assert 'id="quotes"' in body["cards"]["quotes"]

    def test_asked_for_json_a_refusal_is_a_list_of_messages(self, client, reporter):
        """Unsaved edits (words not yet in the paragraph): 400 and the reason."""
        draft = ArticleFactory(created_by=reporter)
        roe = SourceFactory(name="Jane Roe")
        client.force_login(reporter)

        response = client.post(
            pick_url(draft),
            {"text": "Words not saved yet", "paragraph": "2", "kind": "quote", "source": roe.pk},
            headers={"accept": "application/json"},
        )

        assert response.status_code == 400
        assert response.json() == {"errors": ["These words do not stand in paragraph 2."]}

    def test_someone_who_may_not_edit_the_story_is_refused(self, client, reporter):
        """A reporter's own story, once live, changes only through an editor's correction:
        the service refuses, 403, nothing saved."""
        story = PublishedArticleFactory(created_by=reporter)
        roe = SourceFactory(name="Jane Roe")
        client.force_login(reporter)

        response = client.post(
            pick_url(story),
            {"text": QUOTE, "paragraph": "2", "kind": "quote", "source": roe.pk},
        )

        assert response.status_code == 403
        assert "You may not add attributions to this article now." in response.content.decode()
        assert not Attribution.objects.exists()

    def test_the_page_is_the_desk_s(self, client, reporter):
        """Anonymous visitors log in; an account without the desk permission gets 403;
        someone else's draft is not found."""
        draft = ArticleFactory(created_by=reporter)

        assert client.get(pick_url(draft))["Location"].startswith("/accounts/login/")
        client.force_login(user_with())
        assert client.get(pick_url(draft)).status_code == 403
        client.force_login(user_with_role("reporter", "otto"))
        assert client.get(pick_url(draft)).status_code == 404

    def test_a_search_costs_the_same_however_many_sources_match(
        self, client, reporter, django_assert_num_queries
    ):
        """The page shows one match or ten (of thirteen) for the same queries."""
        draft = ArticleFactory(created_by=reporter)
        client.force_login(reporter)
        SourceFactory(name="Jane Roe")
        url = pick_url(draft) + "?q=roe&text=books&paragraph=2"
        client.get(url)
        with django_assert_num_queries(PICK_PAGE) as one:
            client.get(url)
        SourceFactory.create_batch(12, name="Roe")
        with django_assert_num_queries(PICK_PAGE):
            response = client.get(url)
        assert response.content.decode().count('name="source" value="') == 10 + 1
        assert len(one.captured_queries) == PICK_PAGE
