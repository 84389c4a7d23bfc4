"""The newsroom's content model.

Articles carry their body as ordered, typed blocks (``Block``); ``articles.body`` is the one
place that decides which blocks are numbered paragraphs. Corrections (``CorrectionNote``) and
attributions (``Attribution``) point at those paragraph numbers. Every editorial save leaves
an immutable ``Revision``; every state change leaves an ``ArticleEvent``.

Writes go through ``articles.services``; the models only hold data, read-only helpers and the
guards that keep published notes and revisions append-only.
"""

from __future__ import annotations

import enum
import re
import secrets
import string

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from taggit.managers import TaggableManager

from articles import body
from articles.exceptions import ImmutableRecordError
from articles.images import validate_image
from articles.querysets import ArticleQuerySet, CorrectionNoteQuerySet, RevisionQuerySet


class Section(models.Model):
    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(
        default=0, help_text="Order in the site navigation, lowest first."
    )

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("articles:section", kwargs={"slug": self.slug})


class Author(models.Model):
    """A byline. Usually tied to a desk account; freelancers and wire staff may have none."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="author",
    )
    display_name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120, unique=True)
    title = models.CharField(max_length=120, blank=True, help_text="Job title or beat.")
    bio = models.TextField(blank=True, max_length=1000)

    class Meta:
        ordering = ["display_name"]

    def __str__(self) -> str:
        return self.display_name

    def get_absolute_url(self) -> str:
        return reverse("articles:author", kwargs={"slug": self.slug})


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "in_review", "In review"
        CHANGES_REQUESTED = "changes_requested", "Changes requested"
        APPROVED = "approved", "Approved"
        SCHEDULED = "scheduled", "Scheduled"
        PUBLISHED = "published", "Published"
        UNPUBLISHED = "unpublished", "Unpublished"
        RETRACTED = "retracted", "Retracted"

        # Named sets of statuses, declared once; every rule that asks "is this story live?"
        # reads one of these (``articles.visibility`` turns them into what a reader gets).
        #: Readers can read the story at its URL (a retracted one under its notice).
        READABLE = enum.nonmember(frozenset({"published", "retracted"}))
        #: Search engines may index the page (a retraction asks not to be indexed).
        INDEXABLE = enum.nonmember(frozenset({"published"}))
        #: Readers once read it and it was taken down: its URL answers 410 Gone.
        GONE = enum.nonmember(frozenset({"unpublished"}))
        #: Readers saw the wording: no plain edit changes it (a published story changes
        #: only through a correction; unpublished and retracted ones not at all).
        FROZEN = enum.nonmember(frozenset({"published", "unpublished", "retracted"}))
        #: A change to a story in one of these states can change what readers get.
        READER_FACING = enum.nonmember(frozenset({"published", "retracted", "unpublished"}))

    # The allowed moves, written down once (Oscar's ``pipeline``). ``articles.services``
    # says who may take each move; templates read ``available_transitions()``. Moving
    # straight from draft or review to scheduled/published skips review, which only a
    # holder of ``publish_article`` (an Editor) can do. Correcting is not a move: it is an
    # action on a published article.
    TRANSITIONS: dict[str, set[str]] = {
        Status.DRAFT: {Status.IN_REVIEW, Status.SCHEDULED, Status.PUBLISHED},
        Status.IN_REVIEW: {
            Status.DRAFT,
            Status.CHANGES_REQUESTED,
            Status.APPROVED,
            Status.SCHEDULED,
            Status.PUBLISHED,
        },
        Status.CHANGES_REQUESTED: {Status.IN_REVIEW, Status.DRAFT},
        Status.APPROVED: {Status.CHANGES_REQUESTED, Status.SCHEDULED, Status.PUBLISHED},
        Status.SCHEDULED: {Status.APPROVED, Status.PUBLISHED},
        Status.PUBLISHED: {Status.UNPUBLISHED, Status.RETRACTED},
        # Back up as it was; a story readers saw never becomes a draft again, so its wording
        # can only change through a correction.
        Status.UNPUBLISHED: {Status.PUBLISHED},
        # A retraction is final: the story stays readable under its notice, never edited.
        Status.RETRACTED: set(),
    }

    class Kind(models.TextChoices):
        NEWS = "news", "News"
        ANALYSIS = "analysis", "Analysis"
        OPINION = "opinion", "Opinion"
        EXPLAINER = "explainer", "Explainer"

    headline = models.CharField(max_length=200)
    slug = models.SlugField(
        max_length=200, unique=True, help_text="The URL; it never changes once published."
    )
    dek = models.CharField("standfirst", max_length=400, blank=True)
    dateline = models.CharField(max_length=120, blank=True, help_text="e.g. UNITED NATIONS")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.NEWS)
    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="articles")
    authors = models.ManyToManyField(Author, through="Byline", related_name="articles", blank=True)
    credit_line = models.CharField(
        max_length=200, blank=True, help_text="Free-text credit, e.g. “Staff and wire reports”."
    )
    tags = TaggableManager(blank=True)

    lead_image = models.ImageField(upload_to="lead/%Y/%m/", blank=True, validators=[validate_image])
    lead_image_caption = models.CharField(max_length=400, blank=True)
    lead_image_alt = models.CharField("lead image alt text", max_length=300, blank=True)
    lead_image_credit = models.CharField(max_length=200, blank=True)

    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    scheduled_at = models.DateTimeField(
        null=True, blank=True, help_text="When a scheduled article goes live."
    )
    first_published_at = models.DateTimeField(null=True, blank=True, db_index=True)
    held_reason = models.TextField(
        blank=True,
        editable=False,
        help_text="Why the scheduler did not publish the story when it fell due; cleared by "
        "the story's next move.",
    )
    updated_at = models.DateTimeField(
        "last substantive update",
        null=True,
        blank=True,
        help_text="Shown to readers; moves only with substantive changes.",
    )
    note_anchors = models.JSONField(
        default=dict,
        blank=True,
        editable=False,
        help_text="Where each published note's paragraphs stand now, after later corrections "
        "moved them ({note id: [paragraph numbers]}); the notes themselves never change.",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    modified_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    # Kept by ``articles.search.index_article`` whenever a service changes the article, never
    # written by forms. ``search_vector`` is a GIN-indexed tsvector on PostgreSQL (the index
    # is made in migration 0004, PostgreSQL only); on SQLite it stays empty and search falls
    # back to ``body_text``.
    body_text = models.TextField(
        blank=True, editable=False, help_text="The numbered paragraphs as plain text."
    )
    search_vector = SearchVectorField(null=True, editable=False)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-first_published_at", "-created_at"]
        indexes = [
            models.Index(fields=["status", "-first_published_at"]),
            # Reader lists, newest first and paged by key (``articles.pagination``): only the
            # stories readers can read (``Status.READABLE``, spelled out because Meta cannot
            # see Status; tests/articles/test_list_pagination.py holds them equal).
            models.Index(
                fields=["-first_published_at", "-id"],
                condition=models.Q(status__in=["published", "retracted"]),
                name="article_readable_latest",
            ),
            models.Index(
                fields=["section", "-first_published_at", "-id"],
                condition=models.Q(status__in=["published", "retracted"]),
                name="article_readable_section",
            ),
            # The desk's list, newest change first and paged by key
            # (``articles.selectors.DESK_LIST_KEYS``): all of it, one status, one section.
            # Its headline search has a trigram index too, PostgreSQL only (migration 0010).
            models.Index(fields=["-modified_at", "-id"], name="article_desk_latest"),
            models.Index(fields=["status", "-modified_at", "-id"], name="article_desk_status"),
            models.Index(fields=["section", "-modified_at", "-id"], name="article_desk_section"),
        ]
        permissions = [
            ("use_desk", "Can use the newsroom desk"),
            ("submit_article", "Can submit own articles for review"),
            ("copyedit_article", "Can edit the text of articles in review"),
            ("edit_any_article", "Can edit any article"),
            ("review_article", "Can request changes and approve"),
            ("publish_article", "Can schedule, publish and unpublish"),
            ("correct_article", "Can issue corrections"),
            ("retract_article", "Can retract published articles"),
            ("share_preview", "Can share preview links to unpublished articles"),
        ]

    def __str__(self) -> str:
        return self.headline

    def get_absolute_url(self) -> str:
        return reverse("articles:article", kwargs={"slug": self.slug})

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def reader_outcome(self):
        """What a reader gets at this story's URL (``articles.visibility.reader_outcome``)."""
        from articles.visibility import reader_outcome

        return reader_outcome(self)

    @property
    def was_updated(self) -> bool:
        return bool(
            self.updated_at
            and self.first_published_at
            and self.updated_at > self.first_published_at
        )

    def can_transition_to(self, status: str) -> bool:
        return status in self.TRANSITIONS.get(self.status, set())

    def available_transitions(self) -> list[str]:
        return sorted(self.TRANSITIONS.get(self.status, set()))

    def numbered_blocks(self) -> list[body.NumberedBlock]:
        """The body in order, each block with its reader-facing paragraph number (or None)."""
        return body.number_blocks(self.blocks.all())

    def paragraph_texts(self) -> dict[int, str]:
        """Paragraph number -> plain text, as readers see it."""
        return body.paragraph_texts(self.blocks.all())


