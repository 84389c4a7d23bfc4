"""Desk forms: they validate input and nothing else; views hand ``cleaned_data`` to services."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from django import forms
from django.conf import settings
from django.db.models.functions import Lower
from django.forms import formset_factory
from django.forms.forms import DeclarativeFieldsMetaclass
from django.forms.models import model_to_dict
from django.utils import timezone
from django.utils.functional import cached_property
from taggit.forms import TagField

from articles import body, importing, permissions, plaintext
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
    SourceData,
)
from articles.services.base import block_limits_check

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
    """The article's own fields; the body (``BodyForm``) and bylines come beside it.

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


#: The keys of one block in ``body_json`` (docs: BODY_CONTRACT / README "Writing the body").
BODY_JSON_KEYS = frozenset(
    {"uid", "kind", "text", "image", "upload", "image_alt", "image_caption", "image_credit", "url"}
)
#: The prefix of the file inputs the editor adds for new images (``upload-<uid>``).
UPLOAD_PREFIX = "upload-"
_IMAGE_TEXT_LIMITS = {"image_alt": 300, "image_caption": 400, "image_credit": 200}
BODY_HELP = (
    "One blank line between paragraphs. Start a line with “## ” for a subheading and “> ” "
    "for a block quote. An image is a line “![alt text](file)” with optional “Caption: …” "
    "and “Credit: …” lines; move or delete those lines to move or remove it. A paragraph "
    "that itself starts with one of these marks gets a “\\” before it. Links and emphasis "
    "are typed as HTML (a, em, strong)."
)


