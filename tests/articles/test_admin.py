"""The admin: every model is reachable, and the admin keeps the editorial rules.

Status changes go through the publish action (the service), published wording and published
notes are read-only, revisions and events are view-only, and every article save leaves a
revision.
"""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.messages import get_messages
from django.db import connection
from django.db.models.fields.files import FieldFile
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from taggit.forms import TagField
from taggit.utils import edit_string_for_tags

from articles import services
from articles.models import (
    Article,
    ArticleEvent,
    Attribution,
    Author,
    CorrectionNote,
    ReviewComment,
    Revision,
    Section,
    Source,
)
from tests.factories import (
    ArticleFactory,
    AttributionFactory,
    CorrectionNoteFactory,
    PublishedArticleFactory,
    SourceFactory,
    UserFactory,
)
from tests.helpers import user_with

pytestmark = pytest.mark.django_db

Status = Article.Status

REGISTERED = [
    Section,
    Author,
    Source,
    Article,
    Attribution,
    CorrectionNote,
    Revision,
    ArticleEvent,
    ReviewComment,
]
VIEW_ONLY = [Revision, ArticleEvent, ReviewComment]


def url(model, view: str, *args) -> str:
    return reverse(f"admin:articles_{model._meta.model_name}_{view}", args=args)


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def offered_actions(page) -> set[str]:
    """The actions a changelist page offers (no form at all when it offers none)."""
    form = page.context["action_form"]
    return set(dict(form.fields["action"].choices)) if form else set()


def page_data(response) -> dict:
    """What a browser submits from an admin form page when the user changes nothing."""
    data: dict = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        data.update({management.add_prefix(k): v for k, v in management.initial.items()})
        forms.extend(formset.forms)
    for form in forms:
        for name, field in form.fields.items():
            value = form[name].value()
            if isinstance(field, TagField):
                value = edit_string_for_tags(value or [])
            if value is None or value is False or isinstance(value, FieldFile):
                continue
            data[form.add_prefix(name)] = "on" if value is True else value
    return data


@pytest.fixture
def records(admin_user) -> dict:
    """One row of every registered model, written the way the product writes them."""
    article = PublishedArticleFactory()
    attribution = AttributionFactory(article=article)
    note = services.correction_note_create(
        article=article,
        actor=admin_user,
        note=services.NoteData(kind="correction", text="We misstated the day.", paragraphs=[1]),
    )
    comment = services.comment_create(article=article, actor=admin_user, text="Check the quote.")
    return {
        Section: article.section,
        Author: article.bylines.get().author,
        Source: attribution.source,
        Article: article,
        Attribution: attribution,
        CorrectionNote: note,
        Revision: services.revision_create(article=article, actor=admin_user),
        ArticleEvent: ArticleEvent.objects.filter(article=article).first(),
        ReviewComment: comment,
    }


class TestRegistration:
    def test_every_model_is_registered(self):
        """Every articles model has an admin; bylines and blocks are edited inside articles."""
        registered = {m for m in admin.site._registry if m._meta.app_label == "articles"}

        assert registered == set(REGISTERED)

    @pytest.mark.parametrize("model", REGISTERED, ids=lambda m: m.__name__)
    def test_changelist_search_and_change_pages_open(self, admin_client, records, model):
        """An administrator can list, search and open every kind of record."""
        assert admin_client.get(url(model, "changelist")).status_code == 200
        assert admin_client.get(url(model, "changelist"), {"q": "budget"}).status_code == 200
        obj = records[model]
        assert admin_client.get(url(model, "change", obj.pk)).status_code == 200

    @pytest.mark.parametrize(
        "model", [m for m in REGISTERED if m not in VIEW_ONLY], ids=lambda m: m.__name__
    )
    def test_add_pages_open(self, admin_client, model):
        """An administrator can open the add form of every editable model."""
        assert admin_client.get(url(model, "add")).status_code == 200

    def test_non_staff_user_is_sent_to_the_admin_login(self, client):
        """A signed-in reader or reporter without staff status cannot see the admin."""
        client.force_login(UserFactory())

        response = client.get(url(Article, "changelist"))

        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))

    def test_article_changelist_runs_a_fixed_number_of_queries(self, admin_client):
        """The article list costs the same number of queries for 1 story as for 6."""
        PublishedArticleFactory()
        with CaptureQueriesContext(connection) as one:
            admin_client.get(url(Article, "changelist"))
        PublishedArticleFactory.create_batch(5, bylines=2)

        with CaptureQueriesContext(connection) as six:
            response = admin_client.get(url(Article, "changelist"))

        assert response.context["cl"].result_count == 6
        assert len(six) == len(one)


