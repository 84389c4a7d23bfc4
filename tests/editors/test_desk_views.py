"""The desk's pages: who may open them, the workflow buttons and confirmations, revision
history, previews and the dashboard's query budget."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from articles import body, services
from articles.models import Article, ArticleEvent, ReviewComment
from tests.factories import (
    ArticleFactory,
    AttributionFactory,
    CorrectionNoteFactory,
    PublishedArticleFactory,
    UserFactory,
)
from tests.helpers import edit_url

Status = Article.Status


BODY = [
    ("paragraph", "The council met on Tuesday."),
    ("paragraph", "The mayor said the books would balance."),
    ("paragraph", "The vote is next week."),
]


@pytest.fixture
def draft(reporter):
    article = ArticleFactory(
        created_by=reporter, headline="Harbour wall to be rebuilt", blocks=BODY
    )
    services.revision_create(article=article, actor=None)
    return article


def _desk_urls(article: Article) -> list[str]:
    pk = article.pk
    return [
        reverse("editors:dashboard"),
        reverse("editors:article_list"),
        reverse("editors:article_create"),
        reverse("editors:article_edit", kwargs={"pk": pk}),
        reverse("editors:article_transition", kwargs={"pk": pk, "to": "in_review"}),
        reverse("editors:comment_create", kwargs={"pk": pk}),
        reverse("editors:attribution_pick", kwargs={"pk": pk}),
        reverse("editors:attribution_delete", kwargs={"pk": 1}),
        reverse("editors:revision_list", kwargs={"pk": pk}),
        reverse("editors:revision_compare", kwargs={"pk": pk}) + "?a=1&b=1",
        reverse("editors:revision_restore", kwargs={"pk": pk, "number": 1}),
        reverse("editors:article_preview", kwargs={"pk": pk}),
        reverse("editors:preview_link_create", kwargs={"pk": pk}),
    ]


def _move(article: Article, to: str) -> str:
    return reverse("editors:article_transition", kwargs={"pk": article.pk, "to": to})


@pytest.mark.django_db
class TestAccess:
    @pytest.mark.parametrize("method", ["get", "post"])
    def test_anonymous_users_are_sent_to_log_in(self, client, draft, method):
        """Every desk URL sends a visitor who is not logged in to the login page."""
        for url in _desk_urls(draft):
            response = getattr(client, method)(url)
            assert response.status_code == 302, url
            assert response["Location"].startswith("/accounts/login/?next=/desk/"), url

    @pytest.mark.parametrize("method", ["get", "post"])
    def test_users_without_a_role_are_refused(self, client, draft, method):
        """A logged-in account with no desk role gets 403 everywhere in the desk."""
        client.force_login(UserFactory())
        for url in _desk_urls(draft):
            assert getattr(client, method)(url).status_code == 403, url

    def test_reporter_opens_own_draft(self, client, reporter, draft):
        """A reporter's own draft opens in the editor, with Save."""
        client.force_login(reporter)
        response = client.get(edit_url(draft))
        assert response.status_code == 200
        assert response["Cache-Control"] == "private, no-store"
        page = response.content.decode()
        assert ">Save</button>" in page
        assert "<a href>" not in page  # help text is printed unescaped: it must hold no tags

    def test_editor_opens_any_draft(self, client, editor, draft):
        """An editor opens anyone's draft."""
        client.force_login(editor)
        assert client.get(edit_url(draft)).status_code == 200

    def test_reporter_cannot_open_another_reporters_draft(self, client, other_reporter, draft):
        """Someone else's draft is a 404 for a reporter, never a hint that it exists."""
        client.force_login(other_reporter)
        assert client.get(edit_url(draft)).status_code == 404
        assert client.get(_move(draft, "in_review")).status_code == 404

    def test_reporter_sees_submit_but_not_publish(self, client, reporter, draft):
        """A reporter is offered "Submit for review" and none of the editor's moves."""
        client.force_login(reporter)
        response = client.get(edit_url(draft))
        labels = [move.label for _, move in response.context["moves"]]
        assert labels == ["Submit for review"]
        page = response.content.decode()
        assert "Publish now" not in page
        assert _move(draft, "published") not in page
        assert _move(draft, "in_review") in page

    def test_editor_sees_publish_and_schedule(self, client, editor, draft):
        """An editor is offered publishing and scheduling straight from a draft."""
        client.force_login(editor)
        response = client.get(edit_url(draft))
        labels = [move.label for _, move in response.context["moves"]]
        assert {"Submit for review", "Schedule", "Publish now"} <= set(labels)
        page = response.content.decode()
        assert _move(draft, "published") in page
        assert "Publish now" in page

    def test_new_article_link_only_for_those_who_may_create(self, client, reporter, copy_editor):
        """The navbar's "New article" link appears only with add_article."""
        client.force_login(copy_editor)
        create = reverse("editors:article_create")
        assert f'href="{create}"' not in client.get(reverse("editors:dashboard")).content.decode()
        assert client.get(create).status_code == 403
        client.force_login(reporter)
        assert f'href="{create}"' in client.get(reverse("editors:dashboard")).content.decode()


