"""``reports.services``: who may handle a report, the moves it can make, the audit trail,
and a published correction resolving the story's reports and thanking their readers once."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from articles import services as articles
from articles.exceptions import InvalidTransition
from articles.models import ArticleEvent, CorrectionNote
from articles.services import CorrectionChoice, NoteData
from reports import services
from reports.models import ErrorReport
from tests.factories import CorrectionNoteFactory, article_changes

pytestmark = pytest.mark.django_db

Status = ErrorReport.Status


def make_report(article, *, paragraph=2, text="The vote was 6 to 3.", email="") -> ErrorReport:
    return services.report_create(article=article, paragraph=paragraph, text=text, email=email)


def correct(
    article,
    actor,
    *,
    paragraph="The vote was 6 to 3, the clerk said.",
    note="An earlier version gave the wrong vote.",
):
    """Correct paragraph 2 to ``paragraph`` with a public note, as the desk does."""
    changes = article_changes(
        article,
        blocks=[
            ("paragraph", "The council approved the harbour budget on Tuesday night."),
            ("paragraph", paragraph),
            ("paragraph", "Work starts in March."),
        ],
    )
    return articles.article_correct(
        article=article,
        actor=actor,
        changes=changes,
        base_revision=articles.latest_revision_number(article),
        choice=CorrectionChoice(note=NoteData(kind="correction", text=note, paragraphs=[2])),
    )


class TestReportCreate:
    def test_no_such_paragraph(self, story):
        with pytest.raises(ValidationError):
            make_report(story, paragraph=9)
        assert not ErrorReport.objects.exists()

    def test_a_retracted_story_takes_no_reports(self, story):
        story.status = story.Status.RETRACTED
        story.save(update_fields=["status"])

        with pytest.raises(InvalidTransition):
            make_report(story)


class TestReportDismiss:
    def test_an_editor_dismisses_with_a_reason_and_the_story_log_says_so(self, story, editor):
        report = make_report(story)

        services.report_dismiss(report=report, actor=editor, reason="The vote was 7 to 2.")

        report.refresh_from_db()
        assert report.status == Status.DISMISSED
        assert report.dismissed_reason == "The vote was 7 to 2."
        assert report.handled_by == editor and report.handled_at is not None
        event = ArticleEvent.objects.get(article=story, action="report.dismiss")
        assert event.actor == editor
        assert event.data == {"report": report.pk, "reason": "The vote was 7 to 2."}

    def test_a_reason_is_required(self, story, editor):
        report = make_report(story)

        with pytest.raises(ValidationError):
            services.report_dismiss(report=report, actor=editor, reason="  ")
        report.refresh_from_db()
        assert report.status == Status.OPEN
        assert not ArticleEvent.objects.filter(action="report.dismiss").exists()

    def test_a_reporter_may_not(self, story, reporter):
        report = make_report(story)

        with pytest.raises(PermissionDenied):
            services.report_dismiss(report=report, actor=reporter, reason="No.")
        report.refresh_from_db()
        assert report.status == Status.OPEN

    def test_a_dismissed_report_stays_dismissed(self, story, editor):
        report = make_report(story)
        services.report_dismiss(report=report, actor=editor, reason="Accurate.")

        with pytest.raises(InvalidTransition):
            services.report_dismiss(report=report, actor=editor, reason="Again.")
        with pytest.raises(InvalidTransition):
            services.report_accept(report=report, actor=editor)


class TestReportAccept:
    def test_an_editor_turns_it_into_a_correction(self, story, editor):
        report = make_report(story)

        services.report_accept(report=report, actor=editor)

        report.refresh_from_db()
        assert report.status == Status.ACCEPTED
        assert report.get_status_display() == "Being corrected"
        event = ArticleEvent.objects.get(article=story, action="report.accept")
        assert event.actor == editor and event.data["report"] == report.pk

    def test_accepting_twice_changes_nothing(self, story, editor):
        report = make_report(story)
        services.report_accept(report=report, actor=editor)

        services.report_accept(report=report, actor=editor)

        assert ArticleEvent.objects.filter(action="report.accept").count() == 1

    def test_a_reporter_may_not(self, story, reporter):
        report = make_report(story)

        with pytest.raises(PermissionDenied):
            services.report_accept(report=report, actor=reporter)


class TestResolution:
    def test_a_published_correction_resolves_and_thanks_once(
        self, story, editor, mailoutbox, django_capture_on_commit_callbacks
    ):
        """Publishing a correction marks the story's reports being corrected as corrected,
        links the note, and mails each reader who left an address exactly once."""
        thanked = make_report(story, email="ana@example.org")
        silent = make_report(story, text="Another report, without an email.")
        untouched = make_report(story, text="Still open: nobody accepted this one.")
        for report in (thanked, silent):
            services.report_accept(report=report, actor=editor)

        with django_capture_on_commit_callbacks(execute=True):
            correct(story, editor)

        note = CorrectionNote.objects.get(article=story)
        for report in (thanked, silent, untouched):
            report.refresh_from_db()
        assert (thanked.status, thanked.note) == (Status.CORRECTED, note)
        assert (silent.status, silent.note) == (Status.CORRECTED, note)
        assert untouched.status == Status.OPEN and untouched.note is None
        assert len(mailoutbox) == 1
        mail = mailoutbox[0]
        assert mail.to == ["ana@example.org"]
        assert "Council approves the harbour budget" in mail.subject
        assert "An earlier version gave the wrong vote." in mail.body
        assert f"{story.get_absolute_url()}#correction-{note.pk}" in mail.body
        assert thanked.thanked_at is not None and silent.thanked_at is None
        resolved = ArticleEvent.objects.get(article=story, action="report.resolve")
        assert sorted(resolved.data["reports"]) == sorted([thanked.pk, silent.pk])

        # A later correction of the same story thanks nobody again.
        with django_capture_on_commit_callbacks(execute=True):
            correct(
                story.__class__.objects.get(pk=story.pk),
                editor,
                paragraph="The vote was 6 to 3, the town clerk said.",
                note="A second correction.",
            )
        assert CorrectionNote.objects.filter(article=story).count() == 2
        assert len(mailoutbox) == 1

    def test_no_email_no_mail(self, story, editor, mailoutbox, django_capture_on_commit_callbacks):
        report = make_report(story)
        services.report_accept(report=report, actor=editor)

        with django_capture_on_commit_callbacks(execute=True):
            correct(story, editor)

        report.refresh_from_db()
        assert report.status == Status.CORRECTED
        assert mailoutbox == []

    def test_the_thanks_go_out_once_whatever_runs_twice(self, story, editor, mailoutbox):
        report = make_report(story, email="ana@example.org")
        services.report_accept(report=report, actor=editor)
        note = CorrectionNoteFactory(article=story, paragraphs=[2])
        services.reports_resolve_for_note(note=note)

        assert services.report_thank(report_id=report.pk) is True
        assert services.report_thank(report_id=report.pk) is False
        assert len(mailoutbox) == 1

    def test_a_failing_mail_leaves_the_correction_alone_and_can_be_retried(
        self, story, editor, mailoutbox, monkeypatch, django_capture_on_commit_callbacks
    ):
        """The editor's correction goes through when the mail server is down; the report
        is corrected, not yet thanked, and the job can run again."""
        report = make_report(story, email="ana@example.org")
        services.report_accept(report=report, actor=editor)

        def down(*args, **kwargs):
            raise ConnectionRefusedError("mail server down")

        monkeypatch.setattr(services, "send_mail", down)
        with django_capture_on_commit_callbacks(execute=True):
            corrected = correct(story, editor)

        assert corrected.corrections.count() == 1
        report.refresh_from_db()
        assert report.status == Status.CORRECTED and report.thanked_at is None
        monkeypatch.undo()
        assert services.report_thank(report_id=report.pk) is True
        assert len(mailoutbox) == 1
