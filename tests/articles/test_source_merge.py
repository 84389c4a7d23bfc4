"""Merging duplicate sources: nothing attributed is lost, the merged name becomes an alias and
the merged source's page redirects to the one kept."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from articles import services
from articles.exceptions import InvalidTransition
from articles.models import ArticleEvent, Attribution, Source
from tests.factories import AttributionFactory, PublishedArticleFactory, SourceFactory

QUOTE = "We will balance the books,"


@pytest.fixture
def sources(db) -> dict:
    """ "Nikki Haley" (kept) and a duplicate "N. Haley" quoted in two stories, twice in one,
    with a press office that lists the duplicate as its member."""
    keep = SourceFactory(name="Nikki Haley", slug="nikki-haley", role="Ambassador")
    merge = SourceFactory(
        name="N. Haley", slug="n-haley", role="", aliases=["the US ambassador"], url=""
    )
    office = SourceFactory(name="Press office", slug="press-office", affiliation=merge)
    first, second = PublishedArticleFactory(), PublishedArticleFactory()
    AttributionFactory(article=first, source=keep)
    AttributionFactory(article=first, source=merge)
    AttributionFactory(article=second, source=merge)
    AttributionFactory(
        article=second, source=merge, kind=Attribution.Kind.PARAPHRASE, text="The vote", paragraph=3
    )
    return {"keep": keep, "merge": merge, "office": office, "articles": [first, second]}


def merge_events():
    return ArticleEvent.objects.filter(action="source.merge")


@pytest.mark.django_db
class TestSourceMerge:
    def test_attributions_move_to_the_kept_source_and_none_are_lost(self, sources, editor):
        """Every attribution of the duplicate now credits the kept source."""
        keep, merge = sources["keep"], sources["merge"]
        moved = set(merge.attributions.values_list("pk", flat=True))
        total = Attribution.objects.count()

        kept = services.source_merge(keep=keep, merge=merge, actor=editor)

        assert kept == keep
        assert Attribution.objects.count() == total
        assert set(kept.attributions.values_list("pk", flat=True)) >= moved
        assert kept.attributions.count() == 4
        assert not Source.objects.filter(pk=merge.pk).exists()

    def test_merged_names_become_aliases(self, sources, editor):
        """The duplicate's name and aliases are kept as aliases of the kept source."""
        kept = services.source_merge(keep=sources["keep"], merge=sources["merge"], actor=editor)

        kept.refresh_from_db()
        assert "N. Haley" in kept.aliases
        assert "the US ambassador" in kept.aliases
        assert kept.name == "Nikki Haley"
        assert kept.role == "Ambassador"

    def test_members_move_to_the_kept_source(self, sources, editor):
        """Sources affiliated with the duplicate are affiliated with the kept one."""
        services.source_merge(keep=sources["keep"], merge=sources["merge"], actor=editor)

        sources["office"].refresh_from_db()
        assert sources["office"].affiliation == sources["keep"]

    def test_kept_source_is_not_left_affiliated_with_the_merged_one(self, editor, db):
        """Merging an organisation into its own member leaves the member with no dangling link."""
        mission = SourceFactory(name="US Mission", slug="us-mission")
        haley = SourceFactory(name="Nikki Haley", slug="nikki-haley", affiliation=mission)

        kept = services.source_merge(keep=haley, merge=mission, actor=editor)

        kept.refresh_from_db()
        assert kept.affiliation is None
        assert "US Mission" in kept.aliases

    def test_merged_page_redirects_permanently(self, client, sources, editor):
        """Old links to the duplicate's page land on the kept source's page."""
        services.source_merge(keep=sources["keep"], merge=sources["merge"], actor=editor)

        response = client.get(reverse("articles:source", kwargs={"slug": "n-haley"}))

        assert response.status_code == 301
        assert response["Location"] == sources["keep"].get_absolute_url()
        page = client.get(response["Location"])
        assert page.status_code == 200
        assert len(page.context["page"].object_list) == 4

    def test_redirect_follows_earlier_merges(self, client, sources, editor):
        """A source merged into one that is merged again still redirects to the survivor."""
        third = SourceFactory(name="Amb. Haley", slug="amb-haley")
        services.source_merge(keep=sources["merge"], merge=third, actor=editor)
        services.source_merge(keep=sources["keep"], merge=sources["merge"], actor=editor)

        response = client.get(reverse("articles:source", kwargs={"slug": "amb-haley"}))

        assert response.status_code == 301
        assert response["Location"] == sources["keep"].get_absolute_url()
        assert "Amb. Haley" in Source.objects.get(pk=sources["keep"].pk).aliases

    def test_story_pages_credit_the_kept_source(self, client, sources, editor):
        """Readers of a story that quoted the duplicate see the kept source's name and link."""
        article = sources["articles"][1]
        services.source_merge(keep=sources["keep"], merge=sources["merge"], actor=editor)

        html = client.get(article.get_absolute_url()).content.decode()

        assert "Nikki Haley" in html
        assert "N. Haley" not in html
        assert sources["keep"].get_absolute_url() in html

    def test_each_affected_story_logs_the_merge_once(self, sources, editor):
        """Each story whose attributions moved gets one ``source.merge`` row; others none."""
        untouched = PublishedArticleFactory()
        AttributionFactory(article=untouched, source=sources["keep"])

        services.source_merge(keep=sources["keep"], merge=sources["merge"], actor=editor)

        events = merge_events()
        assert sorted(e.article_id for e in events) == sorted(a.pk for a in sources["articles"])
        for event in events:
            assert event.actor == editor
            assert event.data["kept"] == "Nikki Haley"
            assert event.data["merged"] == "N. Haley"

    def test_merging_a_source_with_itself_is_refused(self, sources, editor):
        """A source cannot absorb itself."""
        keep = sources["keep"]

        with pytest.raises(InvalidTransition):
            services.source_merge(keep=keep, merge=keep, actor=editor)

        keep.refresh_from_db()
        assert keep.aliases == []
        assert keep.attributions.count() == 1
        assert not merge_events().exists()

    def test_reporter_cannot_merge(self, sources, reporter):
        """Merging needs ``change_source``; a reporter's attempt changes nothing."""
        with pytest.raises(PermissionDenied):
            services.source_merge(keep=sources["keep"], merge=sources["merge"], actor=reporter)

        assert Source.objects.filter(pk=sources["merge"].pk).exists()
        assert sources["merge"].attributions.count() == 3
        assert not merge_events().exists()


