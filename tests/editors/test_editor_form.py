"""The article editor as a browser without JavaScript uses it: read the rendered form, change
it, post it back. Reordering, removing and adding body blocks (moving, deleting and typing
lines in the body's text box), validation errors and two people saving the same revision all
have to work from the plain HTML form."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from articles import body, plaintext, services
from articles.models import Article, ArticleEvent, Revision
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory
from tests.helpers import edit_url


class _FormReader(HTMLParser):
    """Collects what a browser would submit from one form: skips disabled controls (and
    everything in a disabled fieldset), file inputs, buttons, unchecked boxes and anything
    inside ``<template>``."""

    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.in_form = False
        self.found = False
        self.template_depth = 0
        self.fieldsets: list[bool] = []
        self.pairs: list[tuple[str, str]] = []
        self.textarea: tuple[str, list[str]] | None = None
        self.select: dict | None = None
        self.option: dict | None = None

    def _disabled(self, attrs: dict) -> bool:
        return "disabled" in attrs or any(self.fieldsets)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id") == self.form_id:
            self.in_form = self.found = True
            return
        if tag == "template":
            self.template_depth += 1
        if not self.in_form or self.template_depth:
            return
        if tag == "fieldset":
            self.fieldsets.append("disabled" in attrs)
        elif tag == "input":
            kind = attrs.get("type", "text")
            name = attrs.get("name")
            if not name or self._disabled(attrs) or kind in {"file", "submit", "button", "image"}:
                return
            if kind in {"checkbox", "radio"}:
                if "checked" in attrs:
                    self.pairs.append((name, attrs.get("value", "on")))
                return
            self.pairs.append((name, attrs.get("value") or ""))
        elif tag == "textarea" and attrs.get("name") and not self._disabled(attrs):
            self.textarea = (attrs["name"], [])
        elif tag == "select" and attrs.get("name") and not self._disabled(attrs):
            self.select = {"name": attrs["name"], "first": None, "selected": None}
        elif tag == "option" and self.select is not None:
            self.option = {"value": attrs.get("value"), "selected": "selected" in attrs, "text": ""}

    def handle_endtag(self, tag):
        if tag == "template":
            self.template_depth -= 1
        if not self.in_form or self.template_depth:
            return
        if tag == "form":
            self.in_form = False
        elif tag == "fieldset" and self.fieldsets:
            self.fieldsets.pop()
        elif tag == "textarea" and self.textarea:
            name, chunks = self.textarea
            text = "".join(chunks)
            # Browsers drop the one newline that follows <textarea>.
            self.pairs.append((name, text[1:] if text.startswith("\n") else text))
            self.textarea = None
        elif tag == "option" and self.option is not None:
            self._close_option()
        elif tag == "select" and self.select is not None:
            self._close_option()
            chosen = self.select["selected"] or self.select["first"]
            self.pairs.append((self.select["name"], chosen or ""))
            self.select = None

    def _close_option(self):
        if self.option is None:
            return
        value = self.option["value"]
        value = self.option["text"].strip() if value is None else value
        if self.select["first"] is None:
            self.select["first"] = value
        if self.option["selected"]:
            self.select["selected"] = value
        self.option = None

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1].append(data)
        elif self.option is not None:
            self.option["text"] += data


def form_data(response, form_id: str = "article-form") -> dict[str, list[str]]:
    """What submitting the page's form unchanged would send."""
    reader = _FormReader(form_id)
    reader.feed(response.content.decode())
    assert reader.found, f"no form #{form_id} on the page"
    data: dict[str, list[str]] = {}
    for name, value in reader.pairs:
        data.setdefault(name, []).append(value)
    data.pop("csrfmiddlewaretoken", None)
    return data


