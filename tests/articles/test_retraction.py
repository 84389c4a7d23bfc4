"""Taking a story back: a retraction keeps it at its URL under a notice; an unpublish answers
410 Gone with an explanation; neither deletes anything. Withdrawn notes stay on the record."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from articles import services
from articles.exceptions import InvalidTransition
from articles.models import Article, ArticleEvent, CorrectionNote
from tests.factories import (
    ArticleFactory,
    AttributionFactory,
    CorrectionNoteFactory,
    PublishedArticleFactory,
)
from tests.helpers import user_with_role

Status = Article.Status
REASON = "The story relied on documents we can no longer verify."
NOINDEX = '<meta name="robots" content="noindex">'


@pytest.fixture
def article(db) -> Article:
    """A published story with an attribution and an earlier correction."""
    article = PublishedArticleFactory(headline="Council hid the audit")
    AttributionFactory(article=article)
    CorrectionNoteFactory(article=article)
    return article


def counts(article: Article) -> dict[str, int]:
    return {
        "blocks": article.blocks.count(),
        "attributions": article.attributions.count(),
        "notes": article.corrections.count(),
        "revisions": article.revisions.count(),
        "bylines": article.bylines.count(),
    }


@pytest.mark.django_db
class TestRetract:
    def test_retraction_publishes_a_prominent_note_with_the_reason(self, article, editor):
        """The story is retracted and readers get the editor's reason as a retraction note."""
        retracted = services.article_retract(article=article, actor=editor, comment=REASON)

        assert retracted.status == Status.RETRACTED
        note = article.corrections.get(kind=CorrectionNote.Kind.RETRACTION)
        assert note.text == REASON
        assert note.prominent
        assert note.is_published
        assert note.issued_by == editor
        assert note.revision == article.revisions.latest("number")
        event = ArticleEvent.objects.get(article=article, action="article.retract")
        assert (event.actor, event.from_status, event.to_status) == (
            editor,
            Status.PUBLISHED,
            Status.RETRACTED,
        )
        assert event.data["note"] == note.pk

    def test_retracted_page_answers_200_with_the_notice_above_the_headline(
        self, client, article, editor
    ):
        """Readers who follow an old link land on the story, told first that it was retracted."""
        services.article_retract(article=article, actor=editor, comment=REASON)

        response = client.get(article.get_absolute_url())

        assert response.status_code == 200
        html = response.content.decode()
        notice = html.index("This story has been retracted")
        assert notice < html.index('id="headline"')
        assert html.index(REASON) < html.index('id="headline"')
        assert "Council hid the audit" in html

    def test_retracted_page_asks_not_to_be_indexed(
        self, client, article, editor, django_capture_on_commit_callbacks
    ):
        """Search engines are asked to drop a retracted story, on the very next request."""
        assert NOINDEX not in client.get(article.get_absolute_url()).content.decode()
        with django_capture_on_commit_callbacks(execute=True):
            services.article_retract(article=article, actor=editor, comment=REASON)

        html = client.get(article.get_absolute_url()).content.decode()

        assert NOINDEX in html
        assert html.index(NOINDEX) < html.index("</head>")

    def test_retracted_story_stays_in_the_corrections_log(self, client, article, editor):
        """The retraction note heads the corrections log, next to the story's earlier notes."""
        services.article_retract(article=article, actor=editor, comment=REASON)
        note = article.corrections.get(kind=CorrectionNote.Kind.RETRACTION)

        response = client.get(reverse("articles:corrections"))

        listed = list(response.context["page"].object_list)
        assert listed[0] == note
        assert len(listed) == 2
        assert REASON in response.content.decode()

    @pytest.mark.parametrize("comment", ["", "   "], ids=["empty", "blank"])
    def test_reason_is_required(self, article, editor, comment):
        """A retraction without a reason is refused and the story stays published."""
        before = counts(article)

        with pytest.raises(InvalidTransition):
            services.article_retract(article=article, actor=editor, comment=comment)

        article.refresh_from_db()
        assert article.status == Status.PUBLISHED
        assert counts(article) == before

    def test_reporter_cannot_retract(self, article, reporter):
        """Retracting needs ``retract_article``."""
        with pytest.raises(PermissionDenied):
            services.article_retract(article=article, actor=reporter, comment=REASON)

        article.refresh_from_db()
        assert article.status == Status.PUBLISHED
        assert not article.corrections.filter(kind=CorrectionNote.Kind.RETRACTION).exists()

    def test_draft_cannot_be_retracted(self, editor):
        """Only a published story can be retracted."""
        draft = ArticleFactory()

        with pytest.raises(InvalidTransition):
            services.article_retract(article=draft, actor=editor, comment=REASON)

    def test_retraction_is_final(self, article, editor):
        """A retracted story cannot be unpublished or retracted again."""
        services.article_retract(article=article, actor=editor, comment=REASON)

        with pytest.raises(InvalidTransition):
            services.article_unpublish(article=article, actor=editor, comment="Take it down.")
        with pytest.raises(InvalidTransition):
            services.article_retract(article=article, actor=editor, comment=REASON)
        assert article.corrections.filter(kind=CorrectionNote.Kind.RETRACTION).count() == 1