@pytest.mark.django_db
class TestTransitions:
    def test_reporter_submits_own_draft(self, client, reporter, draft):
        """The confirm page names the step; posting it moves the story and logs an event."""
        client.force_login(reporter)
        page = client.get(_move(draft, "in_review"))
        assert page.status_code == 200
        content = page.content.decode()
        assert "Submit for review" in content
        assert "Harbour wall to be rebuilt" in content

        response = client.post(_move(draft, "in_review"), {"comment": ""})

        assert response.status_code == 302
        assert response["Location"] == edit_url(draft)
        draft.refresh_from_db()
        assert draft.status == Status.IN_REVIEW
        event = ArticleEvent.objects.get(article=draft, action="article.submit")
        assert (event.actor, event.from_status, event.to_status) == (
            reporter,
            Status.DRAFT,
            Status.IN_REVIEW,
        )

    def test_reporter_cannot_publish(self, client, reporter, draft):
        """A reporter's forged publish is refused with 403 and changes nothing."""
        client.force_login(reporter)
        assert client.get(_move(draft, "published")).status_code == 403
        assert client.post(_move(draft, "published")).status_code == 403
        draft.refresh_from_db()
        assert draft.status == Status.DRAFT
        assert not ArticleEvent.objects.filter(article=draft, action="article.publish").exists()

    def test_a_move_that_does_not_exist_is_404(self, client, editor, draft):
        """Unknown or impossible moves are not found."""
        client.force_login(editor)
        assert client.get(_move(draft, "approved")).status_code == 404
        assert client.get(_move(draft, "nonsense")).status_code == 404

    def test_request_changes_needs_a_comment(self, client, reporter, editor, draft):
        """Without a comment the form says why; with one, the reporter reads it."""
        services.article_transition(article=draft, actor=reporter, to=Status.IN_REVIEW)
        client.force_login(editor)

        refused = client.post(_move(draft, "changes_requested"), {"comment": ""})

        assert refused.status_code == 200
        assert refused.context["form"].errors["comment"]
        draft.refresh_from_db()
        assert draft.status == Status.IN_REVIEW

        response = client.post(
            _move(draft, "changes_requested"), {"comment": "Name the second councillor."}
        )

        assert response.status_code == 302
        draft.refresh_from_db()
        assert draft.status == Status.CHANGES_REQUESTED
        client.force_login(reporter)
        page = client.get(edit_url(draft)).content.decode()
        assert "Name the second councillor." in page
        assert ReviewComment.objects.get(article=draft).author == editor

    def test_editor_schedules_for_a_future_time(self, client, editor, draft):
        """Schedule asks for a time; a future one schedules the story."""
        client.force_login(editor)
        page = client.get(_move(draft, "scheduled")).content.decode()
        assert 'type="datetime-local"' in page
        when = timezone.localtime() + timezone.timedelta(hours=3)

        response = client.post(
            _move(draft, "scheduled"), {"at": when.strftime("%Y-%m-%dT%H:%M"), "comment": ""}
        )

        assert response.status_code == 302
        draft.refresh_from_db()
        assert draft.status == Status.SCHEDULED
        assert abs((draft.scheduled_at - when).total_seconds()) < 60

    def test_scheduling_in_the_past_is_refused(self, client, editor, draft):
        """A past time is refused with a message and the story stays a draft."""
        client.force_login(editor)
        when = timezone.localtime() - timezone.timedelta(hours=3)

        response = client.post(_move(draft, "scheduled"), {"at": when.strftime("%Y-%m-%dT%H:%M")})

        assert response.status_code == 200
        assert "Choose a publication time in the future." in response.content.decode()
        draft.refresh_from_db()
        assert draft.status == Status.DRAFT

    def test_editor_publishes_and_readers_see_it(self, client, editor, draft):
        """Publish now puts the story on the public site."""
        client.force_login(editor)

        response = client.post(_move(draft, "published"), {"comment": ""}, follow=True)

        assert "Publish now: done." in response.content.decode()
        draft.refresh_from_db()
        assert draft.status == Status.PUBLISHED
        client.logout()
        public = client.get(draft.get_absolute_url())
        assert public.status_code == 200
        assert "Harbour wall to be rebuilt" in public.content.decode()

    def test_incomplete_story_shows_what_is_missing(self, client, reporter):
        """The editor and the confirm page list what stops a story going to review."""
        article = ArticleFactory(created_by=reporter, bylines=0, blocks=[])
        client.force_login(reporter)
        page = client.get(edit_url(article)).content.decode()
        assert "Before it can go to review or be published:" in page
        assert "It needs at least one paragraph." in page

        response = client.post(_move(article, "in_review"))

        assert response.status_code == 200
        assert "It needs at least one byline." in response.content.decode()
        article.refresh_from_db()
        assert article.status == Status.DRAFT