class TestImmutableRecords:
    @pytest.mark.parametrize("model", VIEW_ONLY, ids=lambda m: m.__name__)
    def test_view_only_records_cannot_be_added_changed_or_deleted(
        self, admin_client, records, model
    ):
        """Revisions, events and review comments are shown without save or delete."""
        obj = records[model]

        page = admin_client.get(url(model, "change", obj.pk))

        assert b'name="_save"' not in page.content
        assert admin_client.get(url(model, "add")).status_code == 403
        assert admin_client.post(url(model, "change", obj.pk), {}).status_code == 403
        assert admin_client.post(url(model, "delete", obj.pk), {"post": "yes"}).status_code == 403
        assert model.objects.filter(pk=obj.pk).exists()


class TestArticleAdmin:
    def test_saving_an_article_leaves_a_revision(self, admin_client, admin_user):
        """Every admin save of an article is snapshotted, by whom, with the new wording."""
        article = ArticleFactory()
        page = admin_client.get(url(Article, "change", article.pk))
        data = page_data(page) | {"headline": "Council passes the budget"}

        response = admin_client.post(url(Article, "change", article.pk), data)

        assert response.status_code == 302, response.context and response.context["errors"]
        article.refresh_from_db()
        assert article.headline == "Council passes the budget"
        assert article.blocks.count() == 3
        revision = article.revisions.get()
        assert (revision.message, revision.created_by) == ("Edited in admin", admin_user)
        assert revision.snapshot["headline"] == "Council passes the budget"
        assert len(revision.snapshot["blocks"]) == 3

    def test_adding_an_article_with_a_body_records_revision_one(self, admin_client, admin_user):
        """An article added in the admin is a draft with its blocks, its creator and revision 1."""
        section = ArticleFactory().section
        page = admin_client.get(url(Article, "add"))
        data = page_data(page) | {
            "headline": "Bridge reopens",
            "slug": "bridge-reopens",
            "kind": "news",
            "section": section.pk,
            "blocks-TOTAL_FORMS": 2,
            "blocks-0-position": 1,
            "blocks-0-kind": "paragraph",
            "blocks-0-text": "The bridge <script>x()</script>reopened.",
            "blocks-1-position": 2,
            "blocks-1-kind": "blockquote",
            "blocks-1-text": "“At last,” said a driver.",
        }

        response = admin_client.post(url(Article, "add"), data)

        assert response.status_code == 302, response.context and response.context["errors"]
        article = Article.objects.get(slug="bridge-reopens")
        assert article.status == Status.DRAFT
        assert article.created_by == admin_user
        assert article.paragraph_texts() == {
            1: "The bridge reopened.",
            2: "“At last,” said a driver.",
        }
        assert article.revisions.get().number == 1

    def test_status_is_not_editable(self, admin_client):
        """Status is shown but cannot be posted: publishing goes through the action."""
        article = ArticleFactory()
        page = admin_client.get(url(Article, "change", article.pk))

        assert "status" not in page.context["adminform"].form.fields
        admin_client.post(
            url(Article, "change", article.pk), page_data(page) | {"status": Status.PUBLISHED}
        )

        article.refresh_from_db()
        assert article.status == Status.DRAFT
        assert not ArticleEvent.objects.filter(action="article.publish").exists()

    def test_published_wording_is_read_only(self, admin_client):
        """On a published story the headline, standfirst and body cannot be changed in admin."""
        article = PublishedArticleFactory()
        page = admin_client.get(url(Article, "change", article.pk))
        form_fields = page.context["adminform"].form.fields
        inlines = {f.formset.prefix: f for f in page.context["inline_admin_formsets"]}

        assert {"headline", "slug", "dek"}.isdisjoint(form_fields)
        assert "section" in form_fields
        for prefix in ["blocks", "bylines", "attributions"]:
            assert not inlines[prefix].has_change_permission
            assert not inlines[prefix].has_add_permission
            assert not inlines[prefix].has_delete_permission

        body = article.paragraph_texts()
        data = page_data(page) | {
            "headline": "Quietly rewritten",
            "dek": "Quietly rewritten",
            "blocks-0-text": "A quietly rewritten paragraph.",
            "blocks-TOTAL_FORMS": 4,
            "blocks-3-position": 9,
            "blocks-3-kind": "paragraph",
            "blocks-3-text": "A sneaked-in paragraph.",
        }
        response = admin_client.post(url(Article, "change", article.pk), data)

        assert response.status_code == 302
        article.refresh_from_db()
        assert article.headline.startswith("Council votes on budget")
        assert article.dek == "What the vote means for residents."
        assert article.paragraph_texts() == body

    def test_published_article_cannot_be_deleted(self, admin_client):
        """A live story comes down by unpublishing, never by deleting it in admin."""
        article = PublishedArticleFactory()

        response = admin_client.post(url(Article, "delete", article.pk), {"post": "yes"})

        assert response.status_code == 403
        assert Article.objects.filter(pk=article.pk).exists()

    def test_note_added_on_a_published_article_goes_through_the_service(self, admin_client):
        """A note added inline on a live story is public at once and moves its updated time."""
        article = PublishedArticleFactory()
        page = admin_client.get(url(Article, "change", article.pk))
        data = page_data(page) | {
            "corrections-2-TOTAL_FORMS": 1,
            "corrections-2-0-kind": "correction",
            "corrections-2-0-text": "We misstated the day.",
            "corrections-2-0-paragraphs": "[1]",
        }

        response = admin_client.post(url(Article, "change", article.pk), data)

        assert response.status_code == 302, response.context and response.context["errors"]
        note = article.corrections.get()
        assert note.published_at is not None
        article.refresh_from_db()
        assert article.updated_at == note.published_at
        assert ArticleEvent.objects.filter(action="correction.create", article=article).exists()


