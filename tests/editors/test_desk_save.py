"""Saving from the desk editor: the page says what the save did, the article form is a
plain form that never changes the story it shows, and held-back stories are flagged."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from articles import services
from articles.models import Article, CorrectionNote
from tests.editors.test_editor_form import form_data, set_block
from tests.factories import ArticleFactory, PublishedArticleFactory, image_upload
from tests.helpers import edit_url

pytestmark = pytest.mark.django_db

Status = Article.Status


@pytest.fixture
def draft(reporter):
    article = ArticleFactory(created_by=reporter, headline="Harbour wall to be rebuilt")
    services.revision_create(article=article, actor=None)
    return article


@pytest.fixture
def live(db):
    article = PublishedArticleFactory(headline="Ferry strike ends")
    services.revision_create(article=article, actor=None)
    return article


def post(client, article, data):
    return client.post(edit_url(article), data, follow=True)


def said(page: str) -> list[str]:
    """The desk messages on ``page``, as text."""
    return re.findall(r'<div class="alert alert-\w+" role="(?:status|alert)">([^<]*)</div>', page)


class TestWhatTheSaveSays:
    def test_an_unchanged_save_says_so(self, client, reporter, draft):
        """Saving without a change says "No changes to save.", not "Saved."."""
        client.force_login(reporter)

        page = post(client, draft, form_data(client.get(edit_url(draft)))).content.decode()

        assert "No changes to save." in page
        assert "Saved." not in page
        assert draft.revisions.count() == 1

    def test_a_draft_edit_says_saved(self, client, reporter, draft):
        """A change to a draft says "Saved."."""
        client.force_login(reporter)
        data = form_data(client.get(edit_url(draft)))
        data["headline"] = ["Harbour wall rebuilt"]

        assert "Saved." in post(client, draft, data).content.decode()

    def test_an_unchanged_live_story_publishes_no_correction(self, client, editor, live):
        """An editor saving a live story unchanged is told nothing changed; no note."""
        client.force_login(editor)
        data = form_data(client.get(edit_url(live)))

        page = post(client, live, data).content.decode()

        assert "No changes to save." in page
        assert "published." not in page
        assert not CorrectionNote.objects.filter(article=live).exists()

    def test_a_note_is_announced_by_its_kind(self, client, editor, live):
        """A change published with a clarification says so, and where its note points."""
        client.force_login(editor)
        data = form_data(client.get(edit_url(live)))
        set_block(data, 0, "The council met on Wednesday.")
        data.update(
            {
                "correction-choice": ["note"],
                "correction-kind": ["clarification"],
                "correction-text": ["An earlier version gave the wrong day."],
            }
        )

        page = post(client, live, data).content.decode()

        assert "Clarification published: note on the story." in page
        assert CorrectionNote.objects.get(article=live).kind == "clarification"

    def test_a_correction_says_which_paragraph_its_note_is_on(self, client, editor, live):
        """A correction with a note on a paragraph names that paragraph."""
        client.force_login(editor)
        data = form_data(client.get(edit_url(live)))
        set_block(data, 0, "The council met on Wednesday.")
        data.update(
            {
                "correction-choice": ["note"],
                "correction-kind": ["correction"],
                "correction-text": ["An earlier version gave the wrong day."],
                "correction-paragraphs": ["1"],
            }
        )

        page = post(client, live, data).content.decode()

        assert "Correction published: note on paragraph 1." in said(page)

    def test_the_review_step_is_a_normal_step(self, client, editor, live):
        """A live story's change without a choice answers 200 with the review step: what
        changed and a drafted note; nothing goes live."""
        client.force_login(editor)
        data = form_data(client.get(edit_url(live)))
        set_block(data, 0, "The council met on Wednesday.")

        response = client.post(edit_url(live), data)

        assert response.status_code == 200
        assert response.context["analysis"] is not None
        assert "This changes published wording" in response.content.decode()
        assert not CorrectionNote.objects.filter(article=live).exists()
        assert live.blocks.first().text != "The council met on Wednesday."

    def test_invalid_correction_input_is_still_a_400(self, client, editor, live):
        """Choosing a public note and writing none is invalid input: 400, nothing saved."""
        client.force_login(editor)
        data = form_data(client.get(edit_url(live)))
        set_block(data, 0, "The council met on Wednesday.")
        data.update({"correction-choice": ["note"], "correction-text": [""]})

        response = client.post(edit_url(live), data)

        assert response.status_code == 400
        assert response.context["correction_form"].errors["text"]
        assert not CorrectionNote.objects.filter(article=live).exists()

    def test_a_non_substantive_change_says_it_was_logged(self, client, editor, live):
        """A typo fixed with a reason says it went live as non-substantive."""
        client.force_login(editor)
        data = form_data(client.get(edit_url(live)))
        data["headline"] = ["Ferry strike is over"]
        data.update({"correction-choice": ["non_substantive"], "correction-reason": ["Typo"]})

        page = post(client, live, data).content.decode()

        assert "Change saved without a public note (non-substantive: Typo)." in page
        assert not [m for m in said(page) if "published" in m.lower()]
        assert not CorrectionNote.objects.filter(article=live).exists()
        live.refresh_from_db()
        assert live.headline == "Ferry strike is over"


class TestPlainArticleForm:
    def test_a_slug_another_story_has_is_a_field_error(self, client, reporter, draft):
        """Choosing a slug another story uses is shown at the slug field (400), not saved."""
        ArticleFactory(slug="taken")
        client.force_login(reporter)
        data = form_data(client.get(edit_url(draft)))
        data["slug"] = ["taken"]

        response = client.post(edit_url(draft), data)

        assert response.status_code == 400
        assert response.context["form"].errors["slug"]
        assert "already exists" in response.content.decode()
        draft.refresh_from_db()
        assert draft.slug != "taken"

    def test_an_empty_slug_keeps_the_stored_one(self, client, reporter, draft):
        """Clearing the slug field keeps the story's slug."""
        client.force_login(reporter)
        data = form_data(client.get(edit_url(draft)))
        slug = draft.slug
        data["slug"] = [""]
        data["headline"] = ["Harbour wall rebuilt"]

        assert client.post(edit_url(draft), data).status_code == 302

        draft.refresh_from_db()
        assert draft.slug == slug

    def test_a_refused_save_shows_the_story_as_stored(self, client, reporter, draft):
        """When the body is refused, the page around the form still shows the stored
        headline: the typed one stays in the form only."""
        client.force_login(reporter)
        data = form_data(client.get(edit_url(draft)))
        data["headline"] = ["A headline that was never saved"]
        set_block(data, 0, "![A photo](body/2020/01/not-this-storys.jpg)")  # not its image

        response = client.post(edit_url(draft), data)

        assert response.status_code == 400
        assert response.context["article"].headline == "Harbour wall to be rebuilt"
        page = response.content.decode()
        assert "<title>Harbour wall to be rebuilt" in page
        assert 'value="A headline that was never saved"' in page

    def test_the_lead_image_is_kept_shown_and_cleared(self, client, editor, settings):
        """The editor shows the current lead image; a save without an upload keeps it and
        ticking Clear removes it."""
        article = ArticleFactory(lead_image_alt="The harbour")
        article.lead_image.save("old.jpg", image_upload("old.jpg"))
        stored = article.lead_image.name
        services.revision_create(article=article, actor=None)
        client.force_login(editor)
        response = client.get(edit_url(article))
        page = response.content.decode()
        assert f'href="{article.lead_image.url}"' in page
        assert 'name="lead_image-clear"' in page

        data = form_data(response)
        data["headline"] = ["Harbour wall rebuilt"]
        assert client.post(edit_url(article), data).status_code == 302
        article.refresh_from_db()
        assert article.lead_image.name == stored

        data = form_data(client.get(edit_url(article)))
        data["lead_image-clear"] = ["on"]
        assert client.post(edit_url(article), data).status_code == 302
        article.refresh_from_db()
        assert not article.lead_image

    def test_a_new_lead_image_replaces_the_old(self, client, editor):
        """Uploading a lead image on edit stores it."""
        article = ArticleFactory()
        services.revision_create(article=article, actor=None)
        client.force_login(editor)
        data = form_data(client.get(edit_url(article)))
        data["lead_image"] = image_upload("new.jpg")
        data["lead_image_alt"] = ["A ferry"]

        assert client.post(edit_url(article), data).status_code == 302

        article.refresh_from_db()
        assert article.lead_image.name.endswith(".jpg")
        assert article.lead_image_alt == "A ferry"

    def test_a_published_storys_slug_is_shown_but_fixed(self, client, editor, live):
        """Once published the slug field is disabled: a forged one is ignored."""
        client.force_login(editor)
        response = client.get(edit_url(live))
        assert response.context["form"].fields["slug"].disabled
        data = form_data(response)
        data["slug"] = ["a-new-url"]
        data["headline"] = ["Ferry strike is over"]
        data.update({"correction-choice": ["non_substantive"], "correction-reason": ["Typo"]})

        assert client.post(edit_url(live), data).status_code == 302

        live.refresh_from_db()
        assert live.slug != "a-new-url"