@pytest.mark.django_db
class TestAdminMergeAction:
    changelist = staticmethod(lambda: reverse("admin:articles_source_changelist"))

    def post(self, client, selected, **extra):
        return client.post(
            self.changelist(),
            {"action": "merge_sources", "_selected_action": [s.pk for s in selected], **extra},
        )

    def test_editor_picks_the_source_to_keep_then_merges(self, client, sources, editor):
        """The action asks which source to keep, then merges the others into it."""
        keep, merge = sources["keep"], sources["merge"]
        client.force_login(editor)

        page = self.post(client, [keep, merge])

        assert page.status_code == 200
        assert "admin/articles/source/merge.html" in [t.name for t in page.templates]
        html = page.content.decode()
        assert f'name="keep" value="{keep.pk}"' in html
        assert f'name="keep" value="{merge.pk}"' in html
        assert Source.objects.filter(pk=merge.pk).exists()

        response = self.post(client, [keep, merge], confirm="yes", keep=str(keep.pk))

        assert response.status_code == 302
        assert not Source.objects.filter(pk=merge.pk).exists()
        assert Source.objects.get(pk=keep.pk).attributions.count() == 4
        assert merge_events().count() == 2
        messages = [str(m) for m in get_messages(response.wsgi_request)]
        assert any("Merged 1 source(s) into Nikki Haley" in m for m in messages)

    def test_editor_may_keep_either_source(self, client, sources, editor):
        """Choosing the second source keeps it and folds the first into it."""
        keep, merge = sources["keep"], sources["merge"]
        client.force_login(editor)

        self.post(client, [keep, merge], confirm="yes", keep=str(merge.pk))

        assert not Source.objects.filter(pk=keep.pk).exists()
        assert Source.objects.get(pk=merge.pk).attributions.count() == 4
        assert "Nikki Haley" in Source.objects.get(pk=merge.pk).aliases

    def test_one_source_is_not_enough(self, client, sources, editor):
        """Selecting a single source merges nothing and says why."""
        client.force_login(editor)

        response = self.post(client, [sources["keep"]], confirm="yes", keep=str(sources["keep"].pk))

        messages = [str(m) for m in get_messages(response.wsgi_request)]
        assert any("at least two" in m for m in messages)
        assert Source.objects.count() == 3

    def test_keep_must_be_one_of_the_selected(self, client, sources, editor):
        """A forged "keep" outside the selection merges nothing."""
        client.force_login(editor)

        self.post(
            client,
            [sources["keep"], sources["merge"]],
            confirm="yes",
            keep=str(sources["office"].pk),
        )

        assert Source.objects.count() == 3
        assert not merge_events().exists()

    def test_staff_without_change_source_cannot_merge(self, client, sources, reporter):
        """Staff who may only view sources are not offered the action and cannot post it."""
        reporter.is_staff = True
        reporter.save()
        client.force_login(reporter)

        page = client.get(self.changelist())
        self.post(
            client, [sources["keep"], sources["merge"]], confirm="yes", keep=str(sources["keep"].pk)
        )

        form = page.context["action_form"]
        offered = set(dict(form.fields["action"].choices)) if form else set()
        assert "merge_sources" not in offered
        assert Source.objects.filter(pk=sources["merge"].pk).exists()
        assert not merge_events().exists()
