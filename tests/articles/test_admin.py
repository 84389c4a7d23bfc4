"""The admin: every model is reachable, and it is no second way to write a story.

An article's editorial content is read-only there whatever its status (it links to the desk
instead), articles are not added there, status changes go through the publish action (the
service), attributions and pending notes change through their services, published notes are
read-only and withdrawing one takes its own permission, and revisions, events, comments and
preview links are view-only.
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

from articles import fields, services
from articles.models import (
    Article,
    ArticleEvent,
    Attribution,
    Author,
    CorrectionNote,
    PreviewLink,
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
    SectionFactory,
    SourceFactory,
    UserFactory,
)
from tests.helpers import edit_url, user_with

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
    PreviewLink,
]
VIEW_ONLY = [Revision, ArticleEvent, ReviewComment, PreviewLink]
# Articles are viewed (and deleted while unseen) in the admin, never added or changed there.
ADDABLE = [m for m in REGISTERED if m not in VIEW_ONLY and m is not Article]


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
    link, _token = services.preview_link_create(article=ArticleFactory(), actor=admin_user)
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
        PreviewLink: link,
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

    @pytest.mark.parametrize("model", ADDABLE, ids=lambda m: m.__name__)
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


def change_page(client, article):
    return client.get(url(Article, "change", article.pk))


class TestArticleAdmin:
    @pytest.mark.parametrize("factory", [ArticleFactory, PublishedArticleFactory])
    def test_everything_readers_see_is_read_only(self, admin_client, factory):
        """Whatever the status, every field the spec says readers see is shown, not editable:
        the page has no form fields and no save button."""
        article = factory()
        article.tags.add("council-budget")

        page = change_page(admin_client, article)

        adminform = page.context["adminform"]
        assert adminform.form.fields == {}
        assert set(fields.READER_FIELDS) <= set(adminform.readonly_fields)
        assert b'name="_save"' not in page.content
        assert "council-budget" in page.content.decode()  # shown, as readers see it

    def test_post_to_a_published_story_changes_nothing_readers_see(self, admin_client):
        """A new section, kind, tags, headline or paragraph posted to a live story's admin
        page is refused: readers see the same story and no revision or event is written."""
        article = PublishedArticleFactory()
        article.tags.add("budget")
        before = fields.snapshot(article)
        page = change_page(admin_client, article)
        data = page_data(page) | {
            "section": SectionFactory(name="Science").pk,
            "kind": Article.Kind.ANALYSIS,
            "tags": "quietly, retagged",
            "headline": "Quietly rewritten",
            "blocks-TOTAL_FORMS": 4,
            "blocks-3-position": 9,
            "blocks-3-kind": "paragraph",
            "blocks-3-text": "A sneaked-in paragraph.",
        }

        response = admin_client.post(url(Article, "change", article.pk), data)

        assert response.status_code == 403
        assert fields.snapshot(Article.objects.get(pk=article.pk)) == before
        assert not article.revisions.exists()
        assert not article.events.exists()

    def test_an_editor_cannot_edit_a_draft_through_the_admin(self, client, editor):
        """An editor is staff with change_article; in the admin a draft is still view-only, so
        its wording changes only in the desk, under the desk's rules."""
        assert editor.is_staff and editor.has_perm("articles.change_article")
        draft = ArticleFactory(created_by=editor)
        before = fields.snapshot(draft)
        client.force_login(editor)
        page = change_page(client, draft)

        response = client.post(
            url(Article, "change", draft.pk),
            page_data(page) | {"headline": "By the back door", "dek": "Unreviewed."},
        )

        assert page.status_code == 200
        assert b'name="_save"' not in page.content
        assert response.status_code == 403
        assert fields.snapshot(Article.objects.get(pk=draft.pk)) == before
        assert not draft.revisions.exists()

    def test_articles_are_not_added_in_the_admin(self, admin_client):
        """A story starts in the desk: the admin offers no add page and refuses a POST."""
        section = SectionFactory()

        listing = admin_client.get(url(Article, "changelist"))
        page = admin_client.get(url(Article, "add"))
        response = admin_client.post(
            url(Article, "add"),
            {"headline": "Bridge reopens", "slug": "bridge-reopens", "section": section.pk},
        )

        assert url(Article, "add") not in listing.content.decode()
        assert page.status_code == 403
        assert response.status_code == 403
        assert not Article.objects.exists()

    @pytest.mark.parametrize("factory", [ArticleFactory, PublishedArticleFactory])
    def test_change_page_and_list_link_to_the_desk(self, admin_client, factory):
        """The article's page and its row in the list link to the story in the desk."""
        article = factory()
        link = f'<a href="{edit_url(article)}" class="deskeditlink">Edit in the desk</a>'

        page = change_page(admin_client, article).content.decode()
        listing = admin_client.get(url(Article, "changelist")).content.decode()

        assert link in page
        assert f'<a href="{edit_url(article)}">Edit in the desk</a>' in listing

    def test_bylines_body_attributions_and_notes_are_view_only(self, admin_client):
        """On a draft too, the inlines show the story's rows and offer no way to change them."""
        article = ArticleFactory()
        AttributionFactory(article=article)
        CorrectionNoteFactory(article=article, published_at=None)

        page = change_page(admin_client, article)

        inlines = {f.formset.prefix: f for f in page.context["inline_admin_formsets"]}
        assert set(inlines) == {"bylines", "blocks", "attributions", "corrections"}
        for inline in inlines.values():
            assert not inline.has_add_permission
            assert not inline.has_change_permission
            assert not inline.has_delete_permission
        assert "We will balance the books, the mayor said." in page.content.decode()

    def test_status_is_not_editable(self, admin_client):
        """Status is shown but cannot be posted: publishing goes through the action."""
        article = ArticleFactory()
        page = change_page(admin_client, article)

        assert "status" in page.context["adminform"].readonly_fields
        admin_client.post(
            url(Article, "change", article.pk), page_data(page) | {"status": Status.PUBLISHED}
        )

        article.refresh_from_db()
        assert article.status == Status.DRAFT
        assert not ArticleEvent.objects.filter(action="article.publish").exists()

    def test_published_article_cannot_be_deleted(self, admin_client):
        """A live story comes down by unpublishing, never by deleting it in admin."""
        article = PublishedArticleFactory()

        response = admin_client.post(url(Article, "delete", article.pk), {"post": "yes"})

        assert response.status_code == 403
        assert Article.objects.filter(pk=article.pk).exists()

    def test_a_draft_readers_never_saw_can_be_deleted(self, admin_client):
        """An administrator may still delete a story that never went out."""
        article = ArticleFactory()

        response = admin_client.post(url(Article, "delete", article.pk), {"post": "yes"})

        assert response.status_code == 302
        assert not Article.objects.filter(pk=article.pk).exists()


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

    def test_pending_note_edit_goes_through_the_service(self, admin_client, admin_user):
        """A note on a draft, not yet public, can still be reworded in admin; the story's log
        records who changed what."""
        note = CorrectionNoteFactory(article=ArticleFactory(), published_at=None)
        page = admin_client.get(url(CorrectionNote, "change", note.pk))

        response = admin_client.post(
            url(CorrectionNote, "change", note.pk), page_data(page) | {"text": "Reworded."}
        )

        assert response.status_code == 302
        note.refresh_from_db()
        assert note.text == "Reworded."
        event = ArticleEvent.objects.get(action="correction.update")
        assert (event.article, event.actor) == (note.article, admin_user)
        assert event.data["changed"] == ["text"]

    def test_pending_note_edit_is_refused_to_staff_the_service_refuses(self, client):
        """Model permissions open the page, but the service decides: staff who may neither
        edit the draft nor issue corrections cannot reword its note."""
        staff = user_with(
            "articles.view_correctionnote", "articles.change_correctionnote", is_staff=True
        )
        note = CorrectionNoteFactory(article=ArticleFactory(), published_at=None)
        client.force_login(staff)
        page = client.get(url(CorrectionNote, "change", note.pk))

        response = client.post(
            url(CorrectionNote, "change", note.pk), page_data(page) | {"text": "Reworded."}
        )

        assert response.status_code == 403
        note.refresh_from_db()
        assert note.text == "An earlier version misstated the day of the meeting."
        assert not ArticleEvent.objects.filter(action="correction.update").exists()

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

    def test_staff_without_the_withdraw_permission_are_refused(self, client):
        """Staff holding every other note permission, but not withdraw_correctionnote, are
        not offered the action and cannot post it."""
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

    def test_staff_granted_the_withdraw_permission_may_withdraw(self, client):
        """withdraw_correctionnote is the right, not superuser status: staff granted it get
        the action, and the note records them as who withdrew it."""
        staff = user_with(
            "articles.view_correctionnote", "articles.withdraw_correctionnote", is_staff=True
        )
        note = CorrectionNoteFactory()
        client.force_login(staff)

        page = client.get(url(CorrectionNote, "changelist"))
        self.post_action(client, [note], confirm="yes", reason="Issued on the wrong story.")

        assert "withdraw_notes" in offered_actions(page)
        note.refresh_from_db()
        assert (note.withdrawn_by, note.withdrawal_reason) == (staff, "Issued on the wrong story.")


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

    def test_edit_on_a_draft_goes_through_the_service(self, admin_client, admin_user):
        """Changing an attribution on a draft saves it and logs what changed, before and
        after, in the story's log."""
        attribution = AttributionFactory(article=ArticleFactory())
        data = self.data(attribution.article, source=attribution.source_id) | {
            "kind": "paraphrase",
            "text": "balance the books",
        }

        response = admin_client.post(url(Attribution, "change", attribution.pk), data)

        assert response.status_code == 302, response.context and response.context["errors"]
        attribution.refresh_from_db()
        assert (attribution.kind, attribution.text) == ("paraphrase", "balance the books")
        event = ArticleEvent.objects.get(action="attribution.update")
        assert (event.article, event.actor) == (attribution.article, admin_user)
        assert event.data["changes"] == {
            "kind": {"from": "quote", "to": "paraphrase"},
            "text": {"from": "We will balance the books,", "to": "balance the books"},
        }

    def test_an_attribution_stays_on_its_story(self, admin_client):
        """The article is shown, not posted, when an attribution is changed."""
        attribution = AttributionFactory(article=ArticleFactory())
        other = ArticleFactory()

        admin_client.post(
            url(Attribution, "change", attribution.pk),
            self.data(other, source=attribution.source_id),
        )

        attribution.refresh_from_db()
        assert attribution.article_id != other.pk

    def test_delete_on_a_draft_goes_through_the_service(self, admin_client, admin_user):
        """Removing an attribution from a draft is logged with the words it tied."""
        attribution = AttributionFactory(article=ArticleFactory())

        response = admin_client.post(url(Attribution, "delete", attribution.pk), {"post": "yes"})

        assert response.status_code == 302
        assert not Attribution.objects.exists()
        event = ArticleEvent.objects.get(action="attribution.delete")
        assert (event.actor, event.data["text"]) == (admin_user, "We will balance the books,")