@pytest.mark.django_db
class TestUnpublish:
    def test_unpublished_story_answers_410_with_an_explanation(self, client, article, editor):
        """The URL says the story was withdrawn (410 Gone), not that it never existed."""
        services.article_unpublish(article=article, actor=editor, comment="Legal hold.")

        response = client.get(article.get_absolute_url())

        assert response.status_code == 410
        assert "articles/gone.html" in [t.name for t in response.templates]
        html = response.content.decode()
        assert "This story has been withdrawn" in html
        assert "Council hid the audit" in html
        assert reverse("articles:corrections") in html
        assert NOINDEX in html

    def test_unpublish_deletes_nothing(self, article, editor):
        """Body, sources, notes and history stay, so the story can be republished as it was."""
        before = counts(article)

        services.article_unpublish(article=article, actor=editor, comment="Legal hold.")

        article.refresh_from_db()
        assert article.status == Status.UNPUBLISHED
        assert counts(article) == {**before, "revisions": before["revisions"] + 1}
        assert ArticleEvent.objects.filter(article=article, action="article.unpublish").exists()

    def test_unpublish_needs_a_reason(self, article, editor):
        """Taking a story down is explained in the log."""
        with pytest.raises(InvalidTransition):
            services.article_unpublish(article=article, actor=editor, comment="")

        article.refresh_from_db()
        assert article.status == Status.PUBLISHED

    def test_reporter_cannot_unpublish(self, article, reporter):
        """Unpublishing needs ``publish_article``."""
        with pytest.raises(PermissionDenied):
            services.article_unpublish(article=article, actor=reporter, comment="Oops.")

    def test_never_published_draft_answers_404(self, client, db):
        """A draft's URL reveals nothing: 404, not 410."""
        draft = ArticleFactory()

        assert client.get(draft.get_absolute_url()).status_code == 404


@pytest.mark.django_db
class TestWithdrawnNoteStaysOnRecord:
    def test_editor_sees_withdrawn_note_with_who_and_why_in_the_admin(self, client, superuser):
        """An editor browsing notes in the admin sees a withdrawn one, who withdrew it and why."""
        note = CorrectionNoteFactory(text="We misnamed the council’s auditor.")
        services.correction_note_withdraw(
            note=note, actor=superuser, reason="Issued on the wrong story."
        )
        client.force_login(user_with_role("editor"))

        response = client.get(reverse("admin:articles_correctionnote_changelist"))

        assert response.status_code == 200
        html = response.content.decode()
        assert note in response.context["cl"].result_list
        assert "Withdrawn" in html
        assert "We misnamed the council’s auditor." in html
        assert str(superuser) in html
        assert "Issued on the wrong story." in html

    def test_withdrawn_note_can_be_opened_but_not_changed(self, client, superuser):
        """Its page shows the record; nothing on it can be edited."""
        note = CorrectionNoteFactory()
        services.correction_note_withdraw(note=note, actor=superuser, reason="Duplicate note.")
        client.force_login(user_with_role("editor"))

        response = client.get(reverse("admin:articles_correctionnote_change", args=[note.pk]))

        assert response.status_code == 200
        assert "Duplicate note." in response.content.decode()
        assert not response.context["has_change_permission"]
