"""Mail: who gets one (their choice, else the kind's default), what it says, and that it goes
once, through the job queue, whatever retries or outages happen."""

from __future__ import annotations

import pytest
from django.core import mail

from articles import services
from articles.models import Article, ArticleEvent
from notifications import dispatch, kinds
from notifications import mail as notification_mail
from notifications.models import Notification, Preference
from tests.factories import PublishedArticleFactory
from tests.helpers import correct_headline
from tests.notifications.conftest import at, bylined

pytestmark = pytest.mark.django_db
Status = Article.Status


@pytest.fixture
def reporter(reporter):
    reporter.email = "rita@example.org"
    reporter.first_name, reporter.last_name = "Rita", "Reyes"
    reporter.save()
    return reporter


@pytest.fixture
def editor(editor):
    editor.first_name, editor.last_name = "Ed", "Ito"
    editor.email = "ed@example.org"
    editor.save()
    return editor


@pytest.fixture
def site(settings):
    settings.NEWSROOM_WEBHOOKS_SITE_URL = "https://news.example.org"
    settings.SITE_NAME = "The Newsroom"


def request_changes(story, editor, run_on_commit, comment="Source the second quote."):
    at(story, Status.IN_REVIEW)
    with run_on_commit():
        services.article_request_changes(article=story, actor=editor, comment=comment)


class TestWhoGetsMail:
    def test_an_email_kind_sends_exactly_one_mail(
        self, story, reporter, editor, site, run_on_commit
    ):
        """Changes requested is mailed by default: one mail, to the reporter, saying who,
        what, the comment and where."""
        request_changes(story, editor, run_on_commit)

        assert len(mail.outbox) == 1
        message = mail.outbox[0]
        assert message.to == ["rita@example.org"]
        assert message.subject == f"[The Newsroom] Changes requested: {story.headline}"
        assert f"Ed Ito asked for changes to “{story.headline}”." in message.body
        assert "Source the second quote." in message.body
        assert f"https://news.example.org/desk/articles/{story.pk}/" in message.body
        assert "https://news.example.org/desk/notifications/settings/" in message.body
        assert Notification.objects.get().emailed_at is not None

    def test_a_desk_only_kind_sends_no_mail(self, story, reporter, editor, run_on_commit):
        """Approval stays in the desk by default: notified, not mailed."""
        at(story, Status.IN_REVIEW)
        with run_on_commit():
            services.article_approve(article=story, actor=editor)

        assert Notification.objects.filter(recipient=reporter, kind="approved").exists()
        assert mail.outbox == []

    def test_choosing_desk_only_stops_the_mail(self, story, reporter, editor, run_on_commit):
        Preference.objects.create(user=reporter, kind="changes_requested", delivery=kinds.DESK)
        request_changes(story, editor, run_on_commit)

        assert Notification.objects.filter(recipient=reporter).count() == 1
        assert mail.outbox == []

    def test_choosing_email_for_a_desk_kind_sends_it(self, story, reporter, editor, run_on_commit):
        Preference.objects.create(user=reporter, kind="approved", delivery=kinds.EMAIL)
        at(story, Status.IN_REVIEW)
        with run_on_commit():
            services.article_approve(article=story, actor=editor)

        assert [m.subject for m in mail.outbox] == [f"[The Newsroom] Approved: {story.headline}"]

    def test_no_address_means_desk_only(self, story, reporter, editor, run_on_commit):
        """Without an address the notification is in the inbox and nothing is mailed."""
        reporter.email = ""
        reporter.save()
        request_changes(story, editor, run_on_commit)

        notification = Notification.objects.get(recipient=reporter)
        assert notification.email_wanted is False
        assert mail.outbox == []

    def test_each_editor_gets_their_own_mail(
        self, story, reporter, editor, second_editor, run_on_commit
    ):
        """A submission mailed to two editors who asked for it: two mails, one each."""
        second_editor.email = "eve@example.org"
        second_editor.save()
        for person in (editor, second_editor):
            Preference.objects.create(user=person, kind="submitted", delivery=kinds.EMAIL)
        with run_on_commit():
            services.article_submit(article=story, actor=reporter)

        assert sorted(m.to[0] for m in mail.outbox) == ["ed@example.org", "eve@example.org"]


