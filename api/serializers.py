"""What the read API says about stories, notes, sources, authors and sections.

Serializers only read: every object comes from a queryset that already decided readers may
see it (``api.views``) and loaded what is read here (``Article.objects.with_api_data()``),
so serializing a page costs no query. URLs are absolute, under the host the client asked
for: ``url`` is the page on the site, ``api_url`` the record here.

A story is ``prepare``-d first: its ninjs ``version`` (``articles.ninjs``; the same value
the ninjs document carries), when readers last saw it change, and the notes readers see.
"""

from __future__ import annotations

from typing import Any

from django.core.files.storage import default_storage
from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from articles import body, ninjs, rendering, renditions
from articles.models import Article, Attribution, Author, Block, CorrectionNote, Section, Source


def prepare(article: Article, *, request, version: str | None = None) -> Article:
    """Work out what every serializer of ``article`` reads besides its fields; ``article``
    comes from ``with_api_data()`` (or ``with_api_summaries()`` with its ``version`` given)
    and is one readers can read."""
    if version is None:
        # Kept with the story's prepared rendering; made here (not kept) when that is stale.
        stored = rendering.stored_ninjs(article)
        version = stored.ninjs_version if stored else ninjs.version(article)
    article.api_version = version
    article.api_version_created = ninjs.version_created(article)
    article.api_notes = ninjs.public_notes(article)
    article.api_withdrawn_notes = ninjs.withdrawn_notes(article)
    article.api_pubstatus = ninjs.pubstatus(article)
    return article


def _absolute(context: dict, path: str) -> str:
    return context["request"].build_absolute_uri(path)


def _api(context: dict, name: str, **kwargs) -> str:
    return _absolute(context, reverse(f"api:{name}", kwargs=kwargs or None))


class _Linked(serializers.Serializer):
    """A record with its page on the site (``url``)."""

    url = serializers.SerializerMethodField(help_text="Its page on the site.")

    def get_url(self, obj) -> str:
        return _absolute(self.context, obj.get_absolute_url())


# --- Sections, authors, sources, tags ----------------------------------------------------


class SectionRefSerializer(_Linked):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField()
    slug = serializers.CharField()


class SectionSerializer(SectionRefSerializer):
    description = serializers.CharField()
    position = serializers.IntegerField(help_text="Order in the site navigation, lowest first.")
    articles_url = serializers.SerializerMethodField(help_text="Its stories, in this API.")

    def get_articles_url(self, obj: Section) -> str:
        return f"{_api(self.context, 'article_list')}?section={obj.slug}"


class AuthorRefSerializer(_Linked):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField(source="display_name")
    slug = serializers.CharField()
    api_url = serializers.SerializerMethodField()

    def get_api_url(self, obj: Author) -> str:
        return _api(self.context, "author", pk=obj.pk)


class AuthorSerializer(AuthorRefSerializer):
    title = serializers.CharField(help_text="Job title or beat.")
    bio = serializers.CharField()
    articles_url = serializers.SerializerMethodField(help_text="Their stories, in this API.")

    def get_articles_url(self, obj: Author) -> str:
        return f"{_api(self.context, 'article_list')}?author={obj.slug}"


class _SourceFields(_Linked):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField()
    slug = serializers.CharField()
    kind = serializers.ChoiceField(choices=Source.Kind.choices)
    title = serializers.CharField(source="role", help_text="Role or title.")
    api_url = serializers.SerializerMethodField()

    def get_api_url(self, obj: Source) -> str:
        return _api(self.context, "source", pk=obj.pk)


class AffiliationSerializer(_SourceFields):
    """The organisation a source speaks for."""


class SourceRefSerializer(_SourceFields):
    affiliation = AffiliationSerializer(allow_null=True)


class SourceSerializer(SourceRefSerializer):
    link = serializers.URLField(source="url", help_text="The source's own site, if any.")


class TagSerializer(serializers.Serializer):
    name = serializers.CharField()
    slug = serializers.CharField()
    url = serializers.SerializerMethodField(help_text="The topic's page on the site.")

    def get_url(self, obj) -> str:
        return _absolute(self.context, reverse("articles:tag", kwargs={"slug": obj.slug}))


# --- Images -------------------------------------------------------------------------------


class RenditionSerializer(serializers.Serializer):
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    webp = serializers.URLField()
    jpeg = serializers.URLField()


class ImageSerializer(serializers.Serializer):
    url = serializers.URLField(help_text="The original.")
    alt = serializers.CharField()
    caption = serializers.CharField()
    credit = serializers.CharField()
    width = serializers.IntegerField(allow_null=True)
    height = serializers.IntegerField(allow_null=True)
    renditions = RenditionSerializer(
        many=True, help_text="Smaller sizes, once made (empty until then, and for animations)."
    )


