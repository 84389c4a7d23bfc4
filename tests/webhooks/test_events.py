"""Which changes fire which webhooks, once each: a desk correction fires one signed
``corrected`` delivery carrying the new ninjs version; publishing, unpublishing and
retracting fire their own kinds; nothing reaches a subscriber that did not ask for it."""

from __future__ import annotations

import logging

import pytest
from django.db import transaction
from django.test import RequestFactory

from articles import ninjs, permissions, services
from articles.models import Article
from articles.services import CorrectionChoice, NoteData
from tests.api.helpers import assert_valid_ninjs
from tests.editors.test_editor_form import form_data, set_block
from tests.factories import ArticleFactory, PublishedArticleFactory, article_changes
from tests.helpers import edit_url, user_with_role
from tests.webhooks.conftest import subscribe
from webhooks import events
from webhooks.models import Attempt, Delivery, Kind

pytestmark = pytest.mark.django_db

Status = Article.Status


@pytest.fixture
def live(db) -> Article:
    article = PublishedArticleFactory(headline="Ferry strike ends")
    services.revision_create(article=article, actor=None)
    return article


def version_of(article: Article) -> str:
    loaded = Article.objects.with_syndication_data().get(pk=article.pk)
    return ninjs.document(loaded, request=RequestFactory().get("/"))["version"]


def correct(
    article: Article, actor, *, note: str | None = "An earlier version gave the wrong day."
):
    choice = (
        CorrectionChoice(note=NoteData(kind="correction", text=note))
        if note
        else CorrectionChoice(non_substantive_reason="Typo")
    )
    return services.article_correct(
        article=article,
        actor=actor,
        changes=article_changes(
            article,
            blocks=[
                ("paragraph", "The council met on Wednesday."),
                ("paragraph", "We will balance the books, the mayor said."),
                ("paragraph", "The vote is next week."),
            ],
        ),
        base_revision=services.latest_revision_number(article),
        choice=choice,
    )


class TestDeskCorrection:
    def test_a_desk_correction_fires_one_signed_corrected_webhook(
        self, client, editor, live, partner, receiver, django_capture_on_commit_callbacks
    ):
        """Correcting a live story in the desk, with a note, delivers exactly one
        ``corrected`` webhook: signed with the subscriber's secret, carrying the note and a
        valid ninjs document whose version moved on."""
        before = version_of(live)
        client.force_login(editor)
        data = form_data(client.get(edit_url(live)))
        set_block(data, 0, "The council met on Wednesday.")
        data.update(
            {
                "correction-choice": ["note"],
                "correction-kind": ["correction"],
                "correction-text": ["An earlier version gave the wrong day."],
            }
        )

        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(edit_url(live), data)

        assert response.status_code == 302
        assert len(receiver.received) == 1
        (got,) = receiver.received
        assert got.signed_with(partner.secret)
        assert got.headers["Content-Type"] == "application/json"
        assert got.headers["User-Agent"] == "Newsroom-Webhooks/1"
        assert got.headers["X-Newsroom-Event"] == "corrected"
        payload = got.json
        delivery = Delivery.objects.get()
        assert got.headers["X-Newsroom-Delivery"] == str(delivery.pk) == payload["delivery"]
        assert payload["event"] == "corrected"
        assert payload["version"] == payload["ninjs"]["version"] == version_of(live)
        assert payload["version"] != before
        assert payload["article"] == {
            "id": live.pk,
            "url": f"https://news.example.org{live.get_absolute_url()}",
        }
        assert [n["text"] for n in payload["notes"]] == ["An earlier version gave the wrong day."]
        assert payload["ninjs"]["uri"].startswith("https://news.example.org/")
        assert_valid_ninjs(payload["ninjs"])
        assert got.body == delivery.body.encode()
        assert (delivery.status, delivery.kind, delivery.attempts) == ("delivered", "corrected", 1)
        assert Attempt.objects.get().status_code == 200

    def test_a_non_substantive_fix_is_an_update(
        self, editor, live, partner, receiver, django_capture_on_commit_callbacks
    ):
        """A typo fixed without a note is delivered once, as ``updated``."""
        with django_capture_on_commit_callbacks(execute=True):
            correct(live, editor, note=None)

        assert [r.json["event"] for r in receiver.received] == ["updated"]

    def test_one_delivery_per_subscriber_whatever_the_events(
        self, editor, live, receiver, django_capture_on_commit_callbacks
    ):
        """The correction writes several audit events (the note, the correction); each
        subscriber gets one delivery, the one that subscribed only to updates none."""
        first = subscribe(receiver.url, Kind.CORRECTED, name="One")
        second = subscribe(receiver.url + "?second", Kind.CORRECTED, Kind.UPDATED, name="Two")
        subscribe(receiver.url + "?third", Kind.UPDATED, name="Three")

        with django_capture_on_commit_callbacks(execute=True):
            correct(live, editor)

        assert live.events.filter(action__in=["correction.create", "article.correct"]).count() == 2
        deliveries = Delivery.objects.order_by("subscriber__name")
        assert [(d.subscriber, d.kind) for d in deliveries] == [
            (first, "corrected"),
            (second, "corrected"),
        ]
        assert sorted(r.path for r in receiver.received) == ["/hook", "/hook?second"]

    def test_a_change_that_rolls_back_fires_nothing(
        self, editor, live, partner, receiver, django_capture_on_commit_callbacks
    ):
        with (
            django_capture_on_commit_callbacks(execute=True),
            pytest.raises(ZeroDivisionError),
            transaction.atomic(),
        ):
            correct(live, editor)
            1 / 0  # noqa: B018
        assert not Delivery.objects.exists()
        assert receiver.received == []


