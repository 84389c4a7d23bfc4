"""articles.services: each service works, refuses illegal moves and outsiders, and logs."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from articles import body, services
from articles.exceptions import InvalidTransition
from articles.models import (
    Article,
    ArticleEvent,
    Attribution,
    CorrectionNote,
    Revision,
)
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    CorrectionNoteFactory,
    PublishedArticleFactory,
    SectionFactory,
    SourceFactory,
    UserFactory,
)
from tests.helpers import user_with

pytestmark = pytest.mark.django_db

Status = Article.Status


@pytest.fixture
def editor():
    return user_with(
        "articles.add_article",
        "articles.publish_article",
        "articles.correct_article",
        "articles.add_attribution",
        "articles.edit_any_article",
    )


def paragraphs(*texts: str) -> list[services.BlockData]:
    return [services.BlockData(kind="paragraph", text=body.from_plain(t)) for t in texts]


class TestArticleCreate:
    def test_writes_body_bylines_tags_and_first_revision(self, editor):
        """A new draft has its blocks in order, bylines, tags and a full revision 1 snapshot."""
        section = SectionFactory()
        authors = [AuthorFactory(), AuthorFactory()]

        article = services.article_create(
            actor=editor,
            section=section,
            headline="  Council passes budget  ",
            dek="Rates rise by 3%.",
            blocks=[
                *paragraphs("The council met."),
                services.BlockData(kind="subheading", text="Reaction"),
                *paragraphs("The mayor was pleased."),
            ],
            authors=authors,
            tags=["budget", "council"],
        )

        article.refresh_from_db()
        assert article.status == Status.DRAFT
        assert article.headline == "Council passes budget"
        assert article.slug == "council-passes-budget"
        assert article.created_by == editor
        assert [b.kind for b in article.blocks.all()] == ["paragraph", "subheading", "paragraph"]
        assert article.paragraph_texts() == {1: "The council met.", 2: "The mayor was pleased."}
        assert [b.author for b in article.bylines.all()] == authors
        assert sorted(article.tags.names()) == ["budget", "council"]

        revision = article.revisions.get()
        assert revision.number == 1
        assert revision.created_by == editor
        snapshot = revision.snapshot
        assert snapshot["headline"] == "Council passes budget"
        assert snapshot["dek"] == "Rates rise by 3%."
        assert snapshot["section"] == {"id": section.pk, "slug": section.slug}
        assert [a["id"] for a in snapshot["authors"]] == [a.pk for a in authors]
        assert snapshot["tags"] == ["budget", "council"]
        assert [(b["kind"], b["text"]) for b in snapshot["blocks"]] == [
            ("paragraph", "The council met."),
            ("subheading", "Reaction"),
            ("paragraph", "The mayor was pleased."),
        ]

    def test_logs_an_article_create_event(self, editor):
        """Creating a draft leaves an article.create event naming the actor."""
        article = services.article_create(
            actor=editor, section=SectionFactory(), headline="A", blocks=paragraphs("Text.")
        )

        event = ArticleEvent.objects.get(article=article)
        assert (event.action, event.actor, event.to_status) == (
            "article.create",
            editor,
            Status.DRAFT,
        )

    def test_slugs_do_not_collide(self, editor):
        """Two stories with the same headline get different URLs."""
        section = SectionFactory()
        first = services.article_create(
            actor=editor, section=section, headline="Same", blocks=paragraphs("One.")
        )
        second = services.article_create(
            actor=editor, section=section, headline="Same", blocks=paragraphs("Two.")
        )

        assert (first.slug, second.slug) == ("same", "same-2")

    def test_an_invalid_block_leaves_nothing_behind(self, editor):
        """Creation is all or nothing: an empty second block means no article, revision or event."""
        with pytest.raises(ValidationError):
            services.article_create(
                actor=editor,
                section=SectionFactory(),
                headline="Half written",
                blocks=[*paragraphs("Fine."), services.BlockData(kind="paragraph", text="  ")],
                authors=[AuthorFactory()],
                tags=["budget"],
            )

        assert not Article.objects.exists()
        assert not Revision.objects.exists()
        assert not ArticleEvent.objects.exists()

    def test_user_without_add_permission_is_refused(self):
        """Someone who may not add articles cannot create one."""
        with pytest.raises(PermissionDenied):
            services.article_create(
                actor=UserFactory(), section=SectionFactory(), headline="A", blocks=paragraphs("B.")
            )

        assert not Article.objects.exists()


class TestArticlePublish:
    def test_publishes_a_ready_draft(self, editor):
        """Publishing sets the status and both reader-facing times."""
        article = ArticleFactory()
        before = timezone.now()

        services.article_publish(article=article, actor=editor)

        article.refresh_from_db()
        assert article.status == Status.PUBLISHED
        assert article.first_published_at >= before
        assert article.updated_at == article.first_published_at
        assert Article.objects.published().filter(pk=article.pk).exists()

    def test_pending_notes_become_public(self, editor):
        """Notes attached before publication go live with the story."""
        article = ArticleFactory()
        note = CorrectionNoteFactory(article=article, published_at=None)

        services.article_publish(article=article, actor=editor)

        note.refresh_from_db()
        article.refresh_from_db()
        assert note.published_at == article.first_published_at
        assert CorrectionNote.objects.public().filter(pk=note.pk).exists()

    def test_writes_a_revision_and_a_publish_event(self, editor):
        """The publish leaves a revision and an article.publish event from draft to published."""
        article = ArticleFactory()

        services.article_publish(article=article, actor=editor)

        assert article.revisions.count() == 1
        event = ArticleEvent.objects.get(article=article, action="article.publish")
        assert event.actor == editor
        assert (event.from_status, event.to_status) == (Status.DRAFT, Status.PUBLISHED)
        assert event.data["revision"] == article.revisions.get().number

    def test_publishing_a_published_article_is_an_invalid_transition(self, editor):
        """A published story cannot be published again; nothing is written."""
        article = PublishedArticleFactory()
        first_published_at = article.first_published_at

        with pytest.raises(InvalidTransition):
            services.article_publish(article=article, actor=editor)

        article.refresh_from_db()
        assert article.first_published_at == first_published_at
        assert not ArticleEvent.objects.exists()

    def test_not_ready_article_is_refused_with_every_problem(self, editor):
        """No byline, no paragraphs, a lead image without alt: each problem is listed."""
        article = ArticleFactory(
            blocks=[("subheading", "Only a heading")], bylines=0, lead_image="lead/photo.jpg"
        )

        with pytest.raises(InvalidTransition) as exc:
            services.article_publish(article=article, actor=editor)

        assert set(exc.value.messages) == {
            "It needs at least one byline.",
            "It needs at least one paragraph.",
            "The lead image needs alt text.",
        }
        article.refresh_from_db()
        assert article.status == Status.DRAFT
        assert not ArticleEvent.objects.exists()

    def test_user_without_publish_permission_is_refused(self):
        """Someone without articles.publish_article cannot publish, and nothing changes."""
        article = ArticleFactory()
        reporter = user_with("articles.add_article", "articles.submit_article")

        with pytest.raises(PermissionDenied):
            services.article_publish(article=article, actor=reporter)

        article.refresh_from_db()
        assert article.status == Status.DRAFT
        assert article.first_published_at is None
        assert not Revision.objects.exists()
        assert not ArticleEvent.objects.exists()

    def test_system_may_publish_an_import_with_its_original_time(self):
        """actor=None (a command or import) publishes, keeping an earlier first-published time."""
        article = ArticleFactory()
        when = timezone.now() - timedelta(days=3)

        services.article_publish(article=article, actor=None, at=when)

        article.refresh_from_db()
        assert article.first_published_at == when
        assert ArticleEvent.objects.get(action="article.publish").actor is None


class TestCorrectionNoteCreate:
    def test_note_on_a_published_story_is_public_at_once(self, editor):
        """A note on a live story is published immediately and moves the story's updated time."""
        article = PublishedArticleFactory()
        first_published_at = article.first_published_at

        note = services.correction_note_create(
            article=article,
            actor=editor,
            note=services.NoteData(kind="correction", text="We misstated the day.", paragraphs=[1]),
        )

        article.refresh_from_db()
        assert note.published_at == note.issued_at
        assert note.issued_by == editor
        assert article.updated_at == note.issued_at
        assert article.updated_at > first_published_at
        assert article.was_updated
        assert CorrectionNote.objects.public().filter(pk=note.pk).exists()

    def test_note_on_a_draft_waits(self, editor):
        """A note on a draft stays pending and does not touch the story's times."""
        article = ArticleFactory()

        note = services.correction_note_create(
            article=article,
            actor=editor,
            note=services.NoteData(kind="update", text="Updated with the vote result."),
        )

        article.refresh_from_db()
        assert note.published_at is None
        assert article.updated_at is None
        assert not CorrectionNote.objects.public().filter(pk=note.pk).exists()

    def test_writes_a_correction_create_event(self, editor):
        """The note is logged against the story with its paragraphs."""
        article = PublishedArticleFactory()

        note = services.correction_note_create(
            article=article,
            actor=editor,
            note=services.NoteData(kind="correction", text="Fixed.", paragraphs=[2, 1]),
        )

        event = ArticleEvent.objects.get(action="correction.create")
        assert event.data == {"note": note.pk, "kind": "correction", "paragraphs": [1, 2]}

    def test_note_on_a_missing_paragraph_is_refused(self, editor):
        """A note that points past the end of the story is refused and nothing is written."""
        article = PublishedArticleFactory()
        updated_at = article.updated_at

        with pytest.raises(ValidationError):
            services.correction_note_create(
                article=article,
                actor=editor,
                note=services.NoteData(kind="correction", text="Fixed.", paragraphs=[7]),
            )

        article.refresh_from_db()
        assert article.updated_at == updated_at
        assert not CorrectionNote.objects.exists()

    def test_user_without_correct_permission_is_refused(self):
        """Only holders of articles.correct_article may attach notes."""
        article = PublishedArticleFactory()

        with pytest.raises(PermissionDenied):
            services.correction_note_create(
                article=article,
                actor=user_with("articles.add_article"),
                note=services.NoteData(kind="correction", text="Fixed."),
            )

        assert not CorrectionNote.objects.exists()


