"""The desk as a newsroom uses it, end to end in Chromium (issue 13's "done"):

an administrator creates a reporter in the admin; the reporter writes a 12-paragraph story
with a subheading and a block quote in the body editor, attributes a quote by hand in two
actions and submits it; an editor approves and publishes it; a reader reports an error in
paragraph 3; the editor turns the report into a correction and the reader is thanked. axe
finds no serious violation on any page of the walk, at 1280 and at 375 px. Without
JavaScript, a story is written in the plain-text box and submitted.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command
from playwright.sync_api import expect

from articles import body
from articles.models import Article, Attribution, Block, CorrectionNote
from editors.accounts import account_set_role
from reports import spam
from reports.models import ErrorReport
from tests.browser.pages import AXE, ROOT, require_tool, serious_axe_violations
from tests.factories import SourceFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-demo-password-42"
BUNDLE = ROOT / "editors" / "static" / "editors" / "build" / "body-editor.js"
WIDE = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}
HEADLINE = "Harbour wall repairs will close the east quay until June"
#: The story, in the plain-text grammar: 12 paragraphs, a subheading and a block quote.
STORY = (Path(__file__).resolve().parents[2] / "docs" / "screenshot-story.txt").read_text()
BLOCKS = [chunk.strip() for chunk in STORY.split("\n\n") if chunk.strip()]
QUOTE = "Every winter the sea takes a little more of this wall."
# Selects ``words`` inside the element as a mouse drag would, and lets go of the button.
SELECT = """(el, words) => {
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const at = node.data.indexOf(words);
    if (at < 0) continue;
    el.closest("[contenteditable]")?.focus();
    const range = document.createRange();
    range.setStart(node, at);
    range.setEnd(node, at + words.length);
    getSelection().removeAllRanges();
    getSelection().addRange(range);
    el.dispatchEvent(new MouseEvent("mouseup", {bubbles: true}));
    return;
  }
  throw new Error("not found: " + words);
}"""


class Walk:
    """One person's browser, checking every page it is shown with axe at both widths."""

    def __init__(self, browser, live_server, *, javascript: bool = True):
        self.context = browser.new_context(viewport=WIDE, java_script_enabled=javascript)
        self.page = self.context.new_page()
        self.base = live_server.url
        self.problems: list[str] = []
        self.errors: list[str] = []
        self.javascript = javascript
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))

    def goto(self, path: str):
        self.page.goto(self.base + path)
        return self.page

    def check(self, where: str) -> None:
        """axe on the page as it is now, at 1280 px and at 375 px."""
        if not self.javascript:
            return  # axe runs in the page: the JavaScript-off walk is checked by its form
        for size in (WIDE, PHONE):
            self.page.set_viewport_size(size)
            self.problems += [
                f"{where} at {size['width']}px: {p}" for p in serious_axe_violations(self.page)
            ]
        self.page.set_viewport_size(WIDE)

    def log_in(self, username: str) -> None:
        page = self.goto("/accounts/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(f"{self.base}/desk/")

    def move(self, label: str, confirm: str | None = None) -> None:
        """A workflow move from the story's desk page: its button, then its confirm page."""
        page = self.page
        page.locator(".desk-moves").get_by_role("link", name=label).click()
        page.wait_for_url("**/move/**")
        self.check(f"confirm {label}")
        page.get_by_role("button", name=confirm or label).click()
        page.wait_for_load_state()
        assert "/move/" not in page.url, page.locator("main").inner_text()[:1500]

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def newsroom(db):
    require_tool(AXE, what="axe-core", how="npm ci")
    require_tool(BUNDLE, what="the body editor's bundle", how="npm run build")
    call_command("load_demo", verbosity=0)
    account_set_role(username="ada", role="admin", password=PASSWORD)
    account_set_role(username="elena", role="editor", password=PASSWORD, email="e@example.org")
    # On file already: the harbour committee's chair, whom the block quote is from.
    SourceFactory(name="Dev Patel", role="Chair, harbour committee")


def write_in_the_editor(page) -> None:
    """Types the story into the body editor as a reporter would: Enter between blocks,
    "## " for the subheading, the toolbar's Block quote button for the quote."""
    editor = page.get_by_role("textbox", name="Story body")
    editor.click()
    for i, block in enumerate(BLOCKS):
        if i:
            page.keyboard.press("Enter")
        if block.startswith("> "):
            page.get_by_role("button", name="Block quote").click()
            block = block[2:]
        elif block.startswith("## "):
            # Typed: the editor's input rule turns "## " into a subheading.
            page.keyboard.type("## ")
            block = block[3:]
        page.keyboard.insert_text(block)


def test_a_story_from_the_admin_to_a_correction_a_reader_asked_for(browser, live_server, newsroom):
    # --- An administrator creates the reporter, role and name on the one page.
    admin = Walk(browser, live_server)
    page = admin.goto("/admin/login/?next=/admin/auth/user/add/")
    page.get_by_label("Username").fill("ada")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/admin/auth/user/add/")
    page.get_by_label("Username").fill("rosa")
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.locator("#id_role").select_option(label="Reporter")
    page.get_by_label("First name").fill("Rosa")
    page.get_by_label("Last name").fill("Reporter")
    page.get_by_label("Email address").fill("rosa@example.org")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("rosa")
    admin.close()

    # --- The reporter writes the story in the editor; their own byline is preselected.
    rosa = Walk(browser, live_server)
    rosa.log_in("rosa")
    rosa.check("dashboard")
    page = rosa.goto("/desk/articles/new/")
    page.get_by_label("Headline").fill(HEADLINE)
    page.get_by_label("Section").select_option(label="Local")
    byline = page.locator("select[name='bylines-0-author']")
    expect(byline.locator("option:checked")).to_contain_text("Rosa Reporter")
    offered = byline.locator("option").evaluate_all(
        "(options) => options.filter((o) => o.value).map((o) => o.textContent.trim())"
    )
    assert len(offered) == 1 and offered[0].startswith("Rosa Reporter")
    write_in_the_editor(page)
    numbers = page.evaluate(
        """() => [...document.querySelectorAll("#body-editor-text [data-paragraph-number]")]
             .map((el) => el.dataset.paragraphNumber)"""
    )
    assert numbers == [str(n) for n in range(1, 14)]
    rosa.check("the editor, writing")
    page.get_by_role("button", name="Create draft").click()
    expect(page.get_by_text("Draft created.")).to_be_visible()

    article = Article.objects.get(headline=HEADLINE)
    blocks = list(article.blocks.order_by("position"))
    kinds = [b.kind for b in blocks]
    assert kinds.count(Block.Kind.PARAGRAPH) == 12
    assert kinds.count(Block.Kind.SUBHEADING) == 1
    assert kinds.count(Block.Kind.BLOCKQUOTE) == 1
    assert blocks[4].kind == Block.Kind.SUBHEADING and blocks[4].text == "What the work involves"
    assert blocks[7].kind == Block.Kind.BLOCKQUOTE and blocks[7].text.startswith(QUOTE[:20])
    assert [a.author.user.username for a in article.bylines.select_related("author__user")] == [
        "rosa"
    ]

    # --- Attribution by hand, two actions: select the quote's words, choose the source.
    quote = page.locator('#body-editor-text [data-paragraph-number="7"]')
    quote.evaluate(SELECT, QUOTE)  # action 1: the words are selected, the picker opens beside them
    search = page.get_by_role("combobox", name="Attribute to…")
    expect(search).to_be_visible()
    rosa.check("the source picker")
    search.click()
    search.press_sequentially("pat")
    page.get_by_role("option", name="Dev Patel").first.click()  # action 2: the source
    expect(page.locator("[data-attribute-status]")).to_have_text("Attributed to Dev Patel.")
    attribution = Attribution.objects.get(article=article, source__name="Dev Patel")
    assert (attribution.paragraph, attribution.text) == (7, QUOTE)

    # The quote finder suggests sources for the quotes whose speaker the story names.
    finder = page.locator("#quotes")
    for _ in range(5):
        accept = finder.get_by_role("button", name="Accept")
        if not accept.count():
            break
        accept.first.click()
        page.wait_for_load_state()
    expect(finder).to_contain_text("Every quote and reported claim has a source.")

    # --- The reporter submits it for review; the story is then shown, not a disabled form.
    rosa.move("Submit for review")
    expect(page.get_by_role("textbox", name="Story body")).to_have_count(0)
    expect(page.locator("[data-paragraph-number='3']").first).to_be_visible()
    rosa.check("the story in review, as its reporter")
    article.refresh_from_db()
    assert article.status == Article.Status.IN_REVIEW

    # --- The editor is told, approves and publishes it.
    elena = Walk(browser, live_server)
    elena.log_in("elena")
    page = elena.page
    expect(page.get_by_text(f"submitted “{HEADLINE}” for review").first).to_be_visible()
    elena.check("the editor's dashboard")
    page.get_by_role("link", name=HEADLINE).first.click()
    page.wait_for_url("**/desk/articles/*/")
    elena.check("the story in review, as its editor")
    elena.move("Approve")
    elena.move("Publish")
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED

    # --- A reader reports an error in paragraph 3.
    reader = Walk(browser, live_server)
    page = reader.goto(article.get_absolute_url())
    reader.check("the story, as readers see it")
    page.get_by_role("link", name="Report an error in this story").click()
    page.wait_for_url("**/report/")
    reader.check("the report form")
    page.get_by_label("Where is the error?").select_option("3")
    page.get_by_label("What is wrong?").fill(
        "Maria Okafor is the authority's harbour master, not its chief engineer."
    )
    page.get_by_label("Your email (optional)").fill("reader@example.org")
    # A person takes longer than the form's three-second minimum; so does this reader.
    page.evaluate(
        "(t) => { document.querySelector('[name=started]').value = t; }",
        spam.form_token(article.pk, now=lambda: time.time() - 60),
    )
    page.get_by_role("button", name="Send the report").click()
    page.wait_for_url("**/report/thanks/")
    reader.check("the thanks")
    report = ErrorReport.objects.get(article=article)
    assert report.paragraph == 3

    # --- The editor turns the report into a correction of paragraph 3.
    page = elena.goto("/desk/reports/")
    elena.check("the error reports queue")
    expect(page.get_by_text("harbour master, not its chief engineer")).to_be_visible()
    page.get_by_role("button", name="Turn into a correction").first.click()
    page.wait_for_url("**/desk/articles/*/?report=*")
    expect(page.get_by_text("harbour master, not its chief engineer").first).to_be_visible()
    elena.check("the correction, prefilled from the report")
    third = page.locator('#body-editor-text [data-paragraph-number="3"]')
    third.evaluate(SELECT, "chief engineer")
    page.keyboard.type("harbour master")
    page.get_by_role("button", name="Publish correction").click()
    expect(page.get_by_text("This changes published wording")).to_be_visible()
    page.get_by_label("Substantive: publish a note readers can see").check()
    elena.check("the correction's review")
    page.get_by_role("button", name="Publish correction").click()
    expect(page.get_by_text("Correction published: note on paragraph 3.")).to_be_visible()

    note = CorrectionNote.objects.filter(article=article).public().get()
    assert note.paragraphs == [3]
    report.refresh_from_db()
    assert report.status == ErrorReport.Status.CORRECTED and report.note_id == note.pk
    thanks = [m for m in mail.outbox if "reader@example.org" in m.to]
    assert len(thanks) == 1

    page = reader.goto(article.get_absolute_url())
    expect(page.locator("#p3")).to_contain_text("harbour master")
    expect(page.locator(f"#p3 a[href='#correction-{note.pk}']")).to_have_count(1)
    reader.check("the corrected story")

    for walk in (rosa, elena, reader):
        assert not walk.errors, walk.errors
    problems = rosa.problems + elena.problems + reader.problems
    for walk in (rosa, elena, reader):
        walk.close()
    assert not problems, "\n".join(problems)


def test_without_javascript_a_story_is_written_in_the_text_box_and_submitted(
    browser, live_server, newsroom
):
    account_set_role(username="rosa", role="reporter", password=PASSWORD, full_name="Rosa R")
    rosa = Walk(browser, live_server, javascript=False)
    page = rosa.goto("/accounts/login/")
    page.get_by_label("Username").fill("rosa")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/desk/")
    page = rosa.goto("/desk/articles/new/")
    page.get_by_label("Headline").fill(HEADLINE)
    page.get_by_label("Section").select_option(label="Local")
    page.locator("textarea[name=body]").fill(STORY)
    page.get_by_role("button", name="Create draft").click()
    expect(page.get_by_text("Draft created.")).to_be_visible()

    article = Article.objects.get(headline=HEADLINE)
    kinds = [b.kind for b in article.blocks.order_by("position")]
    assert kinds.count(Block.Kind.PARAGRAPH) == 12
    assert kinds[4] == Block.Kind.SUBHEADING and kinds[7] == Block.Kind.BLOCKQUOTE
    # The box shows the story back as it was written, with the typographic quotes the
    # body is stored with (DJANGO_TYPOGRAPHIC_QUOTES), and saving it again changes nothing.
    box = page.locator("textarea[name=body]").input_value()
    assert body.fold_quotes(box) == STORY.strip()
    revisions = article.revisions.count()
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_load_state()
    assert article.revisions.count() == revisions

    rosa.move("Submit for review")
    article.refresh_from_db()
    assert article.status == Article.Status.IN_REVIEW
    rosa.close()
