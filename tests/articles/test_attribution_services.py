"""Attributions through their services: a new source made with its first attribution,
changing an attribution (``attribution_update``), and the source a suggestion lands on."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from articles import services
from articles.exceptions import InvalidTransition
from articles.models import ArticleEvent, Attribution, Source
from tests.factories import ArticleFactory, AttributionFactory, SourceFactory
from tests.helpers import user_with

pytestmark = pytest.mark.django_db

QUOTE = "We will balance the books,"  # stands in paragraph 2 of ArticleFactory's body


def create(article, actor, **kwargs) -> Attribution:
    return services.attribution_create(
        article=article,
        actor=actor,
        **{"kind": "quote", "text": QUOTE, "paragraph": 2, **kwargs},
    )


class TestAttributionCreateWithANewSource:
    def test_creates_the_source_and_the_attribution_together(self, editor):
        """A new source's fields make the source and tie the words to it; the log says the
        source is new."""
        article = ArticleFactory()

        attribution = create(
            article,
            editor,
            new_source=services.SourceData(name="Jane Roe", kind=Source.Kind.PERSON, role="Mayor"),
        )

        source = Source.objects.get()
        assert attribution.source == source
        assert (source.name, source.slug, source.kind, source.role) == (
            "Jane Roe",
            "jane-roe",
            Source.Kind.PERSON,
            "Mayor",
        )
        event = ArticleEvent.objects.get(action="attribution.create")
        assert event.data == {
            "attribution": attribution.pk,
            "source": "Jane Roe",
            "paragraph": 2,
            "new_source": True,
        }

    def test_words_not_in_the_paragraph_leave_no_source(self, editor):
        """When the words do not stand in the paragraph named, neither the attribution nor
        the new source is kept, and nothing is logged."""
        with pytest.raises(ValidationError) as exc:
            create(
                ArticleFactory(),
                editor,
                new_source=services.SourceData(name="Jane Roe"),
                paragraph=3,
            )

        assert "text" in exc.value.message_dict
        assert not Source.objects.exists()
        assert not Attribution.objects.exists()
        assert not ArticleEvent.objects.exists()

    def test_a_refused_actor_creates_no_source(self, reporter, colleague):
        """A reporter cannot attribute on a colleague's draft, and no source is made either."""
        draft = ArticleFactory(created_by=colleague)

        with pytest.raises(PermissionDenied):
            create(draft, reporter, new_source=services.SourceData(name="Jane Roe"))

        assert not Source.objects.exists()

    def test_takes_exactly_one_source(self, editor):
        """Neither an existing source nor a new one, or both, is refused with a clear message."""
        article, existing = ArticleFactory(), SourceFactory()

        with pytest.raises(InvalidTransition, match="Choose a source or name a new one"):
            create(article, editor)
        with pytest.raises(InvalidTransition, match="not both"):
            create(
                article, editor, source=existing, new_source=services.SourceData(name="Jane Roe")
            )

        assert list(Source.objects.all()) == [existing]
        assert not Attribution.objects.exists()

    def test_an_existing_source_still_works(self, editor):
        """Callers that pass ``source=`` (the demo loader, imports) attribute as before."""
        source = SourceFactory()

        attribution = create(ArticleFactory(), editor, source=source)

        assert attribution.source == source
        assert "new_source" not in ArticleEvent.objects.get(action="attribution.create").data