class TestCorrectionNoteWithdraw:
    def test_withdraws_and_keeps_the_trace(self, superuser):
        """Withdrawing hides the note from readers but keeps it, with who, when and why."""
        note = CorrectionNoteFactory()

        withdrawn = services.correction_note_withdraw(
            note=note, actor=superuser, reason="  Issued on the wrong story.  "
        )

        assert withdrawn.pk == note.pk
        assert withdrawn.withdrawn_by == superuser
        assert withdrawn.withdrawn_at is not None
        assert withdrawn.withdrawal_reason == "Issued on the wrong story."
        assert withdrawn.text == note.text
        assert not CorrectionNote.objects.public().filter(pk=note.pk).exists()

    def test_writes_a_correction_withdraw_event(self, superuser):
        """The withdrawal is logged with the reason and the note's text."""
        note = CorrectionNoteFactory()

        services.correction_note_withdraw(note=note, actor=superuser, reason="Wrong story.")

        event = ArticleEvent.objects.get(action="correction.withdraw")
        assert (event.article, event.actor, event.message) == (
            note.article,
            superuser,
            "Wrong story.",
        )
        assert event.data == {"note": note.pk, "text": note.text}

    def test_withdrawing_needs_its_own_permission(self):
        """Even a user holding every other note permission is refused: withdrawing needs
        ``withdraw_correctionnote``, which admins hold."""
        note = CorrectionNoteFactory()
        staff = user_with(
            "articles.correct_article",
            "articles.change_correctionnote",
            "articles.delete_correctionnote",
        )

        with pytest.raises(PermissionDenied):
            services.correction_note_withdraw(note=note, actor=staff, reason="Wrong story.")

        note.refresh_from_db()
        assert note.withdrawn_at is None
        assert not ArticleEvent.objects.exists()

    def test_a_reason_is_required(self, superuser):
        """A withdrawal without a reason is refused."""
        note = CorrectionNoteFactory()

        with pytest.raises(InvalidTransition):
            services.correction_note_withdraw(note=note, actor=superuser, reason="   ")

        note.refresh_from_db()
        assert note.withdrawn_at is None

    def test_cannot_withdraw_twice(self, superuser):
        """A withdrawn note cannot be withdrawn again; the first reason stands."""
        note = CorrectionNoteFactory()
        services.correction_note_withdraw(note=note, actor=superuser, reason="First reason.")

        with pytest.raises(InvalidTransition):
            services.correction_note_withdraw(note=note, actor=superuser, reason="Second reason.")

        note.refresh_from_db()
        assert note.withdrawal_reason == "First reason."
        assert ArticleEvent.objects.filter(action="correction.withdraw").count() == 1


