"""The desk's body editor in Chromium: one continuous text, Enter for a new paragraph, the
block kinds by input rule and by button, margin numbers as readers count, stable block uids
through a split, images between paragraphs; under the enforced CSP, axe-clean at desk and
phone widths."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from PIL import Image
from playwright.sync_api import expect

from articles.models import Article
from editors.accounts import account_set_role
from tests.browser.pages import AXE, ROOT, require_tool, serious_axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EDITOR = "elena"
BUNDLE = ROOT / "editors" / "static" / "editors" / "build" / "body-editor.js"

# Runs in every document before its own scripts; reports each CSP violation to Python.
LISTEN = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.reportViolation(`${event.effectiveDirective} ${event.blockedURI} ${event.sourceFile}`);
}, true);
"""


@pytest.fixture
def desk(browser, live_server, client):
    """A logged-in editor's page on the desk, collecting CSP violations and script errors."""
    require_tool(BUNDLE, what="the body editor's bundle", how="npm run build")
    call_command("load_demo", verbosity=0)
    account_set_role(username=EDITOR, role="editor", password="a-long-demo-password-42")
    client.force_login(get_user_model().objects.get(username=EDITOR))
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_cookies(
        [
            {
                "name": "sessionid",
                "value": client.cookies["sessionid"].value,
                "url": live_server.url,
            }
        ]
    )
    problems: list[str] = []
    context.expose_function("reportViolation", lambda text: problems.append(text))
    context.add_init_script(LISTEN)
    page = context.new_page()
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    page.on(
        "console",
        lambda m: problems.append(m.text) if "Content Security Policy" in m.text else None,
    )
    page.problems = problems
    page.base = live_server.url
    yield page
    context.close()


def new_story(page, headline: str):
    page.goto(f"{page.base}/desk/articles/new/")
    page.get_by_label("Headline").fill(headline)
    page.get_by_label("Section").select_option(label="Local")
    editor = page.get_by_role("textbox", name="Story body")
    editor.click()
    return editor


def kinds_and_texts(article: Article) -> list[tuple[str, str]]:
    return [(b.kind, b.text) for b in article.blocks.order_by("position")]


def numbers(page) -> list[tuple[str, str]]:
    """The margin's numbers: (element, number) for each numbered block, in order."""
    found = page.evaluate(
        """() => [...document.querySelectorAll("#body-editor-text [data-paragraph-number]")]
             .map((el) => [el.tagName.toLowerCase(), el.dataset.paragraphNumber])"""
    )
    return [tuple(pair) for pair in found]


def test_a_story_is_typed_as_one_text_and_saved_as_blocks(desk):
    """Enter between paragraphs, "## " for a subheading, the Block quote button: the saved
    blocks have the right kinds and words in order, and the margin skips the subheading."""
    page = desk
    new_story(page, "Harbour bridge to close for repairs")
    keyboard = page.keyboard
    keyboard.type("The bridge closes on Monday")
    keyboard.press("Control+Shift+ArrowLeft")
    keyboard.press("Control+b")
    keyboard.press("End")
    keyboard.press("Control+b")  # bold off again for what follows
    keyboard.type(".")
    keyboard.press("Enter")
    keyboard.type("## Why it closes")
    keyboard.press("Enter")
    keyboard.type("Engineers found cracks. Two piers need work.")
    keyboard.press("Enter")
    page.get_by_role("button", name="Block quote").click()
    keyboard.type("We cannot wait any longer.")
    keyboard.press("Enter")
    keyboard.type("Ferries will run instead.")

    assert numbers(page) == [("p", "1"), ("p", "2"), ("blockquote", "3"), ("p", "4")]
    assert page.locator("#body-editor-text h3").inner_text() == "Why it closes"
    assert page.get_by_role("button", name="Paragraph").get_attribute("aria-pressed") == "true"
    # The plain-text box is the JavaScript-off way in; here the editor replaces it.
    assert page.locator("textarea[name=body]").is_hidden()

    page.get_by_role("button", name="Create draft").click()
    page.get_by_text("Draft created.").wait_for()
    article = Article.objects.get(headline="Harbour bridge to close for repairs")
    assert kinds_and_texts(article) == [
        ("paragraph", "The bridge closes on <strong>Monday</strong>."),
        ("subheading", "Why it closes"),
        ("paragraph", "Engineers found cracks. Two piers need work."),
        ("blockquote", "We cannot wait any longer."),
        ("paragraph", "Ferries will run instead."),
    ]
    uids = list(article.blocks.order_by("position").values_list("uid", flat=True))
    assert numbers(page) == [("p", "1"), ("p", "2"), ("blockquote", "3"), ("p", "4")]

    # Enter in the middle of a paragraph: the words before it keep the block.
    cracks = page.locator("#body-editor-text p", has_text="Engineers found cracks.")
    cracks.click()
    page.keyboard.press("End")
    for _ in " Two piers need work.":
        page.keyboard.press("ArrowLeft")
    page.keyboard.press("Enter")
    assert numbers(page)[-1] == ("p", "5")
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_text("Saved").first.wait_for()

    blocks = list(article.blocks.order_by("position"))
    assert [(b.kind, b.text) for b in blocks][2:4] == [
        ("paragraph", "Engineers found cracks."),
        ("paragraph", "Two piers need work."),
    ]
    assert blocks[2].uid == uids[2]
    assert blocks[3].uid not in uids
    assert [b.uid for b in blocks[4:]] == uids[3:]
    assert not page.problems, page.problems


