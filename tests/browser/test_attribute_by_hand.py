"""Attributing by hand in a real browser: select words, choose a source (two actions); a
quote finder's finding, then a new source; a refusal in the popover; and the same without
JavaScript, through the page's server-side search."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from articles.models import Attribution, Block, Source
from tests.browser.pages import require_tool
from tests.browser.test_validity import VNU_JAR, describe, run_vnu
from tests.factories import ArticleFactory, SourceFactory
from tests.helpers import edit_url, user_with_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BODY = [
    ("paragraph", "The council met on Tuesday."),
    ("paragraph", "We will balance the books, the mayor said."),
    ("paragraph", "“Nobody asked us,” said a resident of Elm Street."),
]

# Selects ``words`` inside the element, as a mouse drag would, and lets go of the button.
SELECT = """([selector, words]) => {
  const element = document.querySelector(selector);
  const text = element.firstChild;
  const start = text.data.indexOf(words);
  const range = document.createRange();
  range.setStart(text, start);
  range.setEnd(text, start + words.length);
  const selection = window.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
  element.dispatchEvent(new MouseEvent("mouseup", {bubbles: true}));
}"""

PARAGRAPH_2 = '[data-attribute-story] [data-paragraph-number="2"]'


def log_in(context, client, live_server, user) -> None:
    client.force_login(user)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


@pytest.fixture
def desk(page, client, live_server):
    """A reporter's draft open in the desk, with two sources on file."""
    reporter = user_with_role("reporter", "rita")
    draft = ArticleFactory(created_by=reporter, blocks=BODY)
    SourceFactory(name="Jane Roe", role="Mayor")
    SourceFactory(name="Rob Barrow", role="Treasurer")
    log_in(page.context, client, live_server, reporter)
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.goto(f"{live_server.url}{edit_url(draft)}")
    page.get_by_text("Select words to attribute").click()
    yield page, draft
    assert not violations, violations


def test_select_words_then_choose_a_source(desk):
    """Action 1, a selection: the popover opens with the search focused and the kind
    guessed; two letters list the matches; action 2, Enter, attributes the words."""
    page, draft = desk

    page.evaluate(SELECT, [PARAGRAPH_2, "We will balance the books"])

    search = page.get_by_role("combobox", name="Attribute to…")
    expect(search).to_be_focused()
    expect(page.get_by_label("Kind", exact=True)).to_have_value("paraphrase")
    search.press_sequentially("ro")
    options = page.get_by_role("listbox", name="Sources").get_by_role("option")
    expect(options.first).to_contain_text("Jane Roe")
    expect(options.nth(1)).to_contain_text("Rob Barrow")
    expect(options.last).to_have_text("Create source ‘ro’…")
    search.press("ArrowDown")
    expect(options.nth(1)).to_have_attribute("aria-selected", "true")
    search.press("ArrowUp")
    search.press("Enter")

    expect(page.locator("[data-attribute-status]")).to_have_text("Attributed to Jane Roe.")
    expect(page.locator("#attributions")).to_contain_text("“We will balance the books”")
    attribution = draft.attributions.get()
    assert (attribution.source.name, attribution.kind, attribution.paragraph) == (
        "Jane Roe",
        "paraphrase",
        2,
    )
    expect(page.locator("[data-attribute-popover]")).to_be_hidden()


def test_a_finding_then_a_new_source_with_title_and_affiliation(desk):
    """The quote finder's "Attribute…" opens the popover with the quote and its kind; the
    "Create source" option takes a title and an affiliation in place."""
    page, draft = desk

    page.locator("#quotes").get_by_role("link", name="Attribute… “Nobody asked us,”").click()

    search = page.get_by_role("combobox", name="Attribute to…")
    expect(search).to_be_focused()
    expect(page.locator("[data-attribute-words]")).to_have_text("Nobody asked us,")
    expect(page.get_by_label("Kind", exact=True)).to_have_value("quote")
    search.press_sequentially("Ann Elm")
    page.get_by_role("option", name="Create source ‘Ann Elm’…").click()
    expect(page.get_by_label("Title or role")).to_be_focused()
    page.get_by_label("Title or role").fill("Resident")
    page.get_by_label("Affiliation").fill("Elm Street Residents' Association")
    page.get_by_role("button", name="Create and attribute").click()

    expect(page.locator("[data-attribute-status]")).to_have_text("Attributed to Ann Elm.")
    source = Source.objects.get(name="Ann Elm")
    assert source.role == "Resident"
    assert source.affiliation.name == "Elm Street Residents' Association"
    assert Attribution.objects.get(article=draft).source == source
    # The quote finder's card is refreshed too: that quote is no longer waiting.
    expect(page.locator("#quotes")).not_to_contain_text("Nobody asked us")
    expect(page.locator("#quotes")).to_contain_text("We will balance the books")