class TestKinds:
    def test_publish_unpublish_and_retract(
        self, editor, partner, receiver, django_capture_on_commit_callbacks
    ):
        """Each move readers see fires its kind, once; a retraction's notice is part of the
        retraction (no ``corrected`` with it)."""
        article = ArticleFactory(status=Status.APPROVED)
        other = ArticleFactory(status=Status.APPROVED)
        with django_capture_on_commit_callbacks(execute=True):
            services.article_publish(article=article, actor=editor)
        with django_capture_on_commit_callbacks(execute=True):
            services.article_unpublish(article=article, actor=editor, comment="Legal advice.")
        with django_capture_on_commit_callbacks(execute=True):
            services.article_publish(article=other, actor=editor)
        with django_capture_on_commit_callbacks(execute=True):
            services.article_retract(article=other, actor=editor, comment="We got it wrong.")

        kinds = [(r.json["article"]["id"], r.json["event"]) for r in receiver.received]
        assert kinds == [
            (article.pk, "published"),
            (article.pk, "unpublished"),
            (other.pk, "published"),
            (other.pk, "retracted"),
        ]
        pubstatus = [r.json["ninjs"]["pubstatus"] for r in receiver.received]
        assert pubstatus == ["usable", "withheld", "usable", "canceled"]
        retraction = receiver.received[-1].json
        assert [n["kind"] for n in retraction["notes"]] == ["retraction"]
        for received in receiver.received:
            assert_valid_ninjs(received.json["ninjs"])

    def test_the_schedule_publishing_a_story_is_published(
        self, partner, receiver, django_capture_on_commit_callbacks
    ):
        from datetime import timedelta

        from django.utils import timezone

        from tests.factories import ScheduledArticleFactory

        article = ScheduledArticleFactory(scheduled_at=timezone.now() - timedelta(minutes=1))
        with django_capture_on_commit_callbacks(execute=True):
            services.article_publish_due()

        assert article.events.filter(action="article.publish.scheduled").exists()
        assert [r.json["event"] for r in receiver.received] == ["published"]

    def test_a_withdrawn_note_is_an_update_naming_it_without_its_words(
        self, editor, live, partner, receiver, django_capture_on_commit_callbacks
    ):
        """Withdrawing a note subscribers were sent fires one ``updated`` that names the note
        (id, kind, when) so they can take it down, but no longer carries its words; the
        ninjs in it has dropped the note and says so in ``ednote``."""
        with django_capture_on_commit_callbacks(execute=True):
            correct(live, editor)
        note = live.corrections.get()
        admin = user_with_role("admin")

        with django_capture_on_commit_callbacks(execute=True):
            services.correction_note_withdraw(note=note, actor=admin, reason="Issued in error.")

        assert [r.json["event"] for r in receiver.received] == ["corrected", "updated"]
        update = receiver.received[-1].json
        note.refresh_from_db()
        assert update["withdrawn_notes"] == [
            {"id": note.pk, "kind": "correction", "withdrawn_at": note.withdrawn_at.isoformat()}
        ]
        assert "notes" not in update
        assert note.text not in receiver.received[-1].body.decode()
        assert "associations" not in update["ninjs"]
        assert f"withdrew 1 earlier note (id {note.pk})" in update["ninjs"]["ednote"]
        assert_valid_ninjs(update["ninjs"])

    def test_nothing_for_kinds_not_subscribed_or_inactive_subscribers(
        self, editor, receiver, django_capture_on_commit_callbacks
    ):
        subscribe(receiver.url, Kind.RETRACTED, name="Retractions only")
        subscribe(receiver.url, name="Paused", active=False)
        article = ArticleFactory(status=Status.APPROVED)

        with django_capture_on_commit_callbacks(execute=True):
            services.article_publish(article=article, actor=editor)
            correct(article, editor)

        assert not Delivery.objects.exists()
        assert receiver.received == []

    def test_internal_records_fire_nothing(
        self, reporter, partner, receiver, django_capture_on_commit_callbacks
    ):
        """A draft's edits and review comments reach no subscriber."""
        article = ArticleFactory(created_by=reporter)
        with django_capture_on_commit_callbacks(execute=True):
            services.comment_create(article=article, actor=reporter, text="Check the date.")
            services.article_submit(article=article, actor=reporter)
        assert not Delivery.objects.exists()

    def test_every_workflow_move_is_mapped_or_silent(self):
        """Each move's audit action either fires a kind or is declared silent, never both."""
        moves = {move.event for move in permissions.MOVES.values()}
        assert moves <= set(events.ACTIONS) | events.SILENT
        assert not set(events.ACTIONS) & events.SILENT

    def test_the_same_version_is_not_reported_twice(
        self, editor, live, partner, receiver, django_capture_on_commit_callbacks
    ):
        """A later event that leaves the document as it was (same version) sends nothing."""
        with django_capture_on_commit_callbacks(execute=True):
            correct(live, editor)
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            events.record(article=live, action="attribution.update", data={}, public=True)
        assert Delivery.objects.count() == 1


