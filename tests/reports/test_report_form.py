"""The reader's side: a live story links to its report form; the form lists the story's
paragraphs; spam measures refuse robots without losing a person's words."""

from __future__ import annotations

import pytest
from django.core.cache import caches
from django.test import RequestFactory
from django.urls import reverse

from articles import caching
from reports import spam
from reports.models import ErrorReport
from tests.factories import (
    PublishedArticleFactory,
    ScheduledArticleFactory,
    UnpublishedArticleFactory,
)
from tests.reports.helpers import READER, report_url, send, token

pytestmark = pytest.mark.django_db


class TestTheStoryPage:
    def test_the_story_links_to_its_report_form(self, client, story):
        """The story page ends with a "Report an error" link to the story's report form."""
        response = client.get(story.get_absolute_url())

        assert response.status_code == 200
        assert f'href="{report_url(story)}"' in response.text
        assert "Report an error in this story" in response.text

    def test_the_story_page_still_carries_no_form(self, client, story):
        """The cached story page holds no CSRF token: the form lives on its own page."""
        response = client.get(story.get_absolute_url())

        assert "csrfmiddlewaretoken" not in response.text


class TestTheForm:
    def test_the_form_lists_every_paragraph(self, client, story):
        """The chooser offers the headline or whole story, then each numbered paragraph
        by its first words."""
        response = client.get(report_url(story))

        assert response.status_code == 200
        text = response.text
        assert "The headline or the whole story" in text
        assert "Paragraph 1: The council approved the harbour budget on Tuesday" in text
        assert "Paragraph 2: The vote was 7 to 2, the clerk" in text
        assert "Paragraph 3: Work starts in March." in text
        assert 'name="csrfmiddlewaretoken"' in text

    def test_a_paragraph_link_preselects_it(self, client, story):
        """``?p=2`` (from a paragraph) chooses paragraph 2."""
        response = client.get(report_url(story) + "?p=2")

        assert '<option value="2" selected>' in response.text
        assert response.context["form"]["paragraph"].value() == 2

    def test_an_unknown_paragraph_is_not_preselected(self, client, story):
        response = client.get(report_url(story) + "?p=99")

        assert '<option value="" selected>' in response.text

    def test_the_form_costs_two_queries(self, client, story, django_assert_num_queries):
        """The story and its blocks (for the paragraph chooser), however long it is."""
        client.get(report_url(story))  # warm the navigation, which lives in the cache

        with django_assert_num_queries(2):
            client.get(report_url(story))

    def test_the_form_is_never_cached(self, client, story, settings):
        """The form page is marked no-store and the reader page cache keeps no copy."""
        settings.NEWSROOM_PAGE_CACHE = True
        response = client.get(report_url(story))

        assert "no-store" in response["Cache-Control"]
        request = RequestFactory().get(report_url(story))
        assert caches["shared"].get(caching._page_key(request)) is None

    @pytest.mark.parametrize(
        "factory, status",
        [(ScheduledArticleFactory, 404), (UnpublishedArticleFactory, 410)],
        ids=["not-yet-out", "taken-down"],
    )
    def test_unreadable_stories_have_no_form(self, client, factory, status):
        """A story readers cannot read answers as its page does: 404, or 410 when gone."""
        article = factory()

        assert client.get(report_url(article)).status_code == status
        assert client.post(report_url(article), {"text": "x" * 20}).status_code == status
        assert not ErrorReport.objects.exists()

    def test_a_retracted_story_takes_no_reports(self, client, story):
        """A retracted story is read under its notice, but no longer corrected: no link,
        and its report page says so."""
        story.status = story.Status.RETRACTED
        story.save(update_fields=["status"])

        assert "Report an error" not in client.get(story.get_absolute_url()).text
        response = client.get(report_url(story))
        assert response.status_code == 410
        assert "This story is no longer corrected" in response.text

    def test_no_such_story(self, client, db):
        url = reverse("reports:report", kwargs={"slug": "no-such-story"})

        assert client.get(url).status_code == 404