def test_an_image_goes_between_paragraphs_and_the_page_stays_accessible(desk, tmp_path):
    """Insert image after the first paragraph, with alt text: it is saved as an image block
    in that place; the page has no CSP violation and axe finds nothing serious at 1280 and
    375 pixels wide."""
    require_tool(AXE, what="axe-core", how="npm ci")
    page = desk
    picture = tmp_path / "pier.png"
    Image.new("RGB", (48, 32), (30, 90, 160)).save(picture)
    new_story(page, "Pier cracks pictured")
    page.keyboard.type("Divers photographed the cracks.")
    page.keyboard.press("Enter")
    page.keyboard.type("Repairs start in May")
    page.keyboard.press("Control+Shift+ArrowLeft")
    page.get_by_role("button", name="Link").click()
    page.get_by_label("Link address").fill("https://example.org/repairs")
    page.keyboard.press("Enter")
    page.keyboard.press("End")
    page.keyboard.type(".")

    page.locator("#body-editor-text p").first.click()
    with page.expect_file_chooser() as chooser:
        page.get_by_role("button", name="Insert image").click()
    chooser.value.set_files(str(picture))
    figure = page.locator("#body-editor-text figure")
    figure.get_by_label("Alt text (what the picture shows)").wait_for()
    assert page.evaluate("document.activeElement.dataset.field") == "image_alt"
    page.keyboard.type("A crack running across a concrete pier.")
    figure.get_by_label("Caption").fill("The north pier.")
    assert numbers(page) == [("p", "1"), ("p", "2")]

    page.get_by_role("button", name="Create draft").click()
    page.get_by_text("Draft created.").wait_for()
    article = Article.objects.get(headline="Pier cracks pictured")
    blocks = list(article.blocks.order_by("position"))
    assert [b.kind for b in blocks] == ["paragraph", "image", "paragraph"]
    assert blocks[0].text == "Divers photographed the cracks."
    assert blocks[1].image_alt == "A crack running across a concrete pier."
    assert blocks[1].image_caption == "The north pier."
    assert blocks[1].image.name
    assert blocks[2].text.startswith('Repairs start in <a href="https://example.org/repairs"')
    assert blocks[2].text.endswith(">May</a>.")

    # The saved picture comes back between the paragraphs, with its fields (once the
    # deferred editor has mounted on the new page).
    expect(figure).to_have_count(1)
    assert figure.get_by_label("Alt text (what the picture shows)").input_value() == (
        "A crack running across a concrete pier."
    )
    # The thumbnail loads (a broken image has no natural width).
    page.wait_for_function(
        "document.querySelector('#body-editor-text figure img')?.naturalWidth > 0"
    )

    problems = serious_axe_violations(page)
    page.set_viewport_size({"width": 375, "height": 812})
    problems += [f"at 375px: {p}" for p in serious_axe_violations(page)]
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert not problems, "\n".join(problems)
    assert not page.problems, page.problems