class TestAttributionCreate:
    def test_ties_words_to_their_source_and_logs_it(self, editor):
        """A valid attribution is stored and logged."""
        article = ArticleFactory()
        source = SourceFactory()

        attribution = services.attribution_create(
            article=article,
            actor=editor,
            source=source,
            kind="quote",
            text="  We will balance the books,  ",
            paragraph=2,
        )

        assert attribution.text == "We will balance the books,"
        event = ArticleEvent.objects.get(action="attribution.create")
        assert event.data == {"attribution": attribution.pk, "source": source.name, "paragraph": 2}

    def test_words_not_in_the_paragraph_are_refused(self, editor):
        """Words that do not stand in the named paragraph are refused and nothing is written."""
        article = ArticleFactory()

        with pytest.raises(ValidationError) as exc:
            services.attribution_create(
                article=article,
                actor=editor,
                source=SourceFactory(),
                kind="quote",
                text="We will balance the books,",
                paragraph=3,
            )

        assert "text" in exc.value.message_dict
        assert not Attribution.objects.exists()
        assert not ArticleEvent.objects.exists()

    def test_user_without_permission_is_refused(self):
        """Only holders of articles.add_attribution may attribute."""
        with pytest.raises(PermissionDenied):
            services.attribution_create(
                article=ArticleFactory(),
                actor=UserFactory(),
                source=SourceFactory(),
                kind="quote",
                text="We will balance the books,",
                paragraph=2,
            )

        assert not Attribution.objects.exists()


class TestRevisionCreate:
    def test_numbers_revisions_in_sequence(self):
        """Each snapshot gets the next number for its article."""
        article = ArticleFactory()

        numbers = [services.revision_create(article=article, actor=None).number for _ in range(3)]

        assert numbers == [1, 2, 3]
        assert services.latest_revision_number(article) == 3
