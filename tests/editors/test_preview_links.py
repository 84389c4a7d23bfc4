"""Shared preview links are records: who may mint and revoke them, what a link shows as the
story moves (the draft, the live page, 410 once dead), the desk's list of them, and that the
token itself is never stored."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles import permissions, services
from articles.models import ArticleEvent, PreviewLink
from articles.signals import article_changed
from tests.factories import ArticleFactory, PublishedArticleFactory
from tests.helpers import edit_url, user_with

pytestmark = pytest.mark.django_db

HEADLINE = "Harbour wall to be rebuilt"
SECRET_PARAGRAPH = "The council has not yet told the harbour tenants."
BODY = [
    ("paragraph", SECRET_PARAGRAPH),
    ("paragraph", "Work would start in the spring."),
]


@pytest.fixture
def draft(reporter):
    return ArticleFactory(created_by=reporter, headline=HEADLINE, blocks=BODY)


def _share_url(article) -> str:
    return reverse("editors:preview_link_create", kwargs={"pk": article.pk})


def _revoke_url(link) -> str:
    return reverse(
        "editors:preview_link_revoke", kwargs={"pk": link.article_id, "link_id": link.pk}
    )


def _token_from(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[-1]


def _mint(client, user, article) -> str:
    """Mint a link through the desk as ``user``; returns its URL (shown only then)."""
    client.force_login(user)
    response = client.post(_share_url(article))
    assert response.status_code == 200, response
    return response.context["url"]


class TestMinting:
    def test_reporter_mints_a_link_for_their_own_draft_and_it_is_logged(
        self, client, reporter, draft, django_capture_on_commit_callbacks
    ):
        """A reporter's link for their own draft is a record, shown once, and an internal event."""
        sent = []

        def listener(**kwargs):
            sent.append(kwargs)

        article_changed.connect(listener)
        try:
            with django_capture_on_commit_callbacks(execute=True):
                client.force_login(reporter)
                response = client.post(_share_url(draft))
        finally:
            article_changed.disconnect(listener)

        assert response.status_code == 200
        assert response["Cache-Control"] == "private, no-store"
        link = PreviewLink.objects.get()
        assert link.article == draft
        assert link.created_by == reporter
        assert link.expires_at - link.created_at == timedelta(days=7)
        page = response.content.decode()
        assert f'value="{response.context["url"]}"' in page
        assert "shown only now" in page
        assert "anyone you give the link to" in page
        assert link.expires_at.strftime("%-d %B %Y") in page
        event = ArticleEvent.objects.get(article=draft, action="preview.create")
        assert event.actor == reporter
        assert event.data == {"link": link.pk, "expires_at": link.expires_at.isoformat()}
        # Internal: the page cache and the search index are not told readers saw a change.
        assert [s["public"] for s in sent if s["action"] == "preview.create"] == [False]

    def test_copy_editor_cannot_mint_a_link_for_another_reporters_draft(
        self, client, copy_editor, draft
    ):
        """A copy editor can open the story but not share it: refused, and no link row."""
        client.force_login(copy_editor)
        assert client.get(edit_url(draft)).status_code == 200

        response = client.post(_share_url(draft), follow=True)

        assert PreviewLink.objects.count() == 0
        assert not ArticleEvent.objects.filter(action="preview.create").exists()
        assert "You may not share a preview of this story." in response.content.decode()
        with pytest.raises(PermissionDenied):
            services.preview_link_create(article=draft, actor=copy_editor)
        assert PreviewLink.objects.count() == 0

    def test_another_reporter_cannot_mint_one(self, client, other_reporter, draft):
        """A reporter cannot share a colleague's draft (the desk does not even show it)."""
        client.force_login(other_reporter)
        assert client.post(_share_url(draft)).status_code == 404
        with pytest.raises(PermissionDenied):
            services.preview_link_create(article=draft, actor=other_reporter)
        assert PreviewLink.objects.count() == 0

    def test_editor_mints_a_link_for_anyones_draft(self, client, editor, draft):
        """An editor may share any reporter's draft."""
        url = _mint(client, editor, draft)
        assert PreviewLink.objects.get().created_by == editor
        assert url.startswith("http://testserver/preview/")

    def test_share_preview_permission_is_needed_even_for_own_work(self, reporter):
        """Owning the story is not enough without ``share_preview``."""
        user = user_with("articles.use_desk", "articles.add_article")
        article = ArticleFactory(created_by=user)
        assert permissions.is_own(user, article)
        assert not permissions.can_share_preview(user, article)
        with pytest.raises(PermissionDenied):
            services.preview_link_create(article=article, actor=user)

    def test_a_story_readers_can_read_cannot_be_shared(self, editor):
        """A published story has its own page: no preview link for it."""
        live = PublishedArticleFactory(created_by=editor)
        assert not permissions.can_share_preview(editor, live)
        with pytest.raises(PermissionDenied, match="readers cannot read yet"):
            services.preview_link_create(article=live, actor=editor)
        assert PreviewLink.objects.count() == 0

    def test_the_raw_token_is_not_stored(self, client, reporter, draft):
        """Only the token's SHA-256 is kept: not on the link, not in the audit log."""
        token = _token_from(_mint(client, reporter, draft))
        link = PreviewLink.objects.get()

        assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
        stored = [str(getattr(link, f.attname)) for f in PreviewLink._meta.concrete_fields]
        assert not any(token in value for value in stored)
        for event in ArticleEvent.objects.filter(article=draft):
            assert token not in str(event.data) and token not in event.message
        # A second link gets a different token.
        second = _token_from(_mint(client, reporter, draft))
        assert second != token and PreviewLink.objects.count() == 2


