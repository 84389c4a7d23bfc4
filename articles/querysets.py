"""Who may see what, and what a page needs loaded, written once on the querysets."""

from __future__ import annotations

from django.db import models
from django.db.models import Exists, OuterRef, Prefetch, Q, Subquery
from django.utils import timezone

from articles.exceptions import ImmutableRecordError
from articles.visibility import published_q

__all__ = [
    "ArticleQuerySet",
    "CorrectionNoteQuerySet",
    "RevisionQuerySet",
    "owned_q",
    "published_q",
]


# What a teaser list reads of each story besides its fragment: the keys it is ordered and
# paged by, and what says whether the fragment is current.
LIST_FIELDS = ("pk", "slug", "status", "first_published_at", "section_id", "headline")
# What the article page reads of the story itself: whether readers may see it
# (``reader_outcome``), its title and description, what the 410 page says, and its
# section (a surrogate key, ``articles.surrogates``).
PAGE_FIELDS = ("pk", "slug", "status", "first_published_at", "headline", "dek", "section_id")
# What the read API says of a correction note (``api.serializers``), for both the article
# document and the corrections log.
NOTE_API_FIELDS = (
    "kind",
    "text",
    "paragraphs",
    "before",
    "after",
    "issued_at",
    "published_at",
    "prominent",
)
# What the read API (``api.serializers``) and the ninjs document it versions by read of a
# story, and of each source it attributes words to.
API_FIELDS = (
    *PAGE_FIELDS,
    "kind",
    "dateline",
    "credit_line",
    "lead_image",
    "lead_image_caption",
    "lead_image_alt",
    "lead_image_credit",
    "updated_at",
    "created_at",
    "note_anchors",
)
API_SOURCE_FIELDS = ("name", "slug", "kind", "role")


def owned_q(user) -> Q:
    """A user's own work: articles they started or carry a byline on.

    The byline is an ``EXISTS``, not a join: a join repeats a story once per byline, and
    the ``DISTINCT`` that undoes it makes PostgreSQL sort the whole archive before it can
    return the first page of a reporter's desk list.
    """
    from articles.models import Byline

    bylined = Byline.objects.filter(article=OuterRef("pk"), author__user=user)
    return Q(created_by=user) | Q(Exists(bylined))