class TestHeldBack:
    REASON = "1 direct quote(s) have no attribution (paragraph 2: “We will balance”)."

    @pytest.fixture
    def held(self, reporter):
        article = ArticleFactory(
            created_by=reporter,
            status=Status.APPROVED,
            headline="Bridge opens",
            held_reason=self.REASON,
        )
        services.revision_create(article=article, actor=None)
        return article

    def test_editors_see_held_stories_on_the_dashboard(self, client, editor, held):
        """The editor's dashboard lists the story the scheduler held back, with why."""
        client.force_login(editor)

        response = client.get(reverse("editors:dashboard"))

        queues = {q["key"]: q for q in response.context["queues"]}
        assert queues["held-back"]["articles"] == [held]
        page = response.content.decode()
        queue = page[page.index('id="queue-held-back"') :]
        queue = queue[: queue.index("</section>")]
        assert "Held back by the scheduler" in queue
        assert "1 direct quote(s) have no attribution" in queue
        assert edit_url(held) in queue

    def test_reporters_have_no_held_back_queue(self, client, reporter, held):
        """Only those who may publish get the queue (a reporter cannot reschedule)."""
        client.force_login(reporter)

        response = client.get(reverse("editors:dashboard"))

        assert "held-back" not in {q["key"] for q in response.context["queues"]}
        assert 'id="queue-held-back"' not in response.content.decode()

    def test_the_editor_page_warns_with_the_reason(self, client, editor, held):
        """The story's page says it was held back, and why."""
        client.force_login(editor)

        page = client.get(edit_url(held)).content.decode()

        alert = page[page.index('id="held-reason"') :]
        assert "Held back by the scheduler" in alert[:200]
        assert "direct quote(s) have no attribution" in alert[:500]

    def test_stories_not_held_show_no_warning(self, client, editor, draft):
        """No reason, no warning."""
        client.force_login(editor)
        assert 'id="held-reason"' not in client.get(edit_url(draft)).content.decode()