class TestWhatALinkShows:
    def test_the_link_shows_the_draft_to_an_anonymous_visitor(self, client, reporter, draft):
        """Anyone with the link reads the draft, not indexed and not cached."""
        url = _mint(client, reporter, draft)

        response = Client().get(url)

        assert response.status_code == 200
        assert "noindex" in response["X-Robots-Tag"]
        assert response["Cache-Control"] == "private, no-store"
        page = response.content.decode()
        assert HEADLINE in page
        assert SECRET_PARAGRAPH in page

    def test_a_garbage_token_is_not_found(self, client, reporter, draft):
        """A token no link has is a 404, as is a link's token with a character changed."""
        url = _mint(client, reporter, draft)
        token = _token_from(url)
        tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
        visitor = Client()
        for bad in ("not-a-token", tampered, "x" * 500):
            response = visitor.get(reverse("preview", kwargs={"token": bad}))
            assert response.status_code == 404, bad
            assert SECRET_PARAGRAPH not in response.content.decode()

    def test_an_expired_link_is_gone(self, client, reporter, draft):
        """After its lifetime a link answers 410 with the reason."""
        url = _mint(client, reporter, draft)
        PreviewLink.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

        response = Client().get(url)

        assert response.status_code == 410
        page = response.content.decode()
        assert "This preview link has expired." in page
        assert SECRET_PARAGRAPH not in page
        assert response["Cache-Control"] == "private, no-store"

    def test_once_published_the_link_sends_readers_to_the_live_page(
        self, client, reporter, editor, draft
    ):
        """When the story goes out, the link redirects to its public URL."""
        url = _mint(client, reporter, draft)
        services.article_publish(article=draft, actor=editor)

        response = Client().get(url)

        assert response.status_code == 302
        assert response["Location"] == draft.get_absolute_url()
        assert response["Cache-Control"] == "private, no-store"

    @pytest.mark.parametrize("takedown", ["unpublish", "retract"])
    def test_once_taken_down_the_link_is_gone_and_never_shows_the_body(
        self, client, reporter, editor, draft, takedown
    ):
        """After an unpublish (410 for readers) or a retraction, the link is dead: 410."""
        url = _mint(client, reporter, draft)
        services.article_publish(article=draft, actor=editor)
        getattr(services, f"article_{takedown}")(article=draft, actor=editor, comment="Legal")

        response = Client().get(url)

        assert response.status_code == 410
        page = response.content.decode()
        assert "This story is no longer available." in page
        assert SECRET_PARAGRAPH not in page
        assert HEADLINE not in page