def _image(context: dict, file, *, alt: str, caption: str, credit: str) -> dict | None:
    if not file:
        return None
    # The manifest is read through the cache (``articles.renditions``): no query.
    manifest = renditions.manifest_for(file.name) or {}
    url = default_storage.url
    return {
        "url": _absolute(context, file.url),
        "alt": alt,
        "caption": caption,
        "credit": credit,
        "width": manifest.get("width"),
        "height": manifest.get("height"),
        "renditions": [
            {
                "width": r["width"],
                "height": r["height"],
                "webp": _absolute(context, url(r["webp"])),
                "jpeg": _absolute(context, url(r["jpeg"])),
            }
            for r in manifest.get("renditions", [])
        ],
    }


# --- Notes, attributions, blocks ---------------------------------------------------------


class NoteSerializer(serializers.Serializer):
    """A correction note readers see (published, not withdrawn)."""

    id = serializers.IntegerField(source="pk")
    kind = serializers.ChoiceField(choices=CorrectionNote.Kind.choices)
    text = serializers.CharField(help_text="The note as readers read it (plain text).")
    paragraphs = serializers.ListField(
        child=serializers.IntegerField(),
        source="anchors",
        help_text="The paragraphs it concerns, numbered as the story stands now.",
    )
    before = serializers.CharField(help_text="The words before the change, if any.")
    after = serializers.CharField(help_text="The words after the change, if any.")
    issued_at = serializers.DateTimeField()
    published_at = serializers.DateTimeField()
    prominent = serializers.BooleanField(help_text="Also shown above the headline.")
    url = serializers.SerializerMethodField(help_text="The note on the story's page.")

    def get_url(self, obj: CorrectionNote) -> str:
        return _absolute(self.context, f"{obj.article.get_absolute_url()}#correction-{obj.pk}")


class WithdrawnNoteSerializer(serializers.Serializer):
    """A note readers saw and no longer see. Its words are not served (readers cannot read
    them either): where you carried the note, take it down."""

    id = serializers.IntegerField(source="pk", help_text="The id it had in `corrections`.")
    kind = serializers.ChoiceField(choices=CorrectionNote.Kind.choices)
    published_at = serializers.DateTimeField()
    withdrawn_at = serializers.DateTimeField()


class NotedArticleSerializer(_Linked):
    id = serializers.IntegerField(source="pk")
    headline = serializers.CharField()
    api_url = serializers.SerializerMethodField()

    def get_api_url(self, obj: Article) -> str:
        return _api(self.context, "article", pk=obj.pk)


class CorrectionLogEntrySerializer(NoteSerializer):
    """A note in the corrections log, with its story."""

    article = NotedArticleSerializer()


class AttributionSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    paragraph = serializers.IntegerField(
        allow_null=True, help_text="The paragraph the words stand in (none for a photo credit)."
    )
    text = serializers.CharField(help_text="The exact words attributed, as in the body.")
    kind = serializers.ChoiceField(choices=Attribution.Kind.choices)
    direct = serializers.SerializerMethodField(
        help_text="A direct quote (the source's own words); otherwise reported or cited."
    )
    link = serializers.CharField(source="url", help_text="A link to the original, if any.")
    source = SourceRefSerializer()

    def get_direct(self, obj: Attribution) -> bool:
        return obj.kind == Attribution.Kind.DIRECT_QUOTE


class BlockSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="block.pk", help_text="Stable while the block stands.")
    kind = serializers.ChoiceField(choices=Block.Kind.choices, source="block.kind")
    paragraph = serializers.IntegerField(
        source="number",
        allow_null=True,
        help_text="The paragraph number readers count (paragraphs and block quotes; "
        "subheadings and images are not counted).",
    )
    anchor = serializers.SerializerMethodField(help_text="Its anchor on the page (#p11).")
    text = serializers.SerializerMethodField(help_text="What readers read, as plain text.")
    html = serializers.SerializerMethodField(
        help_text="The text with its links and emphasis, sanitised (a, em, strong, i, b)."
    )
    image = serializers.SerializerMethodField()

    def get_anchor(self, obj: body.NumberedBlock) -> str | None:
        return obj.anchor or None

    def get_text(self, obj: body.NumberedBlock) -> str:
        # From the sanitised text: what is stored was sanitised already, but readers never
        # read a script's source, whatever got in.
        return body.plain_text(body.sanitize_inline(obj.block.text))

    def get_html(self, obj: body.NumberedBlock) -> str:
        return body.sanitize_inline(obj.block.text)

    @extend_schema_field(ImageSerializer(allow_null=True))
    def get_image(self, obj: body.NumberedBlock) -> dict | None:
        block = obj.block
        if block.kind != Block.Kind.IMAGE:
            return None
        return _image(
            self.context,
            block.image,
            alt=block.image_alt,
            caption=block.image_caption,
            credit=block.image_credit,
        )


# --- Stories -------------------------------------------------------------------------------