class ArticleQuerySet(models.QuerySet):
    def published(self) -> ArticleQuerySet:
        """Articles readers may see. Every reader-facing path starts here."""
        return self.filter(published_q())

    def indexable(self) -> ArticleQuerySet:
        """Published stories whose page search engines may index (what sitemaps list)."""
        return self.filter(published_q(indexable=True))

    def for_desk(self, user) -> ArticleQuerySet:
        """Articles a desk user may open: everything for editors and copy editors; a
        reporter's own work (started or bylined) plus what is published."""
        if not user.is_authenticated or not user.has_perm("articles.use_desk"):
            return self.none()
        if user.has_perm("articles.edit_any_article") or user.has_perm("articles.copyedit_article"):
            return self.all()
        return self.filter(owned_q(user) | published_q())

    def due(self, now=None) -> ArticleQuerySet:
        """Scheduled articles whose time has come."""
        from articles.models import Article

        return self.filter(status=Article.Status.SCHEDULED, scheduled_at__lte=now or timezone.now())

    def latest_first(self) -> ArticleQuerySet:
        return self.order_by("-first_published_at", "-pk")

    def with_list_data(self) -> ArticleQuerySet:
        """What a list of teasers shows: section and bylines, in a fixed number of queries."""
        from articles.models import Byline

        return (
            self.select_related("section")
            .defer("body_text", "search_vector")
            .prefetch_related(Prefetch("bylines", queryset=Byline.objects.select_related("author")))
        )

    def with_teasers(self, *fragments: str) -> ArticleQuerySet:
        """A list of teasers from their prepared fragments (``articles.rendering``): one
        query, whatever the bylines; only the fragment fields named are read."""
        return self.select_related("rendering").only(
            *LIST_FIELDS,
            "rendering__version",
            "rendering__status",
            *(f"rendering__{name}" for name in fragments),
        )

    def with_rendering(self) -> ArticleQuerySet:
        """The article page from its prepared fragments (``articles.rendering``): the story
        and its rendering in one query, only the columns the page reads (a page whose
        rendering must be made again loads the rest itself)."""
        return self.select_related("rendering").only(
            *PAGE_FIELDS,
            "rendering__version",
            "rendering__status",
            "rendering__head_html",
            "rendering__story_html",
        )

    def with_desk_data(self) -> ArticleQuerySet:
        """What the desk's per-story permission checks read: the section and the bylines
        with their authors (``permissions.is_own``), in a fixed number of queries."""
        return self.with_list_data()

    def with_editor_data(self) -> ArticleQuerySet:
        """Everything the desk editor reads about its story, each relation loaded once:
        bylines with authors (permission checks, byline forms), blocks (body forms,
        paragraph numbers, the quote finder, the publish checks), attributions with their
        sources, and tags. One query for the article and one for each of the four, however
        many bylines, blocks and attributions the story has."""
        from articles.models import Attribution

        return self.with_desk_data().prefetch_related(
            "blocks",
            Prefetch("attributions", queryset=Attribution.objects.select_related("source")),
            "tags",
        )

    def with_page_data(self) -> ArticleQuerySet:
        """Everything the article page renders, in a fixed number of queries.

        One query each for the article (with its section), bylines, blocks, attributions
        (with sources) and public correction notes, plus one for tags.
        """
        from articles.models import Attribution, CorrectionNote

        return self.with_list_data().prefetch_related(
            "blocks",
            Prefetch(
                "attributions",
                queryset=Attribution.objects.select_related("source__affiliation"),
            ),
            Prefetch(
                "corrections",
                queryset=CorrectionNote.objects.filter(
                    published_at__isnull=False, withdrawn_at__isnull=True
                ),
                to_attr="public_corrections",
            ),
            "tags",
        )

    def with_version_data(self) -> ArticleQuerySet:
        """What a story's ninjs ``version`` and ``versioncreated`` read besides its notes
        (``articles.ninjs``), as columns of the story's own row: its latest revision's number
        and time, and when words were last attributed in it."""
        from articles.models import Attribution, Revision

        latest = Revision.objects.filter(article=OuterRef("pk")).order_by("-number")
        attributed = Attribution.objects.filter(article=OuterRef("pk")).order_by("-created_at")
        return self.annotate(
            latest_revision=Subquery(latest.values("number")[:1]),
            revised_at=Subquery(latest.values("created_at")[:1]),
            last_attributed_at=Subquery(attributed.values("created_at")[:1]),
        )

    def with_ninjs(self) -> ArticleQuerySet:
        """A story's ninjs document as it was prepared (``articles.rendering``): the story
        and its rendering in one query, only the columns the document needs."""
        return self.select_related("rendering").only(
            "pk",
            "status",
            "first_published_at",
            "rendering__version",
            "rendering__status",
            "rendering__ninjs_json",
            "rendering__ninjs_version",
        )

    def with_syndication_data(self) -> ArticleQuerySet:
        """Everything a story's ninjs document reads (``articles.ninjs``), in six queries
        whatever its size: the article (with its section, latest revision number and time),
        bylines, blocks, attributions (with sources), published notes (withdrawn ones too,
        whose withdrawal moved the story's version time) and tags."""
        from articles.models import Attribution, CorrectionNote

        return (
            self.with_list_data()
            .with_version_data()
            .prefetch_related(
                "blocks",
                Prefetch("attributions", queryset=Attribution.objects.select_related("source")),
                Prefetch(
                    "corrections",
                    queryset=CorrectionNote.objects.filter(published_at__isnull=False),
                    to_attr="published_notes",
                ),
                "tags",
            )
        )

    def changed_since(self, moment) -> ArticleQuerySet:
        """Stories in which readers saw something change at or after ``moment``: exactly
        those whose ninjs ``versioncreated`` (``articles.ninjs.version_created``) is not
        earlier, so a partner that syncs by it misses nothing: first publication, a
        substantive update, any revision (corrections and status moves make one), a note
        published or withdrawn, an attribution added."""
        from articles.models import Attribution, CorrectionNote, Revision

        article = OuterRef("pk")
        return self.filter(
            Q(first_published_at__gte=moment)
            | Q(updated_at__gte=moment)
            | Exists(Revision.objects.filter(article=article, created_at__gte=moment))
            | Exists(
                CorrectionNote.objects.filter(article=article, published_at__isnull=False).filter(
                    Q(published_at__gte=moment) | Q(withdrawn_at__gte=moment)
                )
            )
            | Exists(Attribution.objects.filter(article=article, created_at__gte=moment))
        )

    def with_api_summaries(self) -> ArticleQuerySet:
        """What the read API's story list reads (``api.serializers.ArticleSummarySerializer``),
        in three queries whatever the list's size: the stories (with their sections, latest
        revision number and time, and the ninjs version kept with their prepared rendering),
        bylines with authors, and published notes (withdrawn ones too: their withdrawal
        moved the version). Only the columns those read are loaded."""
        from articles.models import Byline, CorrectionNote

        return (
            self.select_related("section", "rendering")
            .only(
                *API_FIELDS,
                "section__name",
                "section__slug",
                # The ninjs version, kept with the prepared rendering (``articles.rendering``).
                "rendering__version",
                "rendering__status",
                "rendering__ninjs_version",
            )
            .with_version_data()
            .prefetch_related(
                Prefetch(
                    "bylines",
                    queryset=Byline.objects.select_related("author").only(
                        "article", "position", "author__display_name", "author__slug"
                    ),
                ),
                Prefetch(
                    "corrections",
                    queryset=CorrectionNote.objects.filter(published_at__isnull=False).only(
                        "article", *NOTE_API_FIELDS, "withdrawn_at"
                    ),
                    to_attr="published_notes",
                ),
            )
        )

    def with_api_data(self) -> ArticleQuerySet:
        """Everything the read API's article document reads (``api.serializers``), and so
        everything its ninjs ``version`` is made from when the kept one is stale, in six
        queries whatever the story's size: the summaries' three, then blocks, attributions
        with sources and their organisations, and tags."""
        from articles.models import Attribution

        return self.with_api_summaries().prefetch_related(
            "blocks",
            Prefetch(
                "attributions",
                queryset=Attribution.objects.select_related("source__affiliation").only(
                    "article",
                    "kind",
                    "text",
                    "paragraph",
                    "url",
                    "created_at",
                    *(f"source__{f}" for f in API_SOURCE_FIELDS),
                    *(f"source__affiliation__{f}" for f in API_SOURCE_FIELDS),
                ),
            ),
            "tags",
        )