@pytest.mark.django_db
class TestCommentsAndAttributions:
    def test_comments_are_listed_in_time_order(self, client, reporter, editor, draft):
        """Review comments appear oldest first with their authors."""
        client.force_login(editor)
        client.post(reverse("editors:comment_create", kwargs={"pk": draft.pk}), {"text": "First"})
        client.force_login(reporter)
        response = client.post(
            reverse("editors:comment_create", kwargs={"pk": draft.pk}), {"text": "Second"}
        )
        assert response["Location"] == edit_url(draft) + "#comments"

        page = client.get(edit_url(draft)).content.decode()

        comments = page[page.index('id="comments"') :]
        assert comments.index("First") < comments.index("Second")
        assert "ed</strong>" in comments

    def test_attribution_added_and_removed(self, client, reporter, draft):
        """An attribution is tied to a paragraph and can be removed while editable."""
        client.force_login(reporter)
        url = reverse("editors:attribution_pick", kwargs={"pk": draft.pk})
        client.post(
            url,
            {
                "new_name": "Mayor Jane Roe",
                "new_kind": "person",
                "kind": "quote",
                "text": body.plain_text(draft.blocks.all()[1].text)[:20],
                "paragraph": "2",
            },
        )
        attribution = draft.attributions.get()
        page = client.get(edit_url(draft)).content.decode()
        section = page[page.index('id="attributions"') :]
        assert "Mayor Jane Roe" in section
        assert "¶ 2" in section
        delete = reverse("editors:attribution_delete", kwargs={"pk": attribution.pk})
        assert f'action="{delete}"' in section

        client.post(delete)

        assert not draft.attributions.exists()

    def test_published_attributions_have_no_remove_button(self, client, editor):
        """On a published story attributions are listed without Remove."""
        attribution = AttributionFactory()
        client.force_login(editor)
        page = client.get(edit_url(attribution.article)).content.decode()
        assert attribution.source.name in page
        delete = reverse("editors:attribution_delete", kwargs={"pk": attribution.pk})
        assert delete not in page