class TestWhatTheMailSays:
    def test_a_correction_mail_carries_the_public_note(self, reporter, editor, site, run_on_commit):
        article = bylined(PublishedArticleFactory(), reporter)
        with run_on_commit():
            correct_headline(
                article, editor, headline="Council votes on the budget", note="We fixed it."
            )

        (message,) = mail.outbox
        assert message.subject == "[The Newsroom] Corrected: Council votes on the budget"
        assert "Correction note:\nWe fixed it." in message.body

    def test_markup_in_a_headline_is_sent_as_typed(self, story, reporter, editor, run_on_commit):
        """Plain text: nothing escaped into entities, no line break in the subject."""
        Article.objects.filter(pk=story.pk).update(headline="Tom & Jerry <b>win</b>\nagain")
        story.refresh_from_db()
        request_changes(story, editor, run_on_commit, comment='Check "quotes" & <tags>')

        (message,) = mail.outbox
        assert message.subject == "[The Newsroom] Changes requested: Tom & Jerry <b>win</b> again"
        assert 'Check "quotes" & <tags>' in message.body
        assert "&amp;" not in message.body


class TestOnce:
    def test_a_retried_dispatch_mails_nobody_twice(self, story, reporter, editor, run_on_commit):
        request_changes(story, editor, run_on_commit)
        event = ArticleEvent.objects.get(action="article.request_changes")

        with run_on_commit():
            dispatch.notify(event_id=event.pk)
            dispatch.on_article_changed(action=event.action, event_id=event.pk)

        assert len(mail.outbox) == 1
        assert Notification.objects.count() == 1

    def test_a_mail_that_fails_waits_for_the_sweep(
        self, story, reporter, editor, monkeypatch, run_on_commit
    ):
        """The mail server refuses: the change stands, the notification is in the inbox, the
        mail stays due, and the sweep sends it once."""
        from django.core.mail import EmailMessage

        real_send = EmailMessage.send

        def refuse(self, fail_silently=False):
            raise ConnectionRefusedError("smtp down")

        monkeypatch.setattr(EmailMessage, "send", refuse)
        request_changes(story, editor, run_on_commit)
        story.refresh_from_db()
        assert story.status == Status.CHANGES_REQUESTED
        notification = Notification.objects.get()
        assert (notification.email_wanted, notification.emailed_at) == (True, None)
        assert mail.outbox == []

        monkeypatch.setattr(EmailMessage, "send", real_send)
        assert notification_mail.sweep() == 1
        assert notification_mail.sweep() == 0
        assert len(mail.outbox) == 1

    def test_the_mail_waits_for_the_sweep_while_the_broker_is_down(
        self, story, reporter, editor, monkeypatch, run_on_commit
    ):
        """With a broker configured but unreachable, no mail is sent in the editor's
        request; the sweep sends it."""
        from newsroom import jobs
        from notifications import tasks

        monkeypatch.setattr(jobs, "is_eager", lambda: False)
        monkeypatch.setattr(jobs, "_broker_down_until", 0.0)

        def unreachable(*args, **kwargs):
            raise ConnectionError("broker down")

        monkeypatch.setattr(tasks.send_mail, "apply_async", unreachable)
        request_changes(story, editor, run_on_commit)

        assert mail.outbox == []
        assert notification_mail.sweep() == 1
        assert len(mail.outbox) == 1

    def test_the_sweep_is_a_periodic_job(self, settings):
        from notifications import tasks

        entries = [
            e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == tasks.sweep.name
        ]
        assert len(entries) == 1