class TestDeskList:
    def test_the_link_is_listed_with_its_creator_and_expiry(self, client, reporter, draft):
        """The story's desk page lists each link: who made it and until when it works."""
        _mint(client, reporter, draft)
        link = PreviewLink.objects.get()

        page = client.get(edit_url(draft)).content.decode()

        panel = page[page.index('id="preview-links"') :]
        panel = panel[: panel.index("</section>")]
        assert "Made by <strong>rita</strong>" in panel
        assert f'datetime="{link.expires_at:%Y-%m-%dT%H:%M:%S%z}"' in panel
        assert "Works until" in panel
        assert _revoke_url(link) in panel
        assert "Share a preview link" in panel

    def test_share_button_only_for_those_who_may_share(self, client, copy_editor, draft):
        """A copy editor sees the links but no Share button and no Revoke button."""
        link, _token = services.preview_link_create(article=draft, actor=draft.created_by)
        client.force_login(copy_editor)

        page = client.get(edit_url(draft)).content.decode()

        assert "Preview links" in page
        assert "Made by <strong>rita</strong>" in page
        assert "Share a preview link" not in page
        assert _share_url(draft) not in page
        assert _revoke_url(link) not in page

    def test_no_share_button_once_published(self, client, editor):
        """A published story with no links shows no preview-links panel at all."""
        live = PublishedArticleFactory(created_by=editor)
        client.force_login(editor)
        page = client.get(edit_url(live)).content.decode()
        assert "Share a preview link" not in page
        assert 'id="preview-links"' not in page

    def test_revoked_and_expired_links_say_so(self, client, reporter, editor, draft):
        """A revoked link names who revoked it; an expired one says it expired; neither
        offers Revoke."""
        revoked, _ = services.preview_link_create(article=draft, actor=reporter)
        services.preview_link_revoke(link=revoked, actor=editor)
        expired, _ = services.preview_link_create(article=draft, actor=reporter)
        PreviewLink.objects.filter(pk=expired.pk).update(expires_at=timezone.now())
        client.force_login(reporter)

        page = client.get(edit_url(draft)).content.decode()

        assert "Revoked</span>\n          by ed," in page
        assert "Expired</span>" in page
        assert _revoke_url(revoked) not in page
        assert _revoke_url(expired) not in page

    def test_the_list_costs_the_same_queries_however_many_links(
        self, client, reporter, editor, draft, django_assert_num_queries
    ):
        """One query lists the links with their creators and revokers, for 1 link or 6."""
        services.preview_link_create(article=draft, actor=reporter)
        client.force_login(reporter)
        client.get(edit_url(draft))
        with CaptureQueriesContext(connection) as one:
            client.get(edit_url(draft))

        for _ in range(4):
            services.preview_link_create(article=draft, actor=editor)
        services.preview_link_revoke(link=PreviewLink.objects.first(), actor=editor)

        with django_assert_num_queries(len(one.captured_queries)):
            response = client.get(edit_url(draft))
        assert len(response.context["preview_links"]["links"]) == 5


class TestRevoking:
    def test_revoking_makes_the_link_answer_gone(self, client, reporter, draft):
        """The creator revokes the link from the desk; it answers 410 and the log says who."""
        url = _mint(client, reporter, draft)
        link = PreviewLink.objects.get()

        response = client.post(_revoke_url(link), follow=True)

        assert "Preview link revoked" in response.content.decode()
        link.refresh_from_db()
        assert link.revoked_at is not None and link.revoked_by == reporter
        event = ArticleEvent.objects.get(article=draft, action="preview.revoke")
        assert event.actor == reporter and event.data == {"link": link.pk}
        gone = Client().get(url)
        assert gone.status_code == 410
        assert "This preview link was revoked." in gone.content.decode()
        assert SECRET_PARAGRAPH not in gone.content.decode()

    def test_revoking_twice_is_refused(self, reporter, draft):
        """A revoked link cannot be revoked again (the first revocation stands)."""
        link, _ = services.preview_link_create(article=draft, actor=reporter)
        services.preview_link_revoke(link=link, actor=reporter)
        first = PreviewLink.objects.get().revoked_at
        with pytest.raises(ValidationError):
            services.preview_link_revoke(link=link, actor=reporter)
        assert PreviewLink.objects.get().revoked_at == first
        assert ArticleEvent.objects.filter(action="preview.revoke").count() == 1

    def test_an_editor_may_revoke_anyones_link(self, client, reporter, editor, draft):
        """``edit_any_article`` lets an editor revoke a reporter's link."""
        link, _ = services.preview_link_create(article=draft, actor=reporter)
        client.force_login(editor)
        client.post(_revoke_url(link))
        assert PreviewLink.objects.get().revoked_by == editor

    def test_someone_who_did_not_make_it_cannot_revoke_it(
        self, client, reporter, copy_editor, other_reporter, draft
    ):
        """Without being its creator or holding edit_any_article, revoking is refused."""
        link, token = services.preview_link_create(article=draft, actor=reporter)
        assert not permissions.can_revoke_preview(copy_editor, link)
        client.force_login(copy_editor)

        response = client.post(_revoke_url(link), follow=True)

        assert "You may not revoke this preview link." in response.content.decode()
        with pytest.raises(PermissionDenied):
            services.preview_link_revoke(link=link, actor=other_reporter)
        link.refresh_from_db()
        assert link.revoked_at is None
        assert not ArticleEvent.objects.filter(action="preview.revoke").exists()
        assert Client().get(reverse("preview", kwargs={"token": token})).status_code == 200

    def test_revoke_needs_a_post_and_the_links_own_story(self, client, reporter, draft):
        """GET does nothing, and a link is revoked only under its own story's URL."""
        link, _ = services.preview_link_create(article=draft, actor=reporter)
        other = ArticleFactory(created_by=reporter)
        client.force_login(reporter)
        assert client.get(_revoke_url(link)).status_code == 405
        wrong = reverse("editors:preview_link_revoke", kwargs={"pk": other.pk, "link_id": link.pk})
        assert client.post(wrong).status_code == 404
        assert PreviewLink.objects.get().revoked_at is None