@pytest.mark.django_db
class TestRevisions:
    @pytest.fixture
    def edited(self, reporter, draft):
        """Revision 2 changes one word of paragraph 1."""
        blocks = [
            services.BlockData(kind=b.kind, text=b.text.replace("Tuesday", "Wednesday"))
            for b in draft.blocks.all()
        ]
        changes = services.ArticleChanges(
            fields={}, blocks=blocks, authors=[b.author for b in draft.bylines.all()], tags=[]
        )
        services.article_update(
            article=draft, actor=reporter, changes=changes, base_revision=1, message="Fix day"
        )
        return draft

    def test_list_shows_revisions_with_newest_two_chosen(self, client, reporter, edited):
        """Each revision is listed; the compare form defaults to the two newest."""
        client.force_login(reporter)
        response = client.get(reverse("editors:revision_list", kwargs={"pk": edited.pk}))
        page = response.content.decode()
        assert "Fix day" in page
        assert re.search(r'name="a" value="1"[^>]*checked', page)
        assert re.search(r'name="b" value="2"[^>]*checked', page)
        restore = reverse("editors:revision_restore", kwargs={"pk": edited.pk, "number": 1})
        assert f'action="{restore}"' in page

    def test_compare_marks_the_changed_word_and_its_paragraph(self, client, reporter, edited):
        """The compare page shows the changed word as del/ins under the reader's ¶ number."""
        client.force_login(reporter)
        url = reverse("editors:revision_compare", kwargs={"pk": edited.pk}) + "?a=1&b=2"

        page = client.get(url).content.decode()

        changed = re.search(r'<li class="desk-diff-block desk-diff-changed">(.*?)</li>', page, re.S)
        # The word alone: the full stop after it did not change (articles.diffing.tokens).
        assert "<del>Tuesday</del><ins>Wednesday</ins>." in changed.group(1)
        assert "¶ 1</span>" in changed.group(1)
        assert page.count("desk-diff-same") == 2  # paragraphs 2 and 3, shown muted

    def test_restore_makes_a_new_revision_with_the_old_text(self, client, reporter, edited):
        """Restoring revision 1 writes revision 3 with revision 1's words."""
        client.force_login(reporter)
        url = reverse("editors:revision_restore", kwargs={"pk": edited.pk, "number": 1})

        response = client.post(url)

        assert response.status_code == 302
        assert edited.revisions.count() == 3
        assert edited.revisions.first().message == "Restored revision 1"
        assert body.plain_text(edited.blocks.first().text) == "The council met on Tuesday."

    def test_published_story_has_no_restore(self, client, editor, edited):
        """Revisions of a published story can be compared but not restored."""
        services.article_publish(article=edited, actor=editor)
        client.force_login(editor)
        page = client.get(reverse("editors:revision_list", kwargs={"pk": edited.pk}))
        assert "Restore as newest" not in page.content.decode()
        url = reverse("editors:revision_restore", kwargs={"pk": edited.pk, "number": 1})
        client.post(url)
        assert edited.revisions.count() == 3  # created, edited, published: nothing restored


@pytest.mark.django_db
class TestPreview:
    def test_desk_preview(self, client, reporter, draft):
        """The desk preview renders the draft as readers would see it, not indexed."""
        client.force_login(reporter)
        response = client.get(reverse("editors:article_preview", kwargs={"pk": draft.pk}))
        assert response.status_code == 200
        assert "noindex" in response["X-Robots-Tag"]
        assert "Harbour wall to be rebuilt" in response.content.decode()

    def test_shared_preview_link(self, client, reporter, draft):
        """A shared link shows the draft to anyone, not indexed; a tampered one is 404."""
        client.force_login(reporter)
        response = client.post(reverse("editors:preview_link_create", kwargs={"pk": draft.pk}))
        assert response.status_code == 200
        url = response.context["url"]
        assert url.startswith("http://testserver/preview/")
        assert f'value="{url}"' in response.content.decode()
        client.logout()

        shared = client.get(url)

        assert shared.status_code == 200
        assert "noindex" in shared["X-Robots-Tag"]
        assert "Harbour wall to be rebuilt" in shared.content.decode()
        assert client.get(url[:-4] + "xyz/").status_code == 404

    def test_expired_preview_link_is_gone(self, client, reporter, draft):
        """An expired link answers 410 with an explanation."""
        client.force_login(reporter)
        url = client.post(reverse("editors:preview_link_create", kwargs={"pk": draft.pk})).context[
            "url"
        ]
        client.logout()
        draft.preview_links.update(expires_at=timezone.now())

        response = client.get(url)

        assert response.status_code == 410
        assert "This preview link has expired" in response.content.decode()