class TestAttributionUpdate:
    def update(self, attribution, actor, **changes) -> Attribution:
        values = {
            "source": attribution.source,
            "kind": attribution.kind,
            "text": attribution.text,
            "paragraph": attribution.paragraph,
            "url": attribution.url,
        }
        return services.attribution_update(
            attribution=attribution, actor=actor, **(values | changes)
        )

    def test_changes_it_and_logs_each_field_before_and_after(self, editor):
        """Source, kind, words and link change on a draft; the log keeps before and after."""
        attribution = AttributionFactory(article=ArticleFactory())
        old_source, new_source = attribution.source, SourceFactory(name="Jane Roe")

        updated = self.update(
            attribution,
            editor,
            source=new_source,
            kind="paraphrase",
            text="  balance the books  ",
            url="https://example.org/speech",
        )

        stored = Attribution.objects.get()
        assert updated == stored
        assert (stored.source, stored.kind, stored.text, stored.url) == (
            new_source,
            "paraphrase",
            "balance the books",
            "https://example.org/speech",
        )
        event = ArticleEvent.objects.get(action="attribution.update")
        assert (event.article, event.actor) == (attribution.article, editor)
        assert event.data == {
            "attribution": attribution.pk,
            "source": "Jane Roe",
            "changes": {
                "source": {"from": old_source.name, "to": "Jane Roe"},
                "kind": {"from": "quote", "to": "paraphrase"},
                "text": {"from": QUOTE, "to": "balance the books"},
                "url": {"from": "", "to": "https://example.org/speech"},
            },
        }

    def test_an_update_that_changes_nothing_writes_nothing(self, editor):
        """Saving an attribution as it stands leaves no event."""
        attribution = AttributionFactory(article=ArticleFactory())

        self.update(attribution, editor)

        assert not ArticleEvent.objects.exists()

    def test_refused_on_a_published_story(self, editor):
        """A live story's attributions change through a correction, even for an editor."""
        attribution = AttributionFactory()  # on a published story

        with pytest.raises(PermissionDenied, match="through a correction"):
            self.update(attribution, editor, paragraph=3, text="The vote is next week.")

        attribution.refresh_from_db()
        assert (attribution.paragraph, attribution.text) == (2, QUOTE)
        assert not ArticleEvent.objects.exists()

    def test_refused_to_a_reporter_on_a_colleagues_draft(self, reporter, colleague):
        """Whoever may not edit the draft may not change its attributions."""
        attribution = AttributionFactory(article=ArticleFactory(created_by=colleague))

        with pytest.raises(PermissionDenied):
            self.update(attribution, reporter, kind="paraphrase")

        assert Attribution.objects.get().kind == "quote"

    def test_needs_the_change_attribution_permission(self):
        """Editing any story is not enough without articles.change_attribution."""
        attribution = AttributionFactory(article=ArticleFactory())
        actor = user_with("articles.edit_any_article")

        with pytest.raises(PermissionDenied):
            self.update(attribution, actor, kind="paraphrase")

        assert Attribution.objects.get().kind == "quote"

    def test_words_not_in_the_paragraph_are_refused(self, editor):
        """The words must still stand in the paragraph named; nothing changes otherwise."""
        attribution = AttributionFactory(article=ArticleFactory())

        with pytest.raises(ValidationError) as exc:
            self.update(attribution, editor, paragraph=3)

        assert "text" in exc.value.message_dict
        assert Attribution.objects.get().paragraph == 2
        assert not ArticleEvent.objects.exists()


class TestSuggestionAcceptFindsTheSource:
    def accept(self, actor, source_name: str, **extra) -> Attribution:
        return services.suggestion_accept(
            article=ArticleFactory(),
            actor=actor,
            paragraph=2,
            text=QUOTE,
            source_name=source_name,
            source_kind=Source.Kind.PERSON,
            attribution_kind="quote",
            **extra,
        )

    def test_reuses_an_existing_source_by_alias_whatever_the_case(self, editor):
        """A suggestion naming a source by one of its aliases lands on that source."""
        haley = SourceFactory(name="Nikki Haley", aliases=["Haley", "the US ambassador"])

        attribution = self.accept(editor, "The US  Ambassador")

        assert attribution.source == haley
        assert Source.objects.count() == 1

    def test_reuses_an_existing_source_by_name_whatever_the_case(self, editor):
        haley = SourceFactory(name="Nikki Haley")

        attribution = self.accept(editor, "nikki haley")

        assert attribution.source == haley
        assert Source.objects.count() == 1

    def test_the_suggested_id_comes_first(self, editor):
        """A suggestion that carries a source's id uses it, whatever name it shows."""
        SourceFactory(name="Nikki Haley")
        chosen = SourceFactory(name="Vassily Nebenzia")

        attribution = self.accept(editor, "Nikki Haley", source_id=chosen.pk)

        assert attribution.source == chosen

    def test_a_new_name_makes_a_new_source(self, editor):
        """No source goes by the name: one is created, with the suggested role."""
        SourceFactory(name="Nikki Haley", aliases=["Haley"])

        attribution = self.accept(editor, "Jane Roe", role="Mayor")

        assert (attribution.source.name, attribution.source.role) == ("Jane Roe", "Mayor")
        assert Source.objects.count() == 2