class CorrectionNoteQuerySet(models.QuerySet):
    def public(self) -> CorrectionNoteQuerySet:
        """Notes readers see: published, not withdrawn, on a story readers can see."""
        return self.filter(
            published_q("article__"), published_at__isnull=False, withdrawn_at__isnull=True
        )

    def update(self, **kwargs) -> int:
        if self.filter(published_at__isnull=False).exists():
            raise ImmutableRecordError("Published correction notes cannot be edited.")
        return super().update(**kwargs)

    def delete(self):
        if self.filter(published_at__isnull=False).exists():
            raise ImmutableRecordError("Published correction notes cannot be deleted.")
        return super().delete()

    def _withdraw(self, **fields) -> int:
        # NOTE: the one write allowed on a published note, reached only through
        # articles.services.correction_note_withdraw, which records the trace.
        allowed = {"withdrawn_at", "withdrawn_by", "withdrawal_reason"}
        if set(fields) - allowed:
            raise ImmutableRecordError("Only the withdrawal fields of a note may change.")
        return super().update(**fields)

    update.alters_data = True
    delete.alters_data = True


class RevisionQuerySet(models.QuerySet):
    def update(self, **kwargs) -> int:
        raise ImmutableRecordError("Revisions are immutable.")

    update.alters_data = True