class Byline(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="bylines")
    author = models.ForeignKey(Author, on_delete=models.PROTECT, related_name="bylines")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["article", "author"], name="byline_unique_author")
        ]

    def __str__(self) -> str:
        return f"{self.author} on {self.article}"


#: A block's stable identity (``Block.uid``): what the desk's editor sends back for a block.
BLOCK_UID_RE = re.compile(r"[A-Za-z0-9_-]{1,32}")
_UID_ALPHABET = string.ascii_letters + string.digits


def new_block_uid() -> str:
    """A fresh block identity: 8 random letters and digits (62**8, about 2e14, per story)."""
    return "".join(secrets.choice(_UID_ALPHABET) for _ in range(8))


class Block(models.Model):
    """One piece of the body. ``text`` holds plain text with a small sanitised inline set.

    ``uid`` is the block's identity within its story: it stays the same through edits, moves
    and the first half of a split, so attributions and note anchors follow their words
    (``services.base.assign_uids``; ``services.editing.paragraph_moves``).
    """

    class Kind(models.TextChoices):
        PARAGRAPH = "paragraph", "Paragraph"
        SUBHEADING = "subheading", "Subheading"
        BLOCKQUOTE = "blockquote", "Block quote"
        IMAGE = "image", "Image"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="blocks")
    uid = models.CharField(max_length=32, db_index=True, default=new_block_uid, editable=False)
    position = models.PositiveIntegerField()
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.PARAGRAPH)
    text = models.TextField(blank=True)
    image = models.ImageField(upload_to="body/%Y/%m/", blank=True, validators=[validate_image])
    image_alt = models.CharField(max_length=300, blank=True)
    image_caption = models.CharField(max_length=400, blank=True)
    image_credit = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["article", "position"], name="block_unique_position"),
            models.UniqueConstraint(fields=["article", "uid"], name="block_unique_uid"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.position}: {body.plain_text(self.text)[:60]}"

    def clean(self) -> None:
        self.text = body.sanitize_inline(self.text)
        if self.kind == self.Kind.IMAGE:
            if not self.image:
                raise ValidationError({"image": "An image block needs an image."})
            if not self.image_alt.strip():
                raise ValidationError(
                    {"image_alt": "Describe the image for readers who can't see it."}
                )
        elif not body.plain_text(self.text).strip():
            raise ValidationError({"text": "This block is empty."})