class BodyForm(forms.Form):
    """The story's body, in one of two shapes (``BODY_CONTRACT``): ``body_json`` from the
    editor when it is filled, else the ``body`` text box in the plain-text grammar
    (``articles.plaintext``). Without JavaScript, "Add an image" puts a new image after a
    numbered paragraph. ``cleaned_data["blocks"]`` is the body as ``BlockData``.

    ``stored`` are the story's blocks: the images a block may name are the story's own.
    Identity for blocks without a uid (the text box) is found by the service
    (``services.base.assign_uids``), whatever path the body came by.
    """

    body = forms.CharField(
        label="Body",
        required=False,
        strip=False,
        widget=forms.Textarea(
            attrs={"aria-describedby": "body-help", "class": "form-control desk-body-text"}
        ),
        help_text=BODY_HELP,
    )
    body_json = forms.CharField(required=False, strip=False, widget=forms.HiddenInput)
    add_image = ImageUploadField(label="Image file", required=False)
    add_image_alt = forms.CharField(label="Alt text", required=False, max_length=300)
    add_image_caption = forms.CharField(label="Caption", required=False, max_length=400)
    add_image_credit = forms.CharField(label="Credit", required=False, max_length=200)
    add_image_after = forms.IntegerField(
        label="After paragraph",
        required=False,
        min_value=0,
        help_text="0 puts it at the top.",
    )

    def __init__(self, *args, stored: Sequence[Block] = (), **kwargs):
        self.stored = list(stored)
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("body", plaintext.to_text(self.stored))
        super().__init__(*args, **kwargs)
        lines = initial["body"].count("\n") + 1
        self.fields["body"].widget.attrs["rows"] = max(8, min(40, lines + 2))

    @cached_property
    def stored_images(self) -> dict[str, Block]:
        return {b.image.name: b for b in self.stored if b.kind == Block.Kind.IMAGE and b.image}

    def clean(self):
        data = super().clean()
        try:
            if data.get("body_json", "").strip():
                blocks = self._from_json(data["body_json"])
            else:
                blocks = plaintext.parse(data.get("body", ""), images=self.stored_images)
            blocks = self._add_image(blocks, data)
            block_limits_check(blocks)
        except plaintext.BodyTextError as exc:
            for message in exc.messages:
                self.add_error("body", message)
        except forms.ValidationError as exc:
            self.add_error(None, exc)
        else:
            data["blocks"] = blocks
        if self.non_field_errors() or self.has_error("body"):
            attrs = self.fields["body"].widget.attrs
            attrs.update({"aria-describedby": "body-errors body-help", "aria-invalid": "true"})
        return data

    def _from_json(self, raw: str) -> list[BlockData]:
        """The editor's blocks, checked strictly: nothing it sends is trusted."""
        try:
            items = json.loads(raw)
        except ValueError:
            raise forms.ValidationError("The editor sent a body that cannot be read.") from None
        if not isinstance(items, list):
            raise forms.ValidationError("The editor sent a body that is not a list of blocks.")
        limit = settings.NEWSROOM_MAX_BLOCKS
        if len(items) > limit:
            block_limits_check([BlockData(kind="paragraph")] * len(items))
        blocks, errors = [], []
        for place, item in enumerate(items, start=1):
            if (
                not isinstance(item, dict)
                or not set(item) <= BODY_JSON_KEYS
                or not all(isinstance(v, str) for v in item.values())
                or item.get("kind") not in Block.Kind.values
            ):
                errors.append(f"Block {place} is not a block the desk knows.")
                continue
            block = self._json_block(item, place, errors)
            if block is not None:
                blocks.append(block)
        if errors:
            raise forms.ValidationError(errors)
        return blocks

    def _json_block(self, item: dict, place: int, errors: list[str]) -> BlockData | None:
        kind, uid = item["kind"], item.get("uid", "")
        if kind != Block.Kind.IMAGE:
            text = body.sanitize_inline(item.get("text", ""))
            if not body.plain_text(text):
                return None  # an empty line in the editor
            return BlockData(kind=kind, text=text, uid=uid)
        fields = {name: body.normalize_space(item.get(name, "")) for name in _IMAGE_TEXT_LIMITS}
        for name, limit in _IMAGE_TEXT_LIMITS.items():
            if len(fields[name]) > limit:
                label = name.removeprefix("image_").replace("alt", "alt text")
                errors.append(f"The image in block {place} has a {label} over {limit} characters.")
                return None
        upload, image = item.get("upload", ""), None
        if upload:
            file = self.files.get(upload) if upload.startswith(UPLOAD_PREFIX) else None
            if file is None:
                errors.append(f"The new image in block {place} did not arrive; choose it again.")
                return None
            try:
                image = ImageUploadField().clean(file)
            except forms.ValidationError as exc:
                errors.extend(f"The image in block {place}: {m}" for m in exc.messages)
                return None
        elif item.get("image", "") in self.stored_images:
            image = item["image"]
        else:
            errors.append(f"Block {place} is an image without an image file; choose one.")
            return None
        if not fields["image_alt"]:
            errors.append(
                f"The image in block {place} needs alt text: describe it for readers who "
                "can't see it."
            )
            return None
        return BlockData(kind=kind, image=image, uid=uid, **fields)

    def _add_image(self, blocks: list[BlockData], data: dict) -> list[BlockData]:
        """The JavaScript-free "Add an image": the file goes after paragraph N (0: the top)."""
        upload = data.get("add_image")
        extra = [data.get(f"add_image_{n}") for n in ("alt", "caption", "credit")]
        if not upload:
            if any(extra):
                self.add_error("add_image", "Choose the image file to add.")
            return blocks
        if not (data.get("add_image_alt") or "").strip():
            self.add_error("add_image_alt", "Describe the image for readers who can't see it.")
            return blocks
        after = data.get("add_image_after") or 0
        numbers = body.paragraph_numbers(b.kind for b in blocks)
        if after and after not in numbers:
            self.add_error(
                "add_image_after",
                f"The story has {max(filter(None, numbers), default=0)} paragraphs; "
                f"choose 0 to {max(filter(None, numbers), default=0)}.",
            )
            return blocks
        at = numbers.index(after) + 1 if after else 0
        image = BlockData(
            kind=Block.Kind.IMAGE,
            image=upload,
            image_alt=data["add_image_alt"].strip(),
            image_caption=data.get("add_image_caption", "").strip(),
            image_credit=data.get("add_image_credit", "").strip(),
        )
        return [*blocks[:at], image, *blocks[at:]]

    def editor_blocks(self) -> list[dict]:
        """The blocks the page hands the editor (``#body-blocks``): what the user sent, when
        the form came back with an error, else the stored body. ``url`` is display only."""
        if self.is_bound:
            try:
                sent = json.loads(self.data.get("body_json") or "null")
            except ValueError:
                sent = None
            if isinstance(sent, list):
                return [self._shown(item) for item in sent if isinstance(item, dict)]
            blocks = (
                (self.cleaned_data or {}).get("blocks") if hasattr(self, "cleaned_data") else None
            )
            if blocks is not None:
                return [self._shown(_block_dict(b)) for b in blocks]
        return [self._shown(_block_dict(b)) for b in self.stored]

    def _shown(self, item: dict) -> dict:
        shown = {key: item.get(key, "") for key in BODY_JSON_KEYS - {"url"}}
        shown = {k: v if isinstance(v, str) else "" for k, v in shown.items()}
        stored = self.stored_images.get(shown["image"])
        shown["url"] = stored.image.url if stored is not None else ""
        return shown