class TestPublishAction:
    def test_publishes_through_the_service(self, admin_client, admin_user):
        """The action publishes each ready article and logs it like a desk publish."""
        article = ArticleFactory()

        response = admin_client.post(
            url(Article, "changelist"),
            {"action": "publish_selected", "_selected_action": [article.pk], "index": 0},
        )

        assert response.status_code == 302
        article.refresh_from_db()
        assert article.status == Status.PUBLISHED
        event = ArticleEvent.objects.get(article=article, action="article.publish")
        assert (event.actor, event.from_status) == (admin_user, Status.DRAFT)
        assert "Published 1 article(s)." in messages_of(response)

    def test_reports_each_failure_and_publishes_the_rest(self, admin_client):
        """Articles that cannot be published are named with the reason; the others go out."""
        ready = ArticleFactory()
        no_byline = ArticleFactory(bylines=0)
        live = PublishedArticleFactory()

        response = admin_client.post(
            url(Article, "changelist"),
            {
                "action": "publish_selected",
                "_selected_action": [ready.pk, no_byline.pk, live.pk],
                "index": 0,
            },
        )

        found = messages_of(response)
        assert f"“{no_byline}” was not published: It needs at least one byline." in found
        assert any(m.startswith(f"“{live}” was not published") for m in found)
        assert Article.objects.get(pk=ready.pk).status == Status.PUBLISHED
        assert Article.objects.get(pk=no_byline.pk).status == Status.DRAFT
        assert ArticleEvent.objects.filter(action="article.publish").count() == 1

    def test_not_offered_without_publish_permission(self, client):
        """Staff without articles.publish_article do not get the action, and cannot post it."""
        staff = user_with("articles.view_article", "articles.change_article", is_staff=True)
        article = ArticleFactory()
        client.force_login(staff)

        page = client.get(url(Article, "changelist"))
        client.post(
            url(Article, "changelist"),
            {"action": "publish_selected", "_selected_action": [article.pk], "index": 0},
        )

        assert "publish_selected" not in offered_actions(page)
        article.refresh_from_db()
        assert article.status == Status.DRAFT