class _IdCounter(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: list[str] = []
        self.template_depth = 0

    def handle_starttag(self, tag, attrs):
        if tag == "template":
            self.template_depth += 1
        ident = dict(attrs).get("id")
        if ident and not self.template_depth:
            self.ids.append(ident)

    def handle_endtag(self, tag):
        if tag == "template":
            self.template_depth -= 1


def texts(article: Article) -> list[str]:
    return [body.plain_text(b.text) for b in article.blocks.all()]


def parts(data: dict) -> list[str]:
    """The body text box's blocks, as the page filled it in."""
    return data["body"][0].split("\n\n")


def set_parts(data: dict, blocks: list[str]) -> dict:
    data["body"] = ["\n\n".join(blocks)]
    return data


def set_block(data: dict, index: int, text: str) -> dict:
    """Retype block ``index`` of the body text box (a new last block when it is past the
    end), as a user without JavaScript does."""
    blocks = [b for b in parts(data) if b]
    if index < len(blocks):
        blocks[index] = text
    else:
        blocks.append(text)
    return set_parts(data, blocks)


BODY = [
    ("paragraph", "The council met on Tuesday."),
    ("paragraph", "The mayor said the books would balance."),
    ("paragraph", "The vote is next week."),
]


@pytest.fixture
def draft(reporter):
    article = ArticleFactory(created_by=reporter, blocks=BODY)
    services.revision_create(article=article, actor=None)
    return article


@pytest.mark.django_db
class TestSaveWithoutJavaScript:
    def test_reorder_remove_and_add_blocks_in_one_save(self, client, reporter, draft):
        """Swapping two paragraphs' lines, deleting one and typing a new one all save."""
        client.force_login(reporter)
        before = texts(draft)
        data = form_data(client.get(edit_url(draft)))
        assert parts(data) == before
        assert data["body_json"] == [""]
        first, second, _third = parts(data)
        set_parts(data, [second, first, "A new closing paragraph."])

        response = client.post(edit_url(draft), data, follow=True)

        assert response.redirect_chain == [(edit_url(draft), 302)]
        assert "Saved." in response.content.decode()
        assert texts(draft) == [before[1], before[0], "A new closing paragraph."]
        assert Revision.objects.filter(article=draft).count() == 2
        assert ArticleEvent.objects.filter(article=draft, action="article.edit").exists()

    def test_blocks_keep_their_kind_and_subheadings_are_not_numbered(self, client, reporter, draft):
        """A "## " line saved as a subheading stays one, and is not numbered."""
        client.force_login(reporter)
        data = form_data(client.get(edit_url(draft)))
        first, second, third = parts(data)
        set_parts(data, [first, second, "## What happens next", third])

        assert client.post(edit_url(draft), data).status_code == 302

        assert [b.kind for b in draft.blocks.all()] == [
            "paragraph",
            "paragraph",
            "subheading",
            "paragraph",
        ]
        assert [n.number for n in draft.numbered_blocks()] == [1, 2, None, 3]
        assert parts(form_data(client.get(edit_url(draft))))[2] == "## What happens next"

    def test_an_unchanged_save_writes_no_revision(self, client, reporter, draft):
        """Saving without changing anything leaves the history alone."""
        client.force_login(reporter)
        data = form_data(client.get(edit_url(draft)))
        uids = [b.uid for b in draft.blocks.all()]

        assert client.post(edit_url(draft), data).status_code == 302

        assert Revision.objects.filter(article=draft).count() == 1
        assert texts(draft)[0] == "The council met on Tuesday."
        assert [b.uid for b in draft.blocks.all()] == uids
        assert form_data(client.get(edit_url(draft)))["body"] == data["body"]

    def test_the_text_box_round_trips_every_kind_exactly(self, client, reporter, draft):
        """Headings, quotes, an escaped paragraph and markup: saved, shown again the same,
        and saved again unchanged (no second revision)."""
        client.force_login(reporter)
        data = form_data(client.get(edit_url(draft)))
        text = (
            "The council met on <em>Tuesday</em>.\n\n## Reaction\n\n> “We will,” she said."
            "\n\n\\## not a heading & not &lt;markup&gt;\n\nThe vote is next week."
        )
        data["body"] = [text]
        assert client.post(edit_url(draft), data).status_code == 302
        assert [b.kind for b in draft.blocks.all()] == [
            "paragraph",
            "subheading",
            "blockquote",
            "paragraph",
            "paragraph",
        ]
        assert draft.blocks.all()[3].text == "## not a heading &amp; not &lt;markup&gt;"

        again = form_data(client.get(edit_url(draft)))
        assert again["body"] == [text]
        assert client.post(edit_url(draft), again).status_code == 302
        assert draft.revisions.count() == 2

    def test_a_bad_image_line_is_an_error_and_the_text_stays(self, client, reporter, draft):
        """An image line naming a file the story does not have is refused, said above the
        body, and the text box keeps every word."""
        client.force_login(reporter)
        data = form_data(client.get(edit_url(draft)))
        set_parts(data, [*parts(data), "![A dog](body/2020/01/dog.jpg)"])

        response = client.post(edit_url(draft), data)

        assert response.status_code == 400
        page = response.content.decode()
        assert "which is not one of this story&#x27;s images" in page
        assert form_data(response)["body"] == data["body"]
        assert draft.revisions.count() == 1

    def test_validation_error_keeps_what_was_typed(self, client, reporter, draft):
        """An empty headline re-renders the editor (400) with the typed body text in it."""
        client.force_login(reporter)
        data = form_data(client.get(edit_url(draft)))
        data["headline"] = [""]
        set_parts(data, ["Unsaved words about the harbour wall.", *parts(data)[1:]])

        response = client.post(edit_url(draft), data)

        assert response.status_code == 400
        page = response.content.decode()
        assert "Unsaved words about the harbour wall." in page
        assert "is-invalid" in page
        assert texts(draft)[0] == "The council met on Tuesday."

    def test_every_label_points_at_one_control(self, client, reporter, draft):
        """The editor page (article, blocks, bylines, comment and attribution forms) has
        no duplicate ids, so every label names exactly one field."""
        client.force_login(reporter)
        counter = _IdCounter()
        counter.feed(client.get(edit_url(draft)).content.decode())
        duplicates = {i for i in counter.ids if counter.ids.count(i) > 1}
        assert duplicates == set()
        assert {"id_body", "id_body_json", "body-blocks", "body-editor"} <= set(counter.ids)

    def test_create_page_makes_a_draft(self, client, reporter):
        """The empty editor, filled in and posted, creates a draft with a first revision."""
        section = SectionFactory(name="City", slug="city")
        client.force_login(reporter)
        response = client.get(reverse("editors:article_create"))
        assert response.status_code == 200
        data = form_data(response)
        data["headline"] = ["Bridge reopens after repairs"]
        data["section"] = [str(section.pk)]
        assert data["body"] == [""]
        data["body"] = ["The bridge reopened on Monday."]

        response = client.post(reverse("editors:article_create"), data)

        article = Article.objects.get(headline="Bridge reopens after repairs")
        assert response.status_code == 302
        assert response["Location"] == edit_url(article)
        assert article.created_by == reporter
        assert texts(article) == ["The bridge reopened on Monday."]
        assert article.revisions.count() == 1
        assert [b.author.user for b in article.bylines.all()] == [reporter]


@pytest.mark.django_db
class TestConcurrentSaves:
    def test_second_save_of_the_same_revision_gets_the_conflict_page(self, client, reporter, draft):
        """Two saves from one revision: the second is refused (409) with both texts shown,
        and submitting again from the conflict page saves it deliberately."""
        client.force_login(reporter)
        first = form_data(client.get(edit_url(draft)))
        second = form_data(client.get(edit_url(draft)))
        set_parts(first, ["Alpha wrote this sentence.", *parts(first)[1:]])
        set_parts(second, ["Bravo typed another line.", *parts(second)[1:]])

        assert client.post(edit_url(draft), first).status_code == 302
        response = client.post(edit_url(draft), second)

        assert response.status_code == 409
        page = response.content.decode()
        assert "Revision 2 was saved at" in page
        assert "by you, in another window, while you were editing here" in page
        assert "Your text is kept below" in page
        assert "\nBravo typed another line.\n\nThe mayor said" in page  # in the text box
        assert "<del>Alpha</del>" in page
        assert "<ins>Bravo</ins>" in page
        assert response.context["conflict"]["blocks"][0].old_text == "Alpha wrote this sentence."
        assert "Save mine over theirs" in page
        assert "Discard mine and open the latest" in page
        assert texts(draft)[0] == "Alpha wrote this sentence."

        again = form_data(response)
        assert again["base_revision"] == ["2"]
        assert client.post(edit_url(draft), again).status_code == 302
        assert texts(draft)[0] == "Bravo typed another line."
        assert draft.revisions.count() == 3

    def test_other_editors_are_named(self, client, reporter, editor, draft):
        """Opening a story someone else has open says who and since when."""
        client.force_login(editor)
        client.get(edit_url(draft))
        client.force_login(reporter)

        page = client.get(edit_url(draft)).content.decode()

        assert "ed is also editing since" in page


@pytest.mark.django_db
class TestCopyEditing:
    @pytest.fixture
    def in_review(self, draft, reporter):
        return services.article_transition(article=draft, actor=reporter, to="in_review")

    def test_copy_editor_changes_words_but_not_placement(self, client, copy_editor, in_review):
        """Section, kind, slug and bylines are disabled; a forged section is ignored."""
        client.force_login(copy_editor)
        response = client.get(edit_url(in_review))
        assert response.status_code == 200
        form = response.context["form"]
        assert {n for n, f in form.fields.items() if f.disabled} == {
            "slug",
            "kind",
            "section",
            "lead_image",
        }
        page = response.content.decode()
        # Someone else's byline: shown, not a field (``editors.forms.BaseBylineFormSet``).
        assert f"Also bylined: {in_review.bylines.get().author}." in page
        data = form_data(response)
        assert "section" not in data
        data["section"] = [str(SectionFactory(name="Sport", slug="sport").pk)]
        data["headline"] = ["Council backs budget"]
        first, _second, third = parts(data)
        set_parts(data, [first, "The mayor said the budget would balance.", third])

        assert client.post(edit_url(in_review), data).status_code == 302

        in_review.refresh_from_db()
        assert in_review.headline == "Council backs budget"
        assert in_review.section.slug != "sport"
        assert in_review.bylines.count() == 1
        assert texts(in_review)[1] == "The mayor said the budget would balance."

    def test_copy_editor_cannot_change_bylines(self, client, copy_editor, in_review):
        """A forged byline change from a copy editor is refused and nothing is saved."""
        client.force_login(copy_editor)
        data = form_data(client.get(edit_url(in_review)))
        data["bylines-0-author"] = [str(AuthorFactory().pk)]
        data["headline"] = ["Council backs budget"]

        response = client.post(edit_url(in_review), data)

        assert response.status_code == 400
        assert "ask an editor" in response.content.decode()
        in_review.refresh_from_db()
        assert in_review.headline != "Council backs budget"


@pytest.mark.django_db
class TestReadOnly:
    def test_published_story_is_shown_read_only(self, client, reporter, editor, draft):
        """To its reporter, a published story is its text as readers read it, numbered, with
        its status: no form, no Save button."""
        services.article_publish(article=draft, actor=editor)
        client.force_login(reporter)

        response = client.get(edit_url(draft))

        page = response.content.decode()
        assert response.status_code == 200
        assert "Published stories change through a correction." in page
        assert 'id="article-form"' not in page
        assert '<textarea name="body"' not in page
        assert ">Save</button>" not in page
        assert 'id="p2" data-paragraph-number="2"' in page
        assert "The mayor said the books would balance." in page

    def test_a_story_in_review_is_rendered_text_for_its_reporter(self, client, reporter, draft):
        """The reporter of a story in review reads it, numbered paragraph by paragraph."""
        services.article_transition(article=draft, actor=reporter, to="in_review")
        client.force_login(reporter)

        page = client.get(edit_url(draft)).content.decode()

        assert "while it is in review" in page
        assert "<textarea" not in page.split('id="story"')[1].split("</article>")[0]
        assert '<textarea name="body"' not in page
        for number, (_kind, text) in enumerate(BODY, start=1):
            assert f'id="p{number}" data-paragraph-number="{number}"' in page
            assert text in page
        assert "disabled" not in page.split('id="story"')[1].split("</article>")[0]

    def test_posting_to_a_published_story_is_forbidden(self, client, reporter, editor, draft):
        """Even a forged POST by its reporter cannot edit a published story."""
        client.force_login(reporter)
        data = form_data(client.get(edit_url(draft)))
        services.article_publish(article=draft, actor=editor)
        data["headline"] = ["Changed after publication"]
        assert plaintext.parse(data["body"][0])

        assert client.post(edit_url(draft), data).status_code == 403
        draft.refresh_from_db()
        assert draft.headline != "Changed after publication"

    def test_an_editor_gets_the_correction_flow_instead(self, client, editor, draft):
        """For an editor a published story is editable, and saving publishes a correction."""
        services.article_publish(article=draft, actor=editor)
        client.force_login(editor)

        page = client.get(edit_url(draft)).content.decode()

        assert "How this change goes live" in page
        assert ">Publish correction</button>" in page
        assert '<fieldset class="desk-editor-fields" disabled>' not in page