def test_a_refusal_shows_in_the_popover_with_the_choice_kept(desk):
    """Words no longer in the paragraph as saved (someone changed it): the popover says so
    and keeps the words and the search; nothing is saved; Escape closes it."""
    page, draft = desk
    page.evaluate(SELECT, [PARAGRAPH_2, "balance the books"])
    Block.objects.filter(article=draft, position=2).update(text="We will cut spending.")

    search = page.get_by_role("combobox", name="Attribute to…")
    search.press_sequentially("roe")
    expect(page.get_by_role("listbox").get_by_role("option").first).to_contain_text("Jane Roe")
    search.press("Enter")

    expect(page.get_by_role("alert").filter(has_text="do not stand in paragraph 2")).to_be_visible()
    expect(search).to_have_value("roe")
    expect(page.locator("[data-attribute-words]")).to_have_text("balance the books")
    assert not Attribution.objects.exists()
    search.press("Escape")
    expect(page.locator("[data-attribute-popover]")).to_be_hidden()


def test_without_javascript_the_page_searches_on_the_server(page_without_js, client, live_server):
    """JS off: the Attributions card's form leads to the page; Search lists radio buttons;
    Attribute saves and returns to the story's attributions."""
    page = page_without_js
    reporter = user_with_role("reporter", "rita")
    draft = ArticleFactory(created_by=reporter, blocks=BODY)
    SourceFactory(name="Jane Roe", role="Mayor")
    log_in(page.context, client, live_server, reporter)
    page.goto(f"{live_server.url}{edit_url(draft)}")

    card = page.locator("#attributions")
    card.get_by_text("Attribute words to a source").click()
    card.get_by_label("Words").fill("We will balance the books,")
    card.get_by_label("Paragraph").select_option("2")
    card.get_by_label("Kind").select_option("quote")
    card.get_by_label("Find a source").fill("mayor")
    card.get_by_role("button", name="Find a source").click()

    page.get_by_label("Jane Roe").check()
    page.get_by_role("button", name="Attribute", exact=True).click()

    expect(page.locator("#attributions")).to_contain_text("Jane Roe")
    assert page.url.endswith(edit_url(draft) + "#attributions")
    attribution = draft.attributions.get()
    assert (attribution.source.name, attribution.kind) == ("Jane Roe", "quote")


def test_the_pages_are_valid_html(client, tmp_path):
    """The story page with its popover template, and the page without JavaScript showing
    matches, affiliations and a refusal, pass the Nu HTML Checker."""
    require_tool("java", what="Java", how="apt-get install default-jre-headless")
    require_tool(VNU_JAR, what="the Nu HTML Checker", how="npm ci")
    reporter = user_with_role("reporter", "rita")
    draft = ArticleFactory(created_by=reporter, blocks=BODY)
    roe = SourceFactory(name="Jane Roe", role="Mayor")
    SourceFactory(name="City Council", kind=Source.Kind.ORGANISATION)
    client.force_login(reporter)
    pick = reverse("editors:attribution_pick", kwargs={"pk": draft.pk})
    pages = {
        "story": client.get(edit_url(draft)),
        "search": client.get(pick, {"text": "books", "paragraph": "2", "q": "roe"}),
        "refused": client.post(
            pick,
            {
                "text": "nowhere",
                "paragraph": "2",
                "kind": "quote",
                "source": roe.pk,
                "q": "roe",
                "new_affiliation_name": "council",
            },
        ),
    }

    files = []
    for name, response in pages.items():
        assert response.status_code in (200, 400), name
        file = tmp_path / f"{name}.html"
        file.write_bytes(response.content)
        files.append(file)

    errors = [m for m in run_vnu(files) if m.get("type") == "error"]
    assert not errors, "\n".join(describe(m) for m in errors)