class TestCost:
    def test_one_query_without_subscribers(self, live, django_assert_max_num_queries):
        """With no subscriber wanting the kind, an event costs one query; a silent one none."""
        subscribe("http://127.0.0.1:9/", Kind.RETRACTED)
        with django_assert_max_num_queries(1):
            events.record(article=live, action="article.publish", data={}, public=True)
        with django_assert_max_num_queries(0):
            events.record(article=live, action="comment.create", data={}, public=False)
            events.record(article=live, action="article.approve", data={}, public=True)

    def test_a_failure_here_never_fails_the_editors_write(
        self,
        editor,
        live,
        partner,
        receiver,
        monkeypatch,
        caplog,
        django_capture_on_commit_callbacks,
    ):
        def broken(*args, **kwargs):
            raise RuntimeError("boom")

        monkeypatch.setattr(ninjs, "document", broken)
        with django_capture_on_commit_callbacks(execute=True):
            corrected = correct(live, editor)

        assert corrected.corrections.count() == 1
        assert not Delivery.objects.exists()
        assert "Could not record the webhooks" in caplog.text
        assert any(r.levelno == logging.ERROR for r in caplog.records)


def test_an_editor_role_has_no_webhook_permissions(db):
    """Desk roles never manage subscribers."""
    editor = user_with_role("editor")
    assert not any(p.startswith("webhooks.") for p in editor.get_all_permissions())
