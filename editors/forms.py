"""Desk forms: they validate input and nothing else; views hand ``cleaned_data`` to services."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from django import forms
from django.forms import formset_factory
from django.forms.forms import DeclarativeFieldsMetaclass
from django.forms.models import model_to_dict
from django.utils import timezone
from django.utils.functional import cached_property
from taggit.forms import TagField

from articles import body, importing, permissions
from articles.images import ImageUploadField
from articles.models import (
    Article,
    Attribution,
    Author,
    Block,
    CorrectionNote,
    Section,
    Source,
)
from articles.permissions import Move
from articles.services import (
    EDITABLE_FIELDS,
    ArticleChanges,
    BlockData,
    CorrectionChoice,
    NoteData,
)

if TYPE_CHECKING:
    from django.db.models import QuerySet

#: The article's own fields as the model declares them (labels, lengths, choices, help
#: text), for exactly the names the field spec puts on the form (``fields.FORM_FIELDS``).
ArticleModelFields = DeclarativeFieldsMetaclass(
    "ArticleModelFields",
    (forms.Form,),
    forms.fields_for_model(
        Article,
        fields=EDITABLE_FIELDS,
        widgets={"dek": forms.Textarea(attrs={"rows": 2})},
        # Says what is wrong with a refused upload (HEIC, too many pixels...), not "invalid".
        field_classes={"lead_image": ImageUploadField},
    ),
)


class ArticleForm(ArticleModelFields):
    """The article's own fields; the body and bylines come in formsets beside it.

    A plain form, never bound to an article: the stored values come in as ``initial``
    (``article_initial``), which is also what an untouched lead image and the locked fields
    keep. The service validates the whole story (a slug another story has is its error).
    """

    base_revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    tags = TagField(required=False, help_text="Comma-separated.")
    message = forms.CharField(label="What changed (optional)", required=False, max_length=300)

    def __init__(self, *args, locked: frozenset[str] = frozenset(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False
        self.fields["slug"].help_text = "Leave empty to make one from the headline."
        for name in locked & set(self.fields):
            self.fields[name].disabled = True

    def clean_slug(self):
        # Empty keeps the story's slug; a new story gets one from its headline.
        return self.cleaned_data.get("slug") or self.initial.get("slug") or ""


def article_initial(article: Article) -> dict:
    """The stored story as ``ArticleForm``'s initial data: its form fields (the section as
    its id, the lead image as the stored file) and its tags, read from what is loaded."""
    return {
        **model_to_dict(article, fields=EDITABLE_FIELDS),
        "tags": ", ".join(sorted(tag.name for tag in article.tags.all())),
    }


class BlockForm(forms.Form):
    kind = forms.ChoiceField(choices=Block.Kind.choices, initial=Block.Kind.PARAGRAPH)
    text = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        # Form templates print help text unescaped (Django's convention): no markup in it.
        help_text="Plain text. Links and emphasis typed as HTML (a, em, strong) are kept.",
    )
    # Checked here, not only by the model: a bad body image must stop the save before the
    # service stores anything (the lead image would already be on disk).
    image = ImageUploadField(required=False)
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


class AuthorChoiceField(forms.ModelChoiceField):
    """An author, listed by name (``Author.Meta.ordering``) with the slug and title that
    tell two people of the same name apart."""

    def label_from_instance(self, obj: Author) -> str:
        return " · ".join(part for part in (obj.display_name, obj.title, obj.slug) if part)


class BylineForm(forms.Form):
    author = AuthorChoiceField(queryset=Author.objects.all(), required=False)


_BYLINE_OWN_ONLY = "You may byline only yourself; ask an editor to add someone else."


class BaseBylineFormSet(forms.BaseFormSet):
    """The story's bylines as this user may change them (``permissions.can_byline_others``).

    ``offered`` are the authors the forms accept: every author for an editor, only their own
    author profile for anyone else (``own_only``, which also says so when another author is
    posted). ``fixed`` are the stored bylines this user may not touch
    (other people's, which an editor added): they are shown, not posted, and ``authors()``
    keeps them where they stand. The service enforces the same rule.

    Every byline form offers the same authors: the formset lists them once, when a form is
    first rendered, not once per form. Each choice is still checked against the database
    when posted.
    """

    def __init__(
        self,
        *args,
        offered: QuerySet[Author] | None = None,
        stored: Sequence[Author] = (),
        fixed: Sequence[Author] = (),
        own_only: bool = False,
        **kwargs,
    ):
        self.offered = offered if offered is not None else Author.objects.all()
        self.stored = list(stored)
        self.fixed = list(fixed)
        self.own_only = own_only
        super().__init__(*args, **kwargs)

    @cached_property
    def author_choices(self) -> list:
        # iter(): list() would first ask the iterator's length, a COUNT query of its own.
        field = AuthorChoiceField(queryset=self.offered, required=False)
        return list(iter(field.choices))

    def add_fields(self, form, index):
        super().add_fields(form, index)
        field = form.fields["author"]
        field.queryset = self.offered
        field.choices = lambda: self.author_choices
        if self.own_only:
            field.error_messages["invalid_choice"] = _BYLINE_OWN_ONLY

    def authors(self) -> list[Author]:
        """The bylines to save, in order: the chosen ones, with the fixed ones in their
        stored places (the user's own new byline goes last)."""
        chosen = list(
            dict.fromkeys(
                f.cleaned_data["author"] for f in _ordered(self) if f.cleaned_data.get("author")
            )
        )
        if not self.fixed:
            return chosen
        kept = []
        for author in self.stored:
            if author in self.fixed:
                kept.append(author)
            elif author in chosen:
                kept.append(author)
                chosen.remove(author)
        return kept + chosen


BlockFormSet = formset_factory(BlockForm, extra=2, can_order=True, can_delete=True)
BylineFormSet = formset_factory(
    BylineForm, formset=BaseBylineFormSet, extra=1, can_order=True, can_delete=True
)


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


def byline_formset(user, article: Article | None = None, data=None) -> BaseBylineFormSet:
    """The editor page's bylines for ``user``: bound to ``data`` when posted, else showing
    the story's bylines, or on a new story the user's own author profile.

    Who may byline whom is ``permissions.can_byline_others``: an editor picks from every
    author; anyone else only from their own profile, and other people's bylines on the story
    stay fixed (``BaseBylineFormSet``). ``article`` comes with its bylines loaded.
    """
    stored = [b.author for b in article.bylines.all()] if article is not None else []
    own_only = not permissions.can_byline_others(user)
    if own_only:
        offered = Author.objects.filter(user_id=user.pk)
        fixed = [a for a in stored if a.user_id != user.pk]
    else:
        offered, fixed = Author.objects.all(), []
    kwargs = {
        "prefix": "bylines",
        "offered": offered,
        "stored": stored,
        "fixed": fixed,
        "own_only": own_only,
    }
    if data is not None:
        return BylineFormSet(data, **kwargs)
    if article is not None:
        mine = [a for a in stored if a not in fixed]
        initial = [{"author": a.pk, "ORDER": i} for i, a in enumerate(mine, start=1)]
    else:
        own = Author.objects.filter(user_id=user.pk).first()
        initial = [{"author": own.pk, "ORDER": 1}] if own else []
    return BylineFormSet(initial=initial, **kwargs)


def changes_from_forms(form: ArticleForm, blocks: BlockFormSet, bylines: BylineFormSet):
    """Turn the three validated forms into the service's ``ArticleChanges``."""
    fields = {
        name: form.cleaned_data[name]
        for name in EDITABLE_FIELDS
        if name in form.cleaned_data and not form.fields[name].disabled
    }
    if fields.get("lead_image") is None:
        fields.pop("lead_image", None)
    elif fields.get("lead_image") is False:
        fields["lead_image"] = ""
    block_data = [f.to_block_data() for f in _ordered(blocks) if not f.is_blank()]
    return ArticleChanges(
        fields=fields,
        blocks=block_data,
        authors=bylines.authors(),
        tags=form.cleaned_data.get("tags", []),
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

    def __init__(self, *args, move: Move, needs_override: bool = False, **kwargs):
        """The fields a move asks for, read from its side rules (``permissions.Move``)."""
        super().__init__(*args, **kwargs)
        if move.asks_time:
            self.fields["at"].required = True
            self.initial.setdefault("at", timezone.localtime() + timezone.timedelta(hours=1))
        else:
            del self.fields["at"]
        self.fields["comment"].required = move.needs_comment
        self.fields["comment"].label = move.comment_label
        if needs_override:
            self.fields["override_reason"] = forms.CharField(
                label="Publish them as they stand, because…",
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text="Only for the passages listed above (quotes without a source, "
                "anonymous sourcing); the reason is logged.",
            )


class CorrectionForm(forms.Form):
    """How a change to a published story goes live: a public note or a recorded reason."""

    NOTE, NON_SUBSTANTIVE = "note", "non_substantive"

    choice = forms.ChoiceField(
        label="This change is",
        widget=forms.RadioSelect,
        required=False,
        choices=[
            (NOTE, "Substantive: publish a note readers can see"),
            (NON_SUBSTANTIVE, "Non-substantive: a typo, formatting or a link (no public note)"),
        ],
    )
    kind = forms.ChoiceField(
        label="Kind of note",
        choices=[(k, label) for k, label in CorrectionNote.Kind.choices if k != "retraction"],
        initial=CorrectionNote.Kind.CORRECTION,
    )
    text = forms.CharField(
        label="Public note", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    paragraphs = forms.CharField(
        label="Paragraphs", required=False, help_text="Numbers as readers count them, e.g. 11, 12"
    )
    before = forms.CharField(label="Words before", required=False, max_length=500)
    after = forms.CharField(label="Words after", required=False, max_length=500)
    prominent = forms.BooleanField(label="Also show above the story", required=False)
    reason = forms.CharField(
        label="Why it is non-substantive (editors see this; readers do not)",
        required=False,
        max_length=500,
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "correction")
        kwargs.setdefault("auto_id", "id_correction_%s")
        super().__init__(*args, **kwargs)

    def clean_paragraphs(self) -> list[int]:
        raw = self.cleaned_data.get("paragraphs", "")
        numbers = []
        for part in raw.replace(";", ",").split(","):
            part = part.strip().removeprefix("¶").strip()
            if not part:
                continue
            if not part.isdigit() or int(part) < 1:
                raise forms.ValidationError("Give paragraph numbers like 3, 11.")
            numbers.append(int(part))
        return sorted(set(numbers))

    def clean(self):
        data = super().clean()
        if data.get("choice") == self.NOTE and not data.get("text", "").strip():
            self.add_error("text", "Write the note readers will see.")
        if data.get("choice") == self.NON_SUBSTANTIVE and not data.get("reason", "").strip():
            self.add_error("reason", "Say why this is not a substantive change.")
        return data

    def to_choice(self) -> CorrectionChoice:
        data = self.cleaned_data
        if data.get("choice") == self.NOTE:
            return CorrectionChoice(
                note=NoteData(
                    kind=data["kind"],
                    text=data["text"],
                    paragraphs=data["paragraphs"],
                    before=data["before"],
                    after=data["after"],
                    prominent=data["prominent"],
                )
            )
        if data.get("choice") == self.NON_SUBSTANTIVE:
            return CorrectionChoice(non_substantive_reason=data["reason"])
        return CorrectionChoice()


class SuggestionForm(forms.Form):
    """One quote-finder suggestion, posted back when the editor accepts or rejects it."""

    paragraph = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    text = forms.CharField(widget=forms.HiddenInput)
    source_name = forms.CharField(max_length=200, widget=forms.HiddenInput)
    source_kind = forms.ChoiceField(choices=Source.Kind.choices, widget=forms.HiddenInput)
    attribution_kind = forms.ChoiceField(choices=Attribution.Kind.choices, widget=forms.HiddenInput)
    source_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    role = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)


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


class ImportForm(forms.Form):
    """A plain-text story to start a draft from: an uploaded .txt file or pasted text."""

    file = forms.FileField(label="Text file (UTF-8)", required=False)
    text = forms.CharField(
        label="…or paste the story",
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="Paragraphs separated by blank lines; short title-case lines become "
        "subheadings; a closing “(Editor’s note: …)” becomes a correction note.",
    )
    section = forms.ModelChoiceField(queryset=Section.objects.all())
    headline = forms.CharField(
        required=False, max_length=200, help_text="Leave empty to use the first sentence."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit = importing.size_label(importing.max_bytes())
        self.fields["file"].help_text = f"At most {limit}, as is a pasted story."

    def _size_checked(self, size: int, name: str) -> None:
        # Refused here, before any parsing; the bound form keeps what was pasted.
        try:
            importing.size_check(size, name=name)
        except importing.StoryImportError as exc:
            raise forms.ValidationError(str(exc), code="too_big") from None

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload:
            self._size_checked(upload.size, upload.name)
        return upload

    def clean_text(self):
        text = self.cleaned_data.get("text", "")
        self._size_checked(len(text.encode("utf-8", errors="surrogatepass")), "The story")
        return text

    def clean(self):
        data = super().clean()
        if not data.get("file") and not data.get("text", "").strip():
            raise forms.ValidationError("Choose a file or paste the story.")
        return data


# The oldest and newest days the date filters take: wide enough for any archive, and far
# enough from ``date.min``/``date.max`` that the day's bounds in any time zone exist.
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(9998, 12, 31)


class ArticleFilterForm(forms.Form):
    """The desk list's filters (``articles.selectors.desk_articles`` applies them); every
    field is optional, and the ones given combine.

    Authors are a text box, not a select: a newsroom with a million stories has thousands of
    bylines, which a select would load and send on every page. The text matches an author's
    slug exactly or their name in part, inside the list's one query.
    """

    q = forms.CharField(label="Headline contains", required=False, max_length=200)
    status = forms.ChoiceField(
        choices=[("", "Any status"), *Article.Status.choices], required=False
    )
    section = forms.ModelChoiceField(
        queryset=Section.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label="Any section",
    )
    author = forms.CharField(
        required=False, max_length=120, help_text="Name or slug, e.g. “jane-doe”."
    )
    changed_from = forms.DateField(
        label="Changed from",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    changed_to = forms.DateField(
        label="Changed to",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    @property
    def filtered(self) -> bool:
        """Whether any filter was given (the list offers a way back to all articles)."""
        return any(self.data.get(name) for name in self.fields)

    def _day(self, name: str) -> date | None:
        day = self.cleaned_data[name]
        if day is not None and not FIRST_DAY <= day <= LAST_DAY:
            raise forms.ValidationError(
                f"Enter a date between {FIRST_DAY.year} and {LAST_DAY.year}."
            )
        return day

    def clean_changed_from(self) -> date | None:
        return self._day("changed_from")

    def clean_changed_to(self) -> date | None:
        return self._day("changed_to")

    def clean(self):
        data = super().clean()
        start, end = data.get("changed_from"), data.get("changed_to")
        if start and end and end < start:
            self.add_error("changed_to", "The end date is before the start date.")
        return data
