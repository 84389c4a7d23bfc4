"""The desk's queue of readers' error reports: only for those who correct stories, newest
first, a fixed number of queries; dismissing needs a reason; turning a report into a
correction opens the story's correction fields prefilled from it."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import ArticleEvent
from reports import services
from reports.models import ErrorReport
from tests.factories import PublishedArticleFactory
from tests.helpers import edit_url

pytestmark = pytest.mark.django_db

Status = ErrorReport.Status
QUEUE = reverse("editors:report_list")


def make_report(article, **fields) -> ErrorReport:
    values = {"paragraph": 2, "text": "The vote was 6 to 3, not 7 to 2.", **fields}
    return services.report_create(article=article, **values)


class TestAccess:
    def test_a_reporter_gets_403(self, client, reporter, story):
        make_report(story)
        client.force_login(reporter)

        assert client.get(QUEUE).status_code == 403

    def test_anonymous_goes_to_log_in(self, client, story):
        response = client.get(QUEUE)

        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))

    def test_a_reporter_may_not_act_either(self, client, reporter, story):
        report = make_report(story)
        client.force_login(reporter)

        dismiss = client.post(
            reverse("editors:report_dismiss", args=[report.pk]),
            {f"dismiss-{report.pk}-choice": "accurate"},
        )
        accept = client.post(reverse("editors:report_accept", args=[report.pk]))

        assert dismiss.status_code == accept.status_code == 403
        report.refresh_from_db()
        assert report.status == Status.OPEN

    def test_the_desk_menu_links_the_queue_for_editors_only(self, client, editor, reporter):
        client.force_login(editor)
        assert f'href="{QUEUE}"' in client.get(reverse("editors:dashboard")).text
        client.force_login(reporter)
        assert f'href="{QUEUE}"' not in client.get(reverse("editors:dashboard")).text


class TestTheQueue:
    def test_open_reports_newest_first_with_what_editors_need(self, client, editor, story):
        older = make_report(story, email="ana@example.org")
        ErrorReport.objects.filter(pk=older.pk).update(
            created_at=timezone.now() - timezone.timedelta(hours=2)
        )
        newer = make_report(story, paragraph=None, text="<script>alert('x')</script> headline")
        client.force_login(editor)

        response = client.get(QUEUE)

        assert response.status_code == 200
        assert [r.pk for r in response.context["page"].object_list] == [newer.pk, older.pk]
        text = response.text
        assert f'href="{edit_url(story)}"' in text
        assert "Council approves the harbour budget" in text
        assert f'href="{story.get_absolute_url()}#p2"' in text
        assert "The vote was 7 to 2, the clerk said." in text  # the paragraph, quoted
        assert "The headline or whole story" in text
        assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; headline" in text
        assert "<script>alert" not in text
        assert 'href="mailto:ana@example.org"' in text
        assert "no email left" in text
        assert response.context["waiting"] == 2

    def test_the_tabs_filter_by_status(self, client, editor, story):
        open_report = make_report(story)
        dismissed = make_report(story, text="Nothing wrong at all, really.")
        services.report_dismiss(report=dismissed, actor=editor, reason="Accurate.")
        client.force_login(editor)

        shown = {
            status: [r.pk for r in client.get(QUEUE, {"status": status}).context["page"]]
            for status in ("open", "dismissed", "accepted", "corrected")
        }

        assert shown == {
            "open": [open_report.pk],
            "dismissed": [dismissed.pk],
            "accepted": [],
            "corrected": [],
        }

    @pytest.mark.parametrize("n", [1, 10])
    def test_the_queue_costs_the_same_however_many_reports(
        self, client, editor, django_assert_num_queries, n
    ):
        """Session, user and two permission queries (every desk page), the menu's inbox
        badge, the open count and the page of reports with their stories: 7, for one
        report or ten, each on its own story."""
        for i in range(n):
            make_report(PublishedArticleFactory(), text=f"Report {i}: something is off.")
        client.force_login(editor)
        client.get(QUEUE)

        with django_assert_num_queries(7):
            response = client.get(QUEUE)

        assert len(response.context["page"].object_list) == n

    def test_it_pages_without_counting(self, client, editor, story, monkeypatch):
        from editors.views import reports as views

        monkeypatch.setattr(views, "PAGE_SIZE", 2)
        reports = [make_report(story, text=f"Report {i}: something is off.") for i in range(3)]
        client.force_login(editor)

        first = client.get(QUEUE)
        second = client.get(QUEUE + first.context["page"].older_url)

        shown = [r.pk for r in first.context["page"]] + [r.pk for r in second.context["page"]]
        assert sorted(shown) == sorted(r.pk for r in reports)
        assert not second.context["page"].has_older


class TestDismiss:
    def test_dismiss_needs_a_reason(self, client, editor, story):
        report = make_report(story)
        client.force_login(editor)

        response = client.post(
            reverse("editors:report_dismiss", args=[report.pk]), {"back": "open"}, follow=True
        )

        report.refresh_from_db()
        assert report.status == Status.OPEN
        assert "was not dismissed" in response.text
        assert not ArticleEvent.objects.filter(action="report.dismiss").exists()

    def test_other_needs_words(self, client, editor, story):
        report = make_report(story)
        client.force_login(editor)

        client.post(
            reverse("editors:report_dismiss", args=[report.pk]),
            {f"dismiss-{report.pk}-choice": "other", f"dismiss-{report.pk}-detail": ""},
        )

        report.refresh_from_db()
        assert report.status == Status.OPEN

    def test_dismissed_with_a_reason_and_logged(self, client, editor, story):
        report = make_report(story)
        client.force_login(editor)

        response = client.post(
            reverse("editors:report_dismiss", args=[report.pk]),
            {
                f"dismiss-{report.pk}-choice": "accurate",
                f"dismiss-{report.pk}-detail": "The minutes say 7 to 2.",
                "back": "open",
            },
        )

        assert response.status_code == 302
        assert response["Location"] == QUEUE + "?status=open"
        report.refresh_from_db()
        assert report.status == Status.DISMISSED
        reason = "The story is accurate as published. The minutes say 7 to 2."
        assert report.dismissed_reason == reason
        event = ArticleEvent.objects.get(article=story, action="report.dismiss")
        assert (event.actor, event.message) == (editor, reason)


class TestTurnIntoACorrection:
    def test_it_opens_the_prefilled_correction(self, client, editor, story):
        """The report is being corrected; the story's desk page shows it above the note
        fields, which name its paragraph and begin the note."""
        report = make_report(story)
        client.force_login(editor)

        response = client.post(reverse("editors:report_accept", args=[report.pk]))

        assert response.status_code == 302
        assert response["Location"] == f"{edit_url(story)}?report={report.pk}#correction"
        report.refresh_from_db()
        assert report.status == Status.ACCEPTED
        assert ArticleEvent.objects.filter(article=story, action="report.accept").exists()

        page = client.get(response["Location"])
        assert page.status_code == 200
        text = page.text
        assert "Reader’s report" in text
        assert "The vote was 6 to 3, not 7 to 2." in text
        assert "The vote was 7 to 2, the clerk said." in text
        form = page.context["correction_form"]
        assert form["paragraphs"].value() == "2"
        assert form["text"].value().startswith("An earlier version of this story")
        assert text.index("Reader’s report") < text.index('name="correction-text"')

    def test_a_report_of_another_story_prefills_nothing(self, client, editor, story):
        report = make_report(story)
        other = PublishedArticleFactory()
        client.force_login(editor)

        page = client.get(f"{edit_url(other)}?report={report.pk}")

        assert "Reader’s report" not in page.text
        assert page.context["reader_report"] is None

    def test_the_queue_then_continues_the_correction(self, client, editor, story):
        report = make_report(story)
        services.report_accept(report=report, actor=editor)
        client.force_login(editor)

        response = client.get(QUEUE, {"status": "accepted"})

        assert f'href="{edit_url(story)}?report={report.pk}#correction"' in response.text


class TestDashboard:
    def test_editors_see_the_reports_waiting(self, client, editor, story):
        make_report(story)
        make_report(story, text="A second report, also open.")
        client.force_login(editor)

        response = client.get(reverse("editors:dashboard"))

        assert response.context["error_reports_waiting"] == 2
        assert "Error reports waiting: <strong>2</strong>" in response.text

    def test_reporters_do_not(self, client, reporter, story):
        make_report(story)
        client.force_login(reporter)

        response = client.get(reverse("editors:dashboard"))

        assert response.context["error_reports_waiting"] is None
        assert "Error reports waiting" not in response.text
