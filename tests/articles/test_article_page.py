"""The article page: the story, its paragraph anchors, its corrections and its sources."""

from __future__ import annotations

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.utils import timezone
from PIL import Image
from pytest_django.asserts import assertInHTML

from articles import body, services
from articles.models import Article, Block, Byline
from tests.factories import (
    ArticleFactory,
    AttributionFactory,
    AuthorFactory,
    CorrectionNoteFactory,
    PublishedArticleFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db


def _png(name: str = "photo.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 6), "navy").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def _element(html: str, element_id: str) -> str:
    """The opening tag through the end of the element with ``id=element_id``."""
    match = re.search(rf'<(\w+)[^>]*\bid="{element_id}"[^>]*>.*?</\1>', html, re.S)
    assert match, f"no element with id={element_id}"
    return match.group(0)


def _pilcrow(number: int) -> str:
    """The link to paragraph ``number`` that ends it (``_paragraph_link.html``)."""
    return (
        f'<a class="paragraph-link" href="#p{number}" aria-label="Link to paragraph {number}"'
        f" data-paragraph-link>¶</a>"
    )


def _page(client, article) -> str:
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


class TestStory:
    def test_header_shows_headline_dek_kind_bylines_and_times(self, client):
        """The header carries everything a reader needs to judge the story."""
        author = AuthorFactory(display_name="Sam Writer", slug="sam-writer")
        article = PublishedArticleFactory(
            headline="Council passes budget",
            dek="Spending rises by 3 per cent.",
            kind="analysis",
            credit_line="Additional reporting by wire services",
            bylines=1,
        )
        Byline.objects.create(article=article, author=author, position=5)
        html = _page(client, article)
        assertInHTML('<h1 id="headline" class="story-headline">Council passes budget</h1>', html)
        assert "Spending rises by 3 per cent." in html
        assert "Analysis</span>" in html
        assertInHTML('<a href="/authors/sam-writer/" rel="author">Sam Writer</a>', html)
        assert " and <a" in html
        assert "Additional reporting by wire services" in html
        assert f'<time datetime="{article.first_published_at:%Y-%m-%dT%H:%M:%S%z}">' in html
        assert "<title>Council passes budget | " in html
        assert '<meta name="description" content="Spending rises by 3 per cent.">' in html

    def test_updated_time_only_when_later_than_published(self, client, settings):
        """ "Updated" appears only once the story has substantively changed."""
        # The model is saved directly, not through a service, so nothing bumps the cache.
        settings.NEWSROOM_PAGE_CACHE = False
        article = PublishedArticleFactory()
        assert "Updated <time" not in _page(client, article)
        later = article.first_published_at + timezone.timedelta(minutes=30)
        article.updated_at = later
        article.save(update_fields=["updated_at"])
        assert f'Updated <time datetime="{later:%Y-%m-%dT%H:%M:%S%z}">' in _page(client, article)

    def test_paragraph_anchors_skip_subheadings(self, client):
        """Paragraphs and quotes are numbered p1..pN as readers count; subheadings are not."""
        blocks = [("paragraph", f"Paragraph {n}.") for n in range(1, 6)]
        blocks += [("subheading", "What happens next")]
        blocks += [("paragraph", f"Paragraph {n}.") for n in range(6, 11)]
        blocks += [("blockquote", "A quoted passage."), ("paragraph", "Paragraph 12.")]
        html = _page(client, PublishedArticleFactory(blocks=blocks))
        assertInHTML(f'<p id="p5">Paragraph 5.{_pilcrow(5)}</p>', html)
        assertInHTML('<h2 class="story-subheading">What happens next</h2>', html)
        assertInHTML(f'<p id="p6">Paragraph 6.{_pilcrow(6)}</p>', html)
        assertInHTML(
            f'<blockquote id="p11"><p>A quoted passage.{_pilcrow(11)}</p></blockquote>', html
        )
        assertInHTML(f'<p id="p12">Paragraph 12.{_pilcrow(12)}</p>', html)
        assert 'id="p13"' not in html

    def test_each_numbered_paragraph_links_to_itself(self, client):
        """Every paragraph and quote ends with a "¶" link to its own anchor, named for
        screen readers; a subheading has none. The page loads the script that copies it."""
        blocks = [("paragraph", "One."), ("subheading", "Next"), ("blockquote", "Two.")]
        html = _page(client, PublishedArticleFactory(blocks=blocks))
        assert html.count("data-paragraph-link") == 2
        assertInHTML(_pilcrow(1), html)
        assertInHTML(_pilcrow(2), html)
        assertInHTML('<h2 class="story-subheading">Next</h2>', html)
        assert re.search(r'<script src="/static/js/story[.\w]*\.js" defer></script>', html)

    def test_dateline_opens_the_first_paragraph(self, client):
        """The dateline leads the first paragraph, as in print."""
        article = PublishedArticleFactory(dateline="UNITED NATIONS")
        html = _page(client, article)
        assert '<span class="dateline">UNITED NATIONS</span> — The council met' in html

    def test_lead_image_and_image_blocks_render_as_figures(self, client):
        """Images carry alt text, caption and credit in a figure."""
        article = PublishedArticleFactory(
            lead_image=_png("lead.png"),
            lead_image_alt="Councillors at the vote",
            lead_image_caption="The vote on Tuesday.",
            lead_image_credit="Photo: A. Photographer",
        )
        Block.objects.create(
            article=article,
            position=10,
            kind="image",
            image=_png("chart.png"),
            image_alt="Chart of spending",
            image_caption="Spending since 2010.",
        )
        html = _page(client, article)
        assert f'<img src="{article.lead_image.url}" alt="Councillors at the vote"' in html
        assert "The vote on Tuesday." in html
        assert '<span class="credit">Photo: A. Photographer</span>' in html
        assert 'alt="Chart of spending"' in html
        assert "<figcaption>Spending since 2010.</figcaption>" in html

    def test_tags_are_listed(self, client):
        """The story's topics are shown under the body."""
        article = PublishedArticleFactory()
        article.tags.add("budget")
        assert '<span class="tag">budget</span>' in _page(client, article)

    def test_desk_preview_of_a_draft_is_marked_and_not_indexable(self, rf):
        """The desk's preview says it is a preview and carries no structured data."""
        draft = ArticleFactory(headline="Draft headline")
        html = render_to_string(
            "articles/article.html",
            {"article": Article.objects.with_page_data().get(pk=draft.pk), "preview": True},
            request=rf.get("/"),
        )
        assert "<strong>Preview.</strong> This story is draft" in html
        assert '<meta name="robots" content="noindex, nofollow">' in html
        assert "application/ld+json" not in html
        assert "Draft headline</h1>" in html


class TestCorrections:
    def test_corrected_paragraph_carries_a_marker_linking_to_the_note(self, client):
        """A reader at paragraph 2 can see it was corrected and jump to the note."""
        note = CorrectionNoteFactory(paragraphs=[2])
        html = _page(client, note.article)
        paragraph = _element(html, "p2")
        assert f'class="correction-mark" href="#correction-{note.pk}"' in paragraph
        assert 'aria-label="Correction to this paragraph' in paragraph
        assert "correction-mark" not in _element(html, "p1")

    def test_corrections_block_shows_date_kind_text_and_paragraph_link(self, client):
        """The Corrections block dates each note and links back to the paragraph."""
        note = CorrectionNoteFactory(
            kind="clarification", paragraphs=[1, 3], text="We clarified who voted."
        )
        html = _page(client, note.article)
        block = html.split('id="corrections"')[1]
        assert '<h2 id="corrections-heading">Corrections</h2>' in block
        assert f'id="correction-{note.pk}"' in block
        assert f'<time datetime="{note.published_at:%Y-%m-%dT%H:%M:%S%z}">' in block
        assert "Clarification</span>" in block
        assert "We clarified who voted." in block
        assert '<a href="#p1">paragraph 1</a>' in block
        assert '<a href="#p3">paragraph 3</a>' in block

    def test_note_text_is_escaped(self, client):
        """A note's text is shown as text, never as markup."""
        note = CorrectionNoteFactory(text="We wrote <b>wrongly</b>.")
        html = _page(client, note.article)
        assert "We wrote &lt;b&gt;wrongly&lt;/b&gt;." in html

    def test_withdrawn_note_is_not_shown(self, client, superuser):
        """A withdrawn note leaves the page: no block, no marker."""
        note = CorrectionNoteFactory(paragraphs=[2], text="A note issued by mistake.")
        services.correction_note_withdraw(note=note, actor=superuser, reason="Wrong story.")
        html = _page(client, note.article)
        assert "A note issued by mistake." not in html
        assert "correction-mark" not in html
        assert 'id="corrections"' not in html

    def test_unpublished_note_is_not_shown(self, client):
        """A note still pending publication is not shown."""
        note = CorrectionNoteFactory(published_at=None, text="Pending note text.")
        assert "Pending note text." not in _page(client, note.article)


class TestSources:
    def test_sources_are_grouped_by_source_in_order_of_appearance(self, client):
        """Each source appears once, in the order readers meet it, with its quotes."""
        article = PublishedArticleFactory(
            blocks=[
                ("paragraph", "The treasurer said costs rose."),
                ("paragraph", "“We will balance the books,” the mayor said."),
                ("paragraph", "The mayor added: “No new taxes.”"),
            ]
        )
        council = SourceFactory(name="City Council", slug="city-council")
        mayor = SourceFactory(name="Jo Mayor", slug="jo-mayor", role="Mayor", affiliation=council)
        treasurer = SourceFactory(name="Tim Treasurer", slug="tim-treasurer", role="Treasurer")
        AttributionFactory(article=article, source=mayor, text="No new taxes.", paragraph=3)
        AttributionFactory(
            article=article, source=mayor, paragraph=2, url="https://example.org/speech"
        )
        AttributionFactory(
            article=article,
            source=treasurer,
            kind="paraphrase",
            text="costs rose",
            paragraph=1,
        )
        html = _page(client, article)
        sources = html.split('id="sources"')[1]
        assert sources.index("Tim Treasurer") < sources.index("Jo Mayor")
        assert sources.count('<a href="/sources/jo-mayor/">Jo Mayor</a>') == 1
        assert '<a href="/sources/tim-treasurer/">Tim Treasurer</a>' in sources
        assert 'Mayor, <a href="/sources/city-council/">City Council</a>' in sources
        assert "Paraphrase" in sources
        assert "Direct quote" in sources
        assert '<a class="attribution-paragraph" href="#p1">paragraph 1</a>' in sources
        mayor_group = sources.split("Jo Mayor")[1]
        assert mayor_group.index('href="#p2"') < mayor_group.index('href="#p3"')
        assert 'href="https://example.org/speech"' in mayor_group

    def test_no_sources_block_without_attributions(self, client):
        """A story with no attributions has no empty Sources heading."""
        assert 'id="sources"' not in _page(client, PublishedArticleFactory())

    def test_javascript_link_to_original_is_dropped(self, client):
        """A stored ``javascript:`` URL never becomes a link."""
        attribution = AttributionFactory(url="javascript:alert(1)")
        assert "javascript:" not in _page(client, attribution.article)


class TestSourcesShowWhatEachAttributionIs:
    """Issue 10: only direct quotes stand in quote marks; the rest read as what they are."""

    @pytest.fixture
    def article(self):
        article = PublishedArticleFactory(
            blocks=[
                ("paragraph", "“We will rebuild,” the mayor said."),
                ("paragraph", "The mayor said the town would rebuild the bridge first."),
                ("paragraph", "The Gazette reported that repairs would take a year."),
                ("paragraph", "The council's plan sets aside $2 million for repairs."),
                ("paragraph", "Flood claims rose 40 percent, insurance figures show."),
            ]
        )
        mayor = SourceFactory(name="Jo Mayor", slug="jo-mayor")
        for kind, source, paragraph, text in [
            ("quote", mayor, 1, "We will rebuild,"),
            ("paraphrase", mayor, 2, "the town would rebuild the bridge first"),
            ("report", SourceFactory(name="The Gazette"), 3, "repairs would take a year"),
            ("document", SourceFactory(name="Council plan"), 4, "sets aside $2 million"),
            ("data", SourceFactory(name="Insurers"), 5, "Flood claims rose 40 percent"),
        ]:
            AttributionFactory(
                article=article, source=source, kind=kind, paragraph=paragraph, text=text
            )
        return article

    def _items(self, html: str) -> dict[str, str]:
        sources = html.split('id="sources"')[1]
        return {
            kind: re.sub(r"\s+", " ", item)
            for kind, item in re.findall(
                r'<li class="attribution attribution-(\w+)">(.*?)</li>', sources, re.S
            )
        }

    def test_only_the_direct_quote_is_in_quote_marks(self, client, article):
        """The quote is a ``<q>``; the paraphrase, report, document and data are excerpts
        after a lead saying what they are, with no quote element or marks."""
        items = self._items(_page(client, article))

        assert '<q class="attribution-text">We will rebuild,</q>' in items["quote"]
        for kind, lead, words in [
            ("paraphrase", "Said, in the story’s words:", "the town would rebuild the bridge"),
            ("report", "Reported:", "repairs would take a year"),
            ("document", "According to the document:", "sets aside $2 million"),
            ("data", "According to the data:", "Flood claims rose 40 percent"),
        ]:
            item = items[kind]
            assert f'<span class="attribution-lead">{lead}</span>' in item
            assert words in item
            assert "<q" not in item
            visible = re.sub(r"<[^>]+>", "", item)
            assert not any(mark in visible for mark in '“”‘"')

    def test_a_quote_stored_with_its_marks_is_not_quoted_twice(self, client):
        """Words attributed with their own quote marks show in one pair, not two."""
        article = PublishedArticleFactory(blocks=[("paragraph", "“We will rebuild,” she said.")])
        AttributionFactory(article=article, paragraph=1, text="“We will rebuild,”")

        items = self._items(_page(client, article))

        assert '<q class="attribution-text">We will rebuild,</q>' in items["quote"]

    def test_the_source_page_shows_quotes_in_marks_and_the_rest_as_they_are(self, client, article):
        """On a source's page too, a quote is quoted and a paraphrase is not."""
        html = client.get("/sources/jo-mayor/").content.decode()
        entries = re.findall(r'<li class="source-attribution">(.*?)</li>', html, re.S)
        quote, paraphrase = sorted(entries, key=lambda e: "paraphrase" in e.lower())

        assert "<q>We will rebuild,</q>" in quote
        assert '<span class="attribution-lead">Said, in the story’s words:</span>' in paraphrase
        assert "<q>" not in paraphrase
        assert "<blockquote" not in paraphrase


class TestEscaping:
    def test_script_in_stored_block_text_never_runs(self, client):
        """A script tag stored raw in a block is dropped on the way out."""
        article = PublishedArticleFactory()
        Block.objects.create(
            article=article,
            position=10,
            kind="paragraph",
            text="Hello <script>alert(1)</script> world",
        )
        html = _page(client, article)
        assert "<script>alert(1)</script>" not in html
        assert "alert(1)" not in html

    def test_script_typed_as_text_is_shown_as_text(self, client):
        """A reporter who writes "<script>" in a paragraph gets the literal words."""
        article = PublishedArticleFactory(blocks=[("paragraph", "Type <script>alert(1)</script>.")])
        html = _page(client, article)
        assert "<script>alert(1)" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html

    def test_sanitised_block_keeps_links_and_emphasis(self, client):
        """Links and emphasis survive; ``javascript:`` links lose their href."""
        text = body.sanitize_inline(
            'See <a href="https://example.org">link</a>, <em>really</em> '
            '<a href="javascript:alert(1)">this</a>.'
        )
        article = PublishedArticleFactory(blocks=[])
        Block.objects.create(article=article, position=1, kind="paragraph", text=text)
        html = _page(client, article)
        assertInHTML(
            '<a href="https://example.org" rel="noopener noreferrer">link</a>', _element(html, "p1")
        )
        assert "<em>really</em>" in html
        assert "javascript:" not in html

    def test_headline_markup_is_escaped(self, client):
        """A headline is text: its angle brackets are escaped everywhere."""
        article = PublishedArticleFactory(headline="A <b>bold</b> claim")
        html = _page(client, article)
        assert "<b>bold</b>" not in html
        assert "A &lt;b&gt;bold&lt;/b&gt; claim" in html


# The first read of a stale rendering: the page's own query, seven to gather the story (the
# story, bylines, blocks, attributions, the notes readers see, tags, and every published
# note for the ninjs document kept with it), and the store (an UPDATE in a savepoint of its
# own: two more statements inside a test's transaction).
RERENDER_QUERIES = 11


class TestQueryCount:
    def test_article_page_costs_one_query_whatever_its_size(
        self, client, settings, django_assert_num_queries
    ):
        """Read from its prepared rendering, the page is one query (the story with its
        section and rendering) with 3 or 23 blocks, 1 or 4 bylines, 0 or 10 attributions and
        0 or 5 notes; re-rendering it after a change costs the same handful of queries
        whatever its size."""
        settings.NEWSROOM_PAGE_CACHE = False  # count the view's queries, not a cache hit
        article = PublishedArticleFactory(bylines=1)
        article.tags.add("budget", "council")
        url = article.get_absolute_url()
        # The first request also fills the cached section navigation and prepares the
        # rendering; the assertions are about the later requests.
        client.get(url)
        with django_assert_num_queries(1):
            client.get(url)

        for position in range(4, 24):
            Block.objects.create(
                article=article, position=position, kind="paragraph", text=f"More {position}."
            )
        for position in range(1, 4):
            Byline.objects.create(article=article, author=AuthorFactory(), position=position)
        council = SourceFactory()
        for paragraph in range(1, 11):
            AttributionFactory(
                article=article,
                source=SourceFactory(affiliation=council),
                kind="data",
                text=f"More {paragraph + 3}.",
                paragraph=paragraph + 3,
            )
        for paragraph in range(5):
            CorrectionNoteFactory(article=article, paragraphs=[paragraph + 1])

        # Stale (its rows changed): the story with its section and rendering, then the
        # rendering made again from the story, bylines, blocks, attributions, notes and
        # tags, and stored.
        with django_assert_num_queries(RERENDER_QUERIES):
            response = client.get(url)
        html = response.content.decode()
        assert 'id="p23"' in html
        assert html.count('class="correction-mark"') == 5
        assert html.count('class="source-group"') == 10
        assert html.count('rel="author"') == 4
        with django_assert_num_queries(1):
            assert client.get(url).content.decode() == html