@pytest.mark.django_db
class TestListsAndDashboard:
    def test_dashboard_shows_queues(self, client, editor, reporter):
        """Queues show their counts, articles and a "See all" link filtered by status."""
        mine = ArticleFactory(created_by=editor, headline="My own draft")
        waiting = ArticleFactory(created_by=reporter, headline="Waiting for review")
        services.article_transition(article=waiting, actor=reporter, to=Status.IN_REVIEW)
        live = PublishedArticleFactory(headline="Already live")
        CorrectionNoteFactory(article=live)
        client.force_login(editor)

        response = client.get(reverse("editors:dashboard"))

        page = response.content.decode()
        queues = {q["key"]: q for q in response.context["queues"]}
        assert queues["my-drafts"]["count"] == 1
        assert queues["awaiting-review"]["count"] == 1
        assert edit_url(mine) in page
        assert edit_url(waiting) in page
        assert live.get_absolute_url() in page
        assert reverse("editors:article_list") + "?status=in_review" in page
        assert "Nothing here right now." in page  # e.g. nothing scheduled
        assert "Correction" in page[page.index("Recent corrections") :]

    def test_dashboard_query_count_does_not_grow(
        self, client, editor, reporter, django_assert_num_queries
    ):
        """The dashboard costs the same number of queries with 20 more articles."""

        def one_of_each():
            ArticleFactory(created_by=editor)
            for status in (Status.IN_REVIEW, Status.CHANGES_REQUESTED, Status.APPROVED):
                ArticleFactory(created_by=reporter, status=status)
            ArticleFactory(status=Status.SCHEDULED, scheduled_at=timezone.now())
            CorrectionNoteFactory(article=PublishedArticleFactory())

        one_of_each()
        client.force_login(editor)
        client.get(reverse("editors:dashboard"))
        # Session, user, the user's and its groups' permissions (4), one aggregate for every
        # count, one list for each of the six queues, recent corrections, the "Waiting for you"
        # card's unread notifications (which the Inbox badge reuses), the readers' error
        # reports waiting (an editor handles them).
        expected = 14
        with django_assert_num_queries(expected):
            client.get(reverse("editors:dashboard"))

        for _ in range(20 // 6 + 1):
            one_of_each()
        client.force_login(editor)
        client.get(reverse("editors:dashboard"))

        with django_assert_num_queries(expected):
            response = client.get(reverse("editors:dashboard"))
        # Nothing is held back here (test_desk_queries.py pins the dashboard with every queue
        # full, that one included).
        counts = {q["key"]: q["count"] for q in response.context["queues"]}
        assert counts.pop("held-back") == 0
        assert set(counts.values()) == {5}

    def test_article_list_filters_by_status_and_headline(self, client, editor):
        """The list filters by status and by words in the headline."""
        ArticleFactory(headline="Ferry timetable changes")
        PublishedArticleFactory(headline="Ferry strike ends")
        client.force_login(editor)

        page = client.get(reverse("editors:article_list"), {"q": "ferry", "status": "published"})

        content = page.content.decode()
        assert "Ferry strike ends" in content
        assert "Ferry timetable changes" not in content

    def test_article_list_paginates(self, client, editor):
        """More than a page of articles shows pagination links that keep the filter."""
        for _ in range(26):
            ArticleFactory()
        client.force_login(editor)
        response = client.get(reverse("editors:article_list"), {"status": "draft"})
        older = response.context["page"].older_url
        assert older.startswith("?status=draft&before=")
        assert older.replace("&", "&amp;") in response.content.decode()
        assert "Page 1 of" not in response.content.decode()  # nothing is counted


@pytest.mark.django_db
def test_the_held_back_queue_shows_only_when_a_story_is_held(client, editor):
    """An empty "held back" queue is noise; a held story puts it first, with its reason."""
    from tests.factories import ArticleFactory

    client.force_login(editor)
    assert 'id="queue-held-back"' not in client.get("/desk/").content.decode()
    ArticleFactory(status="approved", held_reason="It needs at least one byline.")
    page = client.get("/desk/").content.decode()
    assert 'id="queue-held-back"' in page
    assert "It needs at least one byline." in page