class ArticleSummarySerializer(_Linked):
    """A story in a list."""

    id = serializers.IntegerField(source="pk", help_text="Stable: the story's id for good.")
    headline = serializers.CharField()
    dek = serializers.CharField(help_text="The standfirst.")
    kind = serializers.ChoiceField(choices=Article.Kind.choices)
    status = serializers.ChoiceField(
        choices=[Article.Status.PUBLISHED, Article.Status.RETRACTED],
        help_text="A retracted story stays at its URL under its retraction notice.",
    )
    pubstatus = serializers.ChoiceField(
        choices=["usable", "canceled"], source="api_pubstatus", help_text="As in ninjs."
    )
    section = SectionRefSerializer()
    bylines = serializers.SerializerMethodField()
    published_at = serializers.DateTimeField(source="first_published_at")
    updated_at = serializers.DateTimeField(
        allow_null=True, help_text="The last substantive update, as readers are told."
    )
    version_created = serializers.DateTimeField(
        source="api_version_created",
        help_text="When readers last saw anything change (what `updated_since` compares).",
    )
    version = serializers.CharField(
        source="api_version", help_text="The ninjs document's version: it changes with it."
    )
    correction_count = serializers.SerializerMethodField(help_text="Notes readers see.")
    api_url = serializers.SerializerMethodField()
    ninjs_url = serializers.SerializerMethodField()

    @extend_schema_field(AuthorRefSerializer(many=True))
    def get_bylines(self, obj: Article) -> list[dict[str, Any]]:
        authors = [byline.author for byline in obj.bylines.all()]
        return AuthorRefSerializer(authors, many=True, context=self.context).data

    def get_correction_count(self, obj: Article) -> int:
        return len(obj.api_notes)

    def get_api_url(self, obj: Article) -> str:
        return _api(self.context, "article", pk=obj.pk)

    def get_ninjs_url(self, obj: Article) -> str:
        return _api(self.context, "article_ninjs", pk=obj.pk)


class ArticleSerializer(ArticleSummarySerializer):
    """A story as readers read it: its body, notes and sources."""

    dateline = serializers.CharField()
    credit_line = serializers.CharField()
    tags = TagSerializer(many=True, source="tags.all")
    lead_image = serializers.SerializerMethodField()
    blocks = serializers.SerializerMethodField(help_text="The body, in order.")
    corrections = serializers.SerializerMethodField(help_text="Notes readers see, oldest first.")
    withdrawn_corrections = serializers.SerializerMethodField(
        help_text="Notes readers saw and no longer see (withdrawn), oldest withdrawal first."
    )
    retraction = serializers.SerializerMethodField(
        help_text="The retraction notice, for a retracted story."
    )
    attributions = serializers.SerializerMethodField(
        help_text="Words the story attributes, with their sources, in reading order."
    )

    @extend_schema_field(ImageSerializer(allow_null=True))
    def get_lead_image(self, obj: Article) -> dict | None:
        return _image(
            self.context,
            obj.lead_image,
            alt=obj.lead_image_alt,
            caption=obj.lead_image_caption,
            credit=obj.lead_image_credit,
        )

    @extend_schema_field(BlockSerializer(many=True))
    def get_blocks(self, obj: Article) -> list[dict[str, Any]]:
        return BlockSerializer(obj.numbered_blocks(), many=True, context=self.context).data

    @extend_schema_field(NoteSerializer(many=True))
    def get_corrections(self, obj: Article) -> list[dict[str, Any]]:
        return NoteSerializer(obj.api_notes, many=True, context=self.context).data

    @extend_schema_field(WithdrawnNoteSerializer(many=True))
    def get_withdrawn_corrections(self, obj: Article) -> list[dict[str, Any]]:
        return WithdrawnNoteSerializer(
            obj.api_withdrawn_notes, many=True, context=self.context
        ).data

    @extend_schema_field(NoteSerializer(allow_null=True))
    def get_retraction(self, obj: Article) -> dict[str, Any] | None:
        if obj.status != Article.Status.RETRACTED:
            return None
        notices = [n for n in obj.api_notes if n.kind == CorrectionNote.Kind.RETRACTION]
        return NoteSerializer(notices[-1], context=self.context).data if notices else None

    @extend_schema_field(AttributionSerializer(many=True))
    def get_attributions(self, obj: Article) -> list[dict[str, Any]]:
        ordered = sorted(
            obj.attributions.all(), key=lambda a: (a.paragraph is None, a.paragraph or 0, a.pk)
        )
        return AttributionSerializer(ordered, many=True, context=self.context).data


# --- Query parameters ----------------------------------------------------------------------


class ArticleFilterSerializer(serializers.Serializer):
    """The articles list's filters; a value that cannot be one is a 400 saying why."""

    section = serializers.SlugField(required=False, help_text="A section's slug.")
    kind = serializers.ChoiceField(choices=Article.Kind.choices, required=False)
    author = serializers.SlugField(required=False, help_text="An author's slug.")
    tag = serializers.CharField(required=False, max_length=100, help_text="A topic's (tag's) slug.")
    updated_since = serializers.DateTimeField(
        required=False,
        help_text="ISO 8601 (2026-12-01T09:30:00Z): only stories in which readers saw "
        "something change at or after it (see `version_created`), for syncing.",
    )

    def to_internal_value(self, data) -> dict[str, Any]:
        # A parameter given twice is ambiguous: say so rather than pick one.
        repeated = [k for k in self.fields if hasattr(data, "getlist") and len(data.getlist(k)) > 1]
        if repeated:
            raise serializers.ValidationError({k: ["Give this parameter once."] for k in repeated})
        return super().to_internal_value(data)