def _block_dict(block) -> dict:
    image = block.image
    return {
        "uid": block.uid,
        "kind": block.kind,
        "text": block.text,
        "image": image if isinstance(image, str) else (getattr(image, "name", "") or ""),
        "upload": "",
        "image_alt": block.image_alt,
        "image_caption": block.image_caption,
        "image_credit": block.image_credit,
    }


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


BylineFormSet = formset_factory(
    BylineForm, formset=BaseBylineFormSet, extra=1, can_order=True, can_delete=True
)


def _ordered(formset) -> list:
    """Forms in the order the editor chose (ORDER fields; unnumbered ones last), without the
    deleted ones and the untouched empty extras."""
    return [f for f in formset.ordered_forms if f.cleaned_data]


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


def changes_from_forms(form: ArticleForm, body_form: BodyForm, bylines: BylineFormSet):
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
    return ArticleChanges(
        fields=fields,
        blocks=body_form.cleaned_data["blocks"],
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


#: How many of a paragraph's first words name it in the attribution page's list.
PARAGRAPH_LABEL_WORDS = 8


def paragraph_choices(paragraphs: dict[int, str]) -> list[tuple[int, str]]:
    """The story's numbered paragraphs as choices: "¶ 2: We will balance the books, the …"."""
    choices = []
    for number, text in paragraphs.items():
        words = text.split()
        label = " ".join(words[:PARAGRAPH_LABEL_WORDS])
        if len(words) > PARAGRAPH_LABEL_WORDS:
            label += " …"
        choices.append((number, f"¶ {number}: {label}"))
    return choices


class AttributionPickForm(forms.Form):
    """Attribute words by hand: the words, their paragraph and kind, and a source chosen
    from a search (``source``) or named as a new one, with its title or role and its
    affiliation (a source on file, or an organisation's name). ``q`` and
    ``new_affiliation_name`` are what the page searches; they are never saved."""

    text = forms.CharField(label="Words", widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)
    paragraph = forms.TypedChoiceField(label="Paragraph", coerce=int)
    # Words in a paragraph are never a photo credit (that credits an image, no paragraph).
    kind = forms.ChoiceField(
        label="Kind",
        choices=[c for c in Attribution.Kind.choices if c[0] != Attribution.Kind.PHOTO],
        initial=Attribution.Kind.PARAPHRASE,
    )
    q = forms.CharField(label="Find a source", required=False, max_length=200)
    source = forms.ModelChoiceField(
        queryset=Source.objects.order_by(Lower("name"), "pk"),
        required=False,
        widget=forms.RadioSelect,
    )
    new_name = forms.CharField(label="Name", required=False, max_length=200)
    new_kind = forms.ChoiceField(
        label="Kind of source",
        choices=Source.Kind.choices,
        initial=Source.Kind.PERSON,
        required=False,
    )
    new_role = forms.CharField(label="Title or role", required=False, max_length=200)
    new_affiliation = forms.ModelChoiceField(
        queryset=Source.objects.all(), required=False, widget=forms.RadioSelect
    )
    new_affiliation_name = forms.CharField(
        label="Affiliation",
        required=False,
        max_length=200,
        help_text="The organisation they speak for: one on file, or a new one by this name.",
    )
    url = forms.URLField(label="Link to the original", required=False, assume_scheme="https")

    def __init__(self, *args, paragraphs: dict[int, str], **kwargs):
        kwargs.setdefault("auto_id", "id_attribute_%s")
        super().__init__(*args, **kwargs)
        self.paragraphs = paragraphs
        self.fields["paragraph"].choices = paragraph_choices(paragraphs)

    def clean(self):
        data = super().clean()
        name = " ".join(data.get("new_name", "").split())
        data["new_name"] = name
        if data.get("source") and name:
            self.add_error("new_name", "Choose a source or name a new one, not both.")
        elif not data.get("source") and not name and "source" not in self.errors:
            self.add_error("source", "Choose a source or name a new one.")
        return data

    def new_source_data(self) -> SourceData | None:
        """The new source to create with the attribution, or None for one on file."""
        data = self.cleaned_data
        if data["source"]:
            return None
        affiliation = data["new_affiliation"]
        return SourceData(
            name=data["new_name"],
            kind=data["new_kind"] or Source.Kind.PERSON,
            role=data["new_role"],
            affiliation_id=affiliation.pk if affiliation else None,
            affiliation_name="" if affiliation else data["new_affiliation_name"],
        )


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