class TestSending:
    def test_a_reader_reports_an_error(self, client, story):
        """A report is stored with its paragraph (and what it said), then the reader gets
        the thank-you page (POST, redirect, GET)."""
        response = send(client, story, email="ana@example.org")

        assert response.status_code == 302
        assert response["Location"] == reverse("reports:thanks", kwargs={"slug": story.slug})
        report = ErrorReport.objects.get()
        assert report.article == story
        assert report.paragraph == 2
        assert report.paragraph_text == "The vote was 7 to 2, the clerk said."
        assert report.text == "The vote was 6 to 3, not 7 to 2: see the minutes."
        assert report.email == "ana@example.org"
        assert report.status == ErrorReport.Status.OPEN
        # A keyed digest of the address, never the address itself.
        assert report.client and READER not in report.client
        thanks = client.get(response["Location"])
        assert "if you left your email, we will write to you" in thanks.text

    def test_the_whole_story(self, client, story):
        """No paragraph chosen: the report concerns the headline or the whole story."""
        send(client, story, paragraph="")

        assert ErrorReport.objects.get().paragraph is None

    def test_the_text_is_required_and_bounded(self, client, story):
        short = send(client, story, text="wrong")
        long = send(client, story, text="x" * 2001)

        assert short.status_code == long.status_code == 400
        assert "at least 10 characters" in short.text
        assert "at most 2000 characters" in long.text
        # Each error is tied to its field for screen readers.
        assert 'aria-describedby="id_text_helptext id_text_error"' in short.text
        assert '<ul class="report-errors" id="id_text_error">' in short.text
        assert not ErrorReport.objects.exists()

    def test_a_bad_email_is_refused_with_the_text_kept(self, client, story):
        response = send(client, story, email="not an address")

        assert response.status_code == 400
        assert "Enter a valid email address." in response.text
        assert "The vote was 6 to 3, not 7 to 2: see the minutes." in response.text
        assert not ErrorReport.objects.exists()


class TestSpam:
    def test_a_filled_honeypot_is_refused_and_nothing_stored(self, client, story):
        response = send(client, story, **{spam.HONEYPOT_FIELD: "http://spam.example"})

        assert response.status_code == 400
        assert "Leave the field “Leave this empty” empty" in response.text
        assert not ErrorReport.objects.exists()

    def test_the_honeypot_is_hidden_from_people(self, client, story):
        """It sits in a wrapper screen readers skip, out of the tab order."""
        text = client.get(report_url(story)).text

        assert '<div class="report-trap" aria-hidden="true">' in text
        assert 'tabindex="-1"' in text and 'autocomplete="off"' in text
        assert "Leave this empty" in text

    def test_too_fast_is_refused_with_the_text_kept(self, client, story):
        """Sent a moment after the form was shown: refused, asking to try again, and the
        reader's words are still in the form."""
        response = send(client, story, started=token(story, seconds_ago=0))

        assert response.status_code == 400
        assert "quicker than we expected from a person" in response.text
        assert "The vote was 6 to 3, not 7 to 2: see the minutes." in response.text
        assert not ErrorReport.objects.exists()

    def test_an_expired_form_asks_to_send_again_and_then_works(self, client, story):
        """A form open for more than a day has expired; the page it answers with carries a
        fresh form that goes through."""
        expired = send(client, story, started=token(story, seconds_ago=2 * 86400))

        assert expired.status_code == 400
        assert "The form expired" in expired.text
        assert "The vote was 6 to 3, not 7 to 2: see the minutes." in expired.text
        fresh = expired.context["token"]
        assert fresh != token(story, seconds_ago=2 * 86400)
        assert not ErrorReport.objects.exists()

    def test_a_token_for_another_story_is_refused(self, client, story):
        other = PublishedArticleFactory()

        response = send(client, story, started=token(other))

        assert response.status_code == 400
        assert not ErrorReport.objects.exists()

    def test_too_many_links_are_refused(self, client, story):
        text = "See https://a.example and https://b.example and www.c.example for proof."

        response = send(client, story, text=text)

        assert response.status_code == 400
        assert "at most 2 links" in response.text
        assert text in response.text
        assert not ErrorReport.objects.exists()

    def test_two_links_are_fine(self, client, story):
        send(client, story, text="The minutes: https://a.example and https://b.example")

        assert ErrorReport.objects.count() == 1

    def test_the_same_report_twice_is_stored_once(self, client, story):
        """A second copy (case and spacing aside) thanks the reader just the same."""
        first = send(client, story)
        second = send(client, story, text="  the vote was 6 to 3,  NOT 7 to 2: see the minutes.")

        assert first.status_code == second.status_code == 302
        assert ErrorReport.objects.count() == 1

    def test_the_rate_limit_answers_429_with_the_text_kept(self, client, story, settings):
        """Over the rate, a client's report is refused (429) and shown again as typed."""
        settings.NEWSROOM_ERROR_REPORT_RATE = "3/h"
        for n in range(3):
            assert send(client, story, text=f"Report number {n} about the vote.").status_code == 302

        over = send(client, story, text="Report number 4 about the vote.")
        elsewhere = send(client, story, address="203.0.113.9", text="From someone else, too.")

        assert over.status_code == 429
        assert "You have sent several reports in a short time" in over.text
        assert "Report number 4 about the vote." in over.text
        assert elsewhere.status_code == 302
        assert ErrorReport.objects.count() == 4
