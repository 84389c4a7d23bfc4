"""A new source named while attributing: its title or role and its affiliation (a source
on file, or an organisation by name) are made with the attribution, in one transaction."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from articles import services
from articles.models import ArticleEvent, Source
from tests.factories import ArticleFactory, SourceFactory
from tests.helpers import user_with

pytestmark = pytest.mark.django_db

QUOTE = "We will balance the books,"  # stands in paragraph 2 of ArticleFactory's body


def attribute(article, actor, new_source, **kwargs):
    return services.attribution_create(
        article=article,
        actor=actor,
        new_source=new_source,
        **{"kind": "quote", "text": QUOTE, "paragraph": 2, **kwargs},
    )


class TestANewSourceWithItsAffiliation:
    def test_a_new_organisation_is_made_for_a_new_affiliation_name(self, reporter):
        """Naming an affiliation nobody goes by creates that organisation and ties the new
        source to it, title and all; the log names both."""
        draft = ArticleFactory(created_by=reporter)

        attribution = attribute(
            draft,
            reporter,
            services.SourceData(
                name="  Jane   Roe ", role="Mayor", affiliation_name="City  of Springfield"
            ),
        )

        source = attribution.source
        assert (source.name, source.role, source.kind) == ("Jane Roe", "Mayor", "person")
        assert source.affiliation.name == "City of Springfield"
        assert source.affiliation.kind == Source.Kind.ORGANISATION
        event = ArticleEvent.objects.get(action="attribution.create")
        assert event.data["new_source"] is True
        assert event.data["affiliation"] == "City of Springfield"

    def test_an_affiliation_name_on_file_is_reused_whatever_its_case(self, reporter):
        """An affiliation typed as "city council" is the City Council on file, and "spd"
        the one going by that alias: no second organisation."""
        council = SourceFactory(name="City Council", kind=Source.Kind.ORGANISATION)
        aliased = SourceFactory(name="Springfield Police Department", aliases=["SPD"])
        draft = ArticleFactory(created_by=reporter)

        first = attribute(
            draft, reporter, services.SourceData(name="Jane Roe", affiliation_name="city council")
        )
        second = attribute(
            draft, reporter, services.SourceData(name="Joe Bloggs", affiliation_name="spd")
        )

        assert first.source.affiliation == council
        assert second.source.affiliation == aliased
        assert Source.objects.count() == 4

    def test_an_affiliation_on_file_by_id(self, reporter):
        """The affiliation picked from a search is used as it is."""
        council = SourceFactory(name="City Council", kind=Source.Kind.ORGANISATION)
        draft = ArticleFactory(created_by=reporter)

        attribution = attribute(
            draft, reporter, services.SourceData(name="Jane Roe", affiliation_id=council.pk)
        )

        assert attribution.source.affiliation == council

    def test_an_affiliation_id_no_longer_on_file_is_refused(self, reporter):
        """An affiliation deleted (or merged away) meanwhile: nothing is created."""
        draft = ArticleFactory(created_by=reporter)

        with pytest.raises(ValidationError, match="no longer on file"):
            attribute(draft, reporter, services.SourceData(name="Jane Roe", affiliation_id=999))

        assert not Source.objects.exists()
        assert not draft.attributions.exists()


class TestOneTransaction:
    def test_words_not_in_the_paragraph_leave_no_source_and_no_organisation(self, reporter):
        """The attribution is refused after the source and its new organisation were
        made: both are rolled back with it."""
        draft = ArticleFactory(created_by=reporter)

        with pytest.raises(ValidationError, match="do not stand in paragraph 3"):
            attribute(
                draft,
                reporter,
                services.SourceData(name="Jane Roe", role="Mayor", affiliation_name="City Hall"),
                paragraph=3,
            )

        assert not Source.objects.exists()
        assert not draft.attributions.exists()
        assert not ArticleEvent.objects.filter(action="attribution.create").exists()

    def test_a_new_source_without_a_name_is_refused(self, reporter):
        """A blank name is no source: refused, with nothing left behind."""
        draft = ArticleFactory(created_by=reporter)

        with pytest.raises(ValidationError) as refused:
            attribute(draft, reporter, services.SourceData(name="   ", affiliation_name="X"))

        assert "name" in refused.value.message_dict
        assert not Source.objects.exists()

    def test_someone_who_may_not_add_sources_creates_nothing(self):
        """Attributing is allowed, making sources is not: the attribution and the new
        source are refused together."""
        author = user_with(
            "articles.use_desk", "articles.add_attribution", "articles.change_article"
        )
        draft = ArticleFactory(created_by=author)

        with pytest.raises(PermissionDenied, match="add_source"):
            attribute(draft, author, services.SourceData(name="Jane Roe", affiliation_name="X"))

        assert not Source.objects.exists()
        assert not draft.attributions.exists()
