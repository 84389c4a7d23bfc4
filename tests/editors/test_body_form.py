"""The desk's body fields (``editors.forms.BodyForm``): the editor's ``body_json``, checked
strictly, and the text box, both saving the same blocks with the same identities."""

from __future__ import annotations

import json

import pytest

from articles import body, services
from articles.models import Article
from tests.editors.test_editor_form import form_data, parts, set_parts
from tests.factories import ArticleFactory, AttributionFactory
from tests.helpers import edit_url

pytestmark = pytest.mark.django_db

BODY = [
    ("paragraph", "The council met on Tuesday."),
    ("paragraph", "The mayor spoke first."),
    ("paragraph", "“We will balance the books,” the mayor said. Then she left."),
]


@pytest.fixture
def draft(reporter) -> Article:
    article = ArticleFactory(created_by=reporter, blocks=BODY)
    services.revision_create(article=article, actor=None)
    return article


def editor_blocks(response) -> list[dict]:
    page = response.content.decode()
    start = page.index('<script id="body-blocks" type="application/json">') + 49
    return json.loads(page[start : page.index("</script>", start)])


def as_json(article: Article) -> list[dict]:
    return [
        {"uid": b.uid, "kind": b.kind, "text": b.text, "image": "", "upload": ""}
        for b in article.blocks.all()
    ]


class TestTheEditorsJson:
    def test_the_page_hands_the_editor_the_stored_blocks(self, client, reporter, draft):
        client.force_login(reporter)
        blocks = editor_blocks(client.get(edit_url(draft)))
        assert [(b["uid"], b["kind"], b["text"]) for b in blocks] == [
            (b.uid, b.kind, b.text) for b in draft.blocks.all()
        ]
        assert set(blocks[0]) == {
            "uid",
            "kind",
            "text",
            "image",
            "upload",
            "image_alt",
            "image_caption",
            "image_credit",
            "url",
        }

    def test_a_split_keeps_the_first_half_s_uid_and_the_second_gets_a_new_one(
        self, client, reporter, draft
    ):
        client.force_login(reporter)
        data = form_data(client.get(edit_url(draft)))
        blocks = as_json(draft)
        third = blocks[2]["uid"]
        blocks[2:3] = [
            {**blocks[2], "text": "“We will balance the books,” the mayor said."},
            {"uid": "", "kind": "paragraph", "text": "Then she left."},
        ]
        data["body_json"] = [json.dumps(blocks)]
        data["body"] = ["ignored when the editor sent JSON"]

        assert client.post(edit_url(draft), data).status_code == 302

        stored = list(draft.blocks.all())
        assert [body.plain_text(b.text) for b in stored][2:] == [
            "“We will balance the books,” the mayor said.",
            "Then she left.",
        ]
        assert stored[2].uid == third
        assert stored[3].uid not in {b["uid"] for b in as_json(draft)[:3]} | {""}
        assert len({b.uid for b in stored}) == 4

    def test_markup_it_sends_is_sanitised(self, client, reporter, draft):
        client.force_login(reporter)
        data = form_data(client.get(edit_url(draft)))
        blocks = as_json(draft)
        blocks[0]["text"] = 'The <em>council</em> <img src=x onerror="alert(1)">met.'
        data["body_json"] = [json.dumps(blocks)]

        assert client.post(edit_url(draft), data).status_code == 302

        assert draft.blocks.first().text == "The <em>council</em> met."

    @pytest.mark.parametrize(
        "sent",
        [
            "not json",
            json.dumps({"kind": "paragraph"}),
            json.dumps([{"kind": "table", "text": "x"}]),
            json.dumps([{"kind": "paragraph", "text": 3}]),
            json.dumps([{"kind": "paragraph", "text": "x", "onclick": "y"}]),
            json.dumps([{"kind": "image", "image": "body/elsewhere.jpg", "image_alt": "A"}]),
            json.dumps([{"kind": "image", "upload": "upload-x", "image_alt": "A"}]),
        ],
        ids=["unreadable", "not-a-list", "kind", "type", "key", "foreign-image", "no-file"],
    )
    def test_anything_else_is_refused_and_the_users_version_kept(
        self, client, reporter, draft, sent
    ):
        client.force_login(reporter)
        data = form_data(client.get(edit_url(draft)))
        set_parts(data, ["Words typed before the editor failed.", *parts(data)[1:]])
        data["body_json"] = [sent]

        response = client.post(edit_url(draft), data)

        assert response.status_code == 400
        page = response.content.decode()
        assert 'id="body-errors"' in page
        assert "Words typed before the editor failed." in page
        assert draft.revisions.count() == 1
        assert body.plain_text(draft.blocks.first().text) == "The council met on Tuesday."

    def test_a_refused_post_gives_the_editor_back_what_it_sent(self, client, reporter, draft):
        client.force_login(reporter)
        data = form_data(client.get(edit_url(draft)))
        blocks = [*as_json(draft), {"uid": "Zz9", "kind": "paragraph", "text": "Mine."}]
        data["body_json"] = [json.dumps(blocks)]
        data["headline"] = [""]  # refused for another reason

        response = client.post(edit_url(draft), data)

        assert response.status_code == 400
        echoed = editor_blocks(response)
        assert [(b["uid"], b["text"]) for b in echoed][-1] == ("Zz9", "Mine.")
        assert 'name="body_json" id="id_body_json" value=""' in response.content.decode()


class TestAttributionsFromTheDesk:
    def test_a_paragraph_typed_above_an_attributed_one_moves_it(self, client, reporter, draft):
        """In the text box (no JavaScript), a new paragraph above the quote: the
        attribution follows its words to paragraph 4."""
        attributed = AttributionFactory(
            article=draft, paragraph=3, text="We will balance the books,", kind="quote"
        )
        client.force_login(reporter)
        data = form_data(client.get(edit_url(draft)))
        first, second, third = parts(data)
        set_parts(data, [first, second, "Residents packed the hall.", third])

        assert client.post(edit_url(draft), data).status_code == 302

        attributed.refresh_from_db()
        assert attributed.paragraph == 4
        assert attributed.get_absolute_url().endswith("#p4")