class Source(models.Model):
    """A person, organisation or document that the newsroom quotes or cites."""

    class Kind(models.TextChoices):
        PERSON = "person", "Person"
        ORGANISATION = "organisation", "Organisation"
        PUBLICATION = "publication", "News outlet"
        DOCUMENT = "document", "Document"

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.PERSON)
    role = models.CharField(max_length=200, blank=True, help_text="Role or title.")
    affiliation = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="members"
    )
    url = models.URLField(blank=True)
    aliases = models.JSONField(
        default=list,
        blank=True,
        help_text="Other names the source goes by (“Haley”, “the US ambassador”).",
    )
    former_slugs = models.JSONField(
        default=list, blank=True, editable=False, help_text="Slugs of sources merged into this one."
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("articles:source", kwargs={"slug": self.slug})

    def clean(self) -> None:
        if self.affiliation_id and self.affiliation_id == self.pk:
            raise ValidationError({"affiliation": "A source cannot be affiliated with itself."})
        if not isinstance(self.aliases, list) or not all(isinstance(a, str) for a in self.aliases):
            raise ValidationError({"aliases": "Aliases are a list of names."})
        self.aliases = sorted({a.strip() for a in self.aliases if a.strip()} - {self.name})


class Attribution(models.Model):
    """Ties a passage of the body to the source it comes from."""

    class Kind(models.TextChoices):
        DIRECT_QUOTE = "quote", "Direct quote"
        PARAPHRASE = "paraphrase", "Paraphrase"
        REPORT = "report", "Report by another outlet"
        DOCUMENT = "document", "Document"
        DATA = "data", "Data"
        PHOTO = "photo", "Photo credit"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="attributions")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="attributions")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    text = models.TextField(help_text="The exact words attributed, as they stand in the body.")
    paragraph = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Paragraph number the text stands in."
    )
    url = models.URLField("link to the original", blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["paragraph", "pk"]

    def __str__(self) -> str:
        return f"{self.source}: {self.text[:60]}"

    def get_absolute_url(self) -> str:
        anchor = f"#p{self.paragraph}" if self.paragraph else ""
        return self.article.get_absolute_url() + anchor

    def clean(self) -> None:
        if self.kind == self.Kind.PHOTO:
            return
        if not self.paragraph:
            raise ValidationError({"paragraph": "Give the paragraph this text stands in."})
        if not self.article_id:
            return
        paragraphs = self.article.paragraph_texts()
        if self.paragraph not in paragraphs:
            raise ValidationError({"paragraph": f"The story has no paragraph {self.paragraph}."})
        if not body.contains(paragraphs[self.paragraph], self.text):
            raise ValidationError(
                {"text": f"These words do not stand in paragraph {self.paragraph}."}
            )


class CorrectionNote(models.Model):
    """A public note about a change to a story. Append-only once published.

    A published note cannot be edited or deleted through ``save()``, ``delete()`` or the
    queryset's ``update()``/``delete()``; ``articles.services.correction_note_withdraw`` is the
    one way to take it down, and it keeps the note and records who withdrew it and why.
    """

    class Kind(models.TextChoices):
        CORRECTION = "correction", "Correction"
        CLARIFICATION = "clarification", "Clarification"
        UPDATE = "update", "Update"
        EDITORS_NOTE = "editors_note", "Editor’s note"
        RETRACTION = "retraction", "Retraction"

    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="corrections")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.CORRECTION)
    text = models.TextField(help_text="The note as readers will read it.")
    paragraphs = models.JSONField(
        default=list, blank=True, help_text="Paragraph numbers the note concerns."
    )
    before = models.CharField("words before", max_length=500, blank=True)
    after = models.CharField("words after", max_length=500, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    issued_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(
        null=True, blank=True, help_text="Set when readers can see the note; frozen from then on."
    )
    prominent = models.BooleanField(
        "show above the story",
        default=False,
        help_text="For serious corrections and retractions: also shown above the headline.",
    )
    revision = models.ForeignKey(
        "Revision",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notes",
        help_text="The revision this note describes.",
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    withdrawal_reason = models.TextField(blank=True)

    objects = CorrectionNoteQuerySet.as_manager()

    class Meta:
        ordering = ["issued_at", "pk"]
        permissions = [("withdraw_correctionnote", "Can withdraw published correction notes")]
        indexes = [
            # The corrections log and its feeds, newest first, paged by key.
            models.Index(
                fields=["-issued_at", "-id"],
                condition=models.Q(published_at__isnull=False, withdrawn_at__isnull=True),
                name="correctionnote_public_latest",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.article}"

    def save(self, *args, **kwargs) -> None:
        if self.pk and type(self).objects.filter(pk=self.pk, published_at__isnull=False).exists():
            raise ImmutableRecordError("A published correction note cannot be edited.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.pk and type(self).objects.filter(pk=self.pk, published_at__isnull=False).exists():
            raise ImmutableRecordError("A published correction note cannot be deleted.")
        return super().delete(*args, **kwargs)

    save.alters_data = True
    delete.alters_data = True

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def anchors(self) -> list[int]:
        """The paragraphs the note concerns, numbered as the story stands now."""
        return self.article.note_anchors.get(str(self.pk), self.paragraphs)

    @property
    def first_paragraph(self) -> int | None:
        anchors = self.anchors
        return min(anchors) if anchors else None

    def clean(self) -> None:
        if not isinstance(self.paragraphs, list) or not all(
            isinstance(n, int) and n > 0 for n in self.paragraphs
        ):
            raise ValidationError({"paragraphs": "Paragraph numbers must be whole numbers from 1."})
        self.paragraphs = sorted(set(self.paragraphs))
        if self.article_id and self.paragraphs:
            known = self.article.paragraph_texts()
            missing = [n for n in self.paragraphs if n not in known]
            if missing:
                raise ValidationError(
                    {"paragraphs": f"The story has no paragraph {', '.join(map(str, missing))}."}
                )
        if not self.text.strip():
            raise ValidationError({"text": "A note needs text readers can read."})


class Revision(models.Model):
    """An immutable snapshot of an article's editorial fields and body at one save."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    message = models.CharField(max_length=300, blank=True)
    snapshot = models.JSONField()

    objects = RevisionQuerySet.as_manager()

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="revision_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.article} r{self.number}"

    def save(self, *args, **kwargs) -> None:
        if self.pk:
            raise ImmutableRecordError("Revisions are immutable.")
        super().save(*args, **kwargs)

    save.alters_data = True


class ReviewComment(models.Model):
    """An internal note between reporter and editors. Never shown to readers."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(max_length=5000)
    revision_number = models.PositiveIntegerField(
        null=True, blank=True, help_text="The revision the comment was written against."
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Comment by {self.author} on {self.article}"


class ArticleEvent(models.Model):
    """The audit trail: who did what to which article, when, from which state to which."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=60, db_index=True, help_text="e.g. article.publish")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    message = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.action} on {self.article_id} by {self.actor or 'system'}"


class PreviewLink(models.Model):
    """A shared preview of an unpublished story, for someone without a desk account.

    Minted and revoked through ``articles.services`` (logged as events), listed on the
    story's desk page. Only a hash of the token is stored: the link is shown once, when it is
    made. ``articles.visibility.preview_outcome`` decides what the link shows.
    """

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="preview_links")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Preview of {self.article} by {self.created_by or 'system'}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


class ArticleRendering(models.Model):
    """What readers get of one story, rendered once when it changes and read many times.

    ``articles.rendering`` writes it (``prepare``) after every change readers could see and
    reads it on the article page and in lists; nothing else does. ``version`` names the
    templates and settings it was made with (empty once a write elsewhere made it stale:
    a source, author, section or tag renamed), ``read_at`` when the data it shows was read
    from the database, so a slow render of older data never replaces a newer one.
    Absolute URLs in ``head_html`` and ``ninjs_json`` start with ``articles.rendering.ORIGIN``,
    replaced by the host the reader asked for.
    """

    article = models.OneToOneField(
        Article, primary_key=True, on_delete=models.CASCADE, related_name="rendering"
    )
    revision = models.PositiveIntegerField(
        null=True, blank=True, help_text="The article's latest revision when it was rendered."
    )
    status = models.CharField(max_length=20, help_text="The status it was rendered for.")
    version = models.CharField(max_length=64, blank=True)
    read_at = models.DateTimeField()
    rendered_at = models.DateTimeField(default=timezone.now)
    head_html = models.TextField(blank=True)
    story_html = models.TextField(blank=True)
    teaser_html = models.TextField(blank=True)
    section_teaser_html = models.TextField(blank=True)
    lead_html = models.TextField(blank=True)
    # The read API's: the story's ninjs document (``articles.ninjs.prepared``, URLs under
    # ORIGIN) and its version, empty for a story readers never saw.
    ninjs_json = models.TextField(blank=True)
    ninjs_version = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = "article rendering"

    def __str__(self) -> str:
        return f"Rendering of article {self.article_id} r{self.revision}"