class TestCorrectionNoteAdmin:
    def test_published_note_is_read_only(self, admin_client):
        """A published note's page has no save button and a POST is refused."""
        note = CorrectionNoteFactory()

        page = admin_client.get(url(CorrectionNote, "change", note.pk))
        response = admin_client.post(
            url(CorrectionNote, "change", note.pk),
            {
                "article": note.article_id,
                "kind": "correction",
                "text": "Rewritten",
                "paragraphs": "[1]",
            },
        )

        assert b'name="_save"' not in page.content
        assert response.status_code == 403
        note.refresh_from_db()
        assert note.text == "An earlier version misstated the day of the meeting."

    def test_published_note_cannot_be_deleted(self, admin_client):
        """The delete page of a published note is refused."""
        note = CorrectionNoteFactory()

        response = admin_client.post(url(CorrectionNote, "delete", note.pk), {"post": "yes"})

        assert response.status_code == 403
        assert CorrectionNote.objects.filter(pk=note.pk).exists()

    def test_pending_note_can_be_edited(self, admin_client):
        """A note on a draft, not yet public, can still be corrected in admin."""
        note = CorrectionNoteFactory(article=ArticleFactory(), published_at=None)
        page = admin_client.get(url(CorrectionNote, "change", note.pk))

        response = admin_client.post(
            url(CorrectionNote, "change", note.pk), page_data(page) | {"text": "Reworded."}
        )

        assert response.status_code == 302
        note.refresh_from_db()
        assert note.text == "Reworded."

    def test_note_added_in_admin_goes_through_the_service(self, admin_client, admin_user):
        """Adding a note to a live story publishes it at once and logs it."""
        article = PublishedArticleFactory()

        response = admin_client.post(
            url(CorrectionNote, "add"),
            {"article": article.pk, "kind": "correction", "text": "Fixed.", "paragraphs": "[2]"},
        )

        assert response.status_code == 302
        note = article.corrections.get()
        assert (note.issued_by, note.paragraphs) == (admin_user, [2])
        assert note.published_at is not None
        assert ArticleEvent.objects.filter(action="correction.create").exists()

    def test_bulk_delete_is_not_offered(self, admin_client):
        """Notes cannot be deleted in bulk."""
        page = admin_client.get(url(CorrectionNote, "changelist"))

        assert "delete_selected" not in offered_actions(page)
        assert "withdraw_notes" in offered_actions(page)


