"""Desk forms: they validate input and nothing else; views hand ``cleaned_data`` to services."""

from __future__ import annotations

from django import forms
from django.forms import formset_factory
from django.utils import timezone
from taggit.forms import TagField

from articles import body
from articles.models import Article, Attribution, Author, Block, Source
from articles.services import ArticleChanges, BlockData


class ArticleForm(forms.ModelForm):
    """The article's own fields; the body and bylines come in formsets beside it."""

    base_revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    tags = TagField(required=False, help_text="Comma-separated.")
    message = forms.CharField(label="What changed (optional)", required=False, max_length=300)

    class Meta:
        model = Article
        fields = [
            "headline",
            "slug",
            "dek",
            "dateline",
            "kind",
            "section",
            "credit_line",
            "lead_image",
            "lead_image_caption",
            "lead_image_alt",
            "lead_image_credit",
        ]
        widgets = {"dek": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, locked: frozenset[str] = frozenset(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False
        self.fields["slug"].help_text = "Leave empty to make one from the headline."
        if self.instance.pk:
            self.initial.setdefault("tags", ", ".join(sorted(self.instance.tags.names())))
        for name in locked & set(self.fields):
            self.fields[name].disabled = True

    def clean_slug(self):
        slug = self.cleaned_data.get("slug")
        return slug or self.instance.slug or ""


class BlockForm(forms.Form):
    kind = forms.ChoiceField(choices=Block.Kind.choices, initial=Block.Kind.PARAGRAPH)
    text = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        # Form templates print help text unescaped (Django's convention): no markup in it.
        help_text="Plain text. Links and emphasis typed as HTML (a, em, strong) are kept.",
    )
    image = forms.ImageField(required=False)
    current_image = forms.CharField(required=False, widget=forms.HiddenInput)
    image_alt = forms.CharField(label="Alt text", required=False, max_length=300)
    image_caption = forms.CharField(label="Caption", required=False, max_length=400)
    image_credit = forms.CharField(label="Credit", required=False, max_length=200)

    def clean(self):
        data = super().clean()
        if self.cleaned_data.get("DELETE"):
            return data
        kind = data.get("kind")
        if kind == Block.Kind.IMAGE:
            if not (data.get("image") or data.get("current_image")):
                self.add_error("image", "Choose an image for this block.")
            if not data.get("image_alt", "").strip():
                self.add_error("image_alt", "Describe the image for readers who can't see it.")
        return data

    def is_blank(self) -> bool:
        data = self.cleaned_data
        return not (data.get("text", "").strip() or data.get("image") or data.get("current_image"))

    def to_block_data(self) -> BlockData:
        data = self.cleaned_data
        return BlockData(
            kind=data["kind"],
            text=body.sanitize_inline(data.get("text", "")),
            image=data.get("image") or data.get("current_image") or None,
            image_alt=data.get("image_alt", ""),
            image_caption=data.get("image_caption", ""),
            image_credit=data.get("image_credit", ""),
        )


class BylineForm(forms.Form):
    author = forms.ModelChoiceField(queryset=Author.objects.all(), required=False)


BlockFormSet = formset_factory(BlockForm, extra=2, can_order=True, can_delete=True)
BylineFormSet = formset_factory(BylineForm, extra=1, can_order=True, can_delete=True)


def _ordered(formset) -> list:
    """Forms in the order the editor chose (ORDER fields; unnumbered ones last), without the
    deleted ones and the untouched empty extras."""
    return [f for f in formset.ordered_forms if f.cleaned_data]


def block_initial(article: Article) -> list[dict]:
    return [
        {
            "kind": b.kind,
            "text": body.for_editing(b.text),
            "current_image": b.image.name if b.image else "",
            "image_alt": b.image_alt,
            "image_caption": b.image_caption,
            "image_credit": b.image_credit,
            "ORDER": i,
        }
        for i, b in enumerate(article.blocks.all(), start=1)
    ]


def byline_initial(article: Article) -> list[dict]:
    return [
        {"author": b.author_id, "ORDER": i}
        for i, b in enumerate(article.bylines.select_related("author"), start=1)
    ]


def changes_from_forms(form: ArticleForm, blocks: BlockFormSet, bylines: BylineFormSet):
    """Turn the three validated forms into the service's ``ArticleChanges``."""
    fields = {
        name: form.cleaned_data[name]
        for name in form.Meta.fields
        if name in form.cleaned_data and not form.fields[name].disabled
    }
    if fields.get("lead_image") is None:
        fields.pop("lead_image", None)
    elif fields.get("lead_image") is False:
        fields["lead_image"] = ""
    block_data = [f.to_block_data() for f in _ordered(blocks) if not f.is_blank()]
    authors = []
    for f in _ordered(bylines):
        author = f.cleaned_data.get("author")
        if author and author not in authors:
            authors.append(author)
    return ArticleChanges(
        fields=fields, blocks=block_data, authors=authors, tags=form.cleaned_data.get("tags", [])
    )


class CommentForm(forms.Form):
    text = forms.CharField(
        label="Comment", widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )

    def __init__(self, *args, **kwargs):
        # Shown on the editor page beside ArticleForm: its own ids keep labels unambiguous.
        kwargs.setdefault("auto_id", "id_comment_%s")
        super().__init__(*args, **kwargs)


class TransitionForm(forms.Form):
    comment = forms.CharField(
        label="Comment", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    at = forms.DateTimeField(
        label="Publish at",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text="Your local newsroom time.",
    )

    def __init__(self, *args, target: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.target = target
        if target == Article.Status.SCHEDULED:
            self.fields["at"].required = True
            self.initial.setdefault("at", timezone.localtime() + timezone.timedelta(hours=1))
        else:
            del self.fields["at"]
        if target in {Article.Status.CHANGES_REQUESTED, Article.Status.UNPUBLISHED}:
            self.fields["comment"].required = True
            self.fields["comment"].label = "Why?"


class AttributionForm(forms.ModelForm):
    new_source = forms.CharField(label="…or a new source’s name", required=False, max_length=200)
    new_source_kind = forms.ChoiceField(
        label="New source is a", choices=Source.Kind.choices, required=False
    )
    url = forms.URLField(label="Link to the original", required=False, assume_scheme="https")

    class Meta:
        model = Attribution
        fields = ["source", "kind", "text", "paragraph", "url"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_attribution_%s")
        super().__init__(*args, **kwargs)
        self.fields["source"].required = False

    def clean(self):
        data = super().clean()
        if not data.get("source") and not data.get("new_source", "").strip():
            self.add_error("source", "Choose a source or name a new one.")
        return data

    def _post_clean(self):
        # The service validates against the article's body; skip the model's own
        # clean here, which needs an article the form does not carry.
        pass


class ArticleFilterForm(forms.Form):
    q = forms.CharField(label="Search headlines", required=False)
    status = forms.ChoiceField(
        choices=[("", "Any status"), *Article.Status.choices], required=False
    )