class TestWithdrawAction:
    def post_action(self, client, notes, **extra):
        return client.post(
            url(CorrectionNote, "changelist"),
            {"action": "withdraw_notes", "_selected_action": [n.pk for n in notes], **extra},
        )

    def test_asks_for_a_reason_first(self, admin_client):
        """Choosing the action shows a confirmation page with a reason box; nothing changes yet."""
        note = CorrectionNoteFactory()

        page = self.post_action(admin_client, [note])

        assert page.status_code == 200
        assert "admin/articles/correctionnote/withdraw.html" in [t.name for t in page.templates]
        assert b'name="reason"' in page.content
        assert b"csrfmiddlewaretoken" in page.content
        note.refresh_from_db()
        assert note.withdrawn_at is None

    def test_withdraws_with_the_reason_and_records_it(self, admin_client, admin_user):
        """Confirming withdraws each note through the service: who, when and why are kept."""
        notes = CorrectionNoteFactory.create_batch(2)

        response = self.post_action(
            admin_client, notes, confirm="yes", reason="Issued on the wrong story."
        )

        assert response.status_code == 302
        for note in notes:
            note.refresh_from_db()
            assert note.withdrawn_by == admin_user
            assert note.withdrawal_reason == "Issued on the wrong story."
        assert ArticleEvent.objects.filter(action="correction.withdraw").count() == 2
        listing = admin_client.get(url(CorrectionNote, "changelist"), {"state": "withdrawn"})
        assert listing.context["cl"].result_count == 2
        assert "Issued on the wrong story." in listing.content.decode()

    def test_without_a_reason_nothing_is_withdrawn(self, admin_client):
        """An empty reason re-shows the page with an error."""
        note = CorrectionNoteFactory()

        page = self.post_action(admin_client, [note], confirm="yes", reason="")

        assert page.status_code == 200
        assert page.context["form"].errors["reason"]
        note.refresh_from_db()
        assert note.withdrawn_at is None

    def test_already_withdrawn_note_is_reported(self, admin_client, admin_user):
        """Withdrawing twice reports the note instead of overwriting the first reason."""
        note = CorrectionNoteFactory()
        services.correction_note_withdraw(note=note, actor=admin_user, reason="First.")

        response = self.post_action(admin_client, [note], confirm="yes", reason="Second.")

        assert any("already withdrawn" in m for m in messages_of(response))
        note.refresh_from_db()
        assert note.withdrawal_reason == "First."

    def test_only_superusers_get_the_action(self, client):
        """Staff who are not administrators are not offered the action and cannot post it."""
        staff = user_with(
            "articles.view_correctionnote",
            "articles.change_correctionnote",
            "articles.delete_correctionnote",
            "articles.correct_article",
            is_staff=True,
        )
        note = CorrectionNoteFactory()
        client.force_login(staff)

        page = client.get(url(CorrectionNote, "changelist"))
        self.post_action(client, [note], confirm="yes", reason="Because.")

        assert "withdraw_notes" not in offered_actions(page)
        note.refresh_from_db()
        assert note.withdrawn_at is None


class TestAttributionAdmin:
    def data(self, article, **fields) -> dict:
        return {
            "article": article.pk,
            "source": SourceFactory().pk,
            "kind": "quote",
            "text": "We will balance the books,",
            "paragraph": 2,
            "url": "",
        } | fields

    def test_words_not_in_the_paragraph_get_a_form_error(self, admin_client):
        """Saving runs the model's check: the words must stand in the paragraph named."""
        article = ArticleFactory()

        response = admin_client.post(url(Attribution, "add"), self.data(article, paragraph=1))

        assert response.status_code == 200
        errors = response.context["adminform"].form.errors
        assert "do not stand in paragraph 1" in " ".join(errors["text"])
        assert not Attribution.objects.exists()

    def test_good_attribution_is_created_through_the_service(self, admin_client):
        """A correct attribution is saved and logged."""
        article = ArticleFactory()

        response = admin_client.post(url(Attribution, "add"), self.data(article))

        assert response.status_code == 302
        assert Attribution.objects.get().paragraph == 2
        assert ArticleEvent.objects.filter(action="attribution.create", article=article).exists()

    def test_published_story_attributions_are_frozen(self, admin_client):
        """New attributions cannot be pinned on a published story, nor existing ones changed."""
        existing = AttributionFactory()

        add = admin_client.post(url(Attribution, "add"), self.data(existing.article))
        change = admin_client.post(
            url(Attribution, "change", existing.pk), self.data(existing.article, paragraph=3)
        )

        assert add.status_code == 200
        assert add.context["adminform"].form.errors["article"]
        assert change.status_code == 403
        assert Attribution.objects.get().paragraph == 2
