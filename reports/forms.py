"""The reader's report form and the desk's dismissal form. They only validate."""

from __future__ import annotations

from django import forms
from django.utils.text import Truncator

from reports import spam
from reports.models import TEXT_MAX_LENGTH, TEXT_MIN_LENGTH

WHOLE_STORY = "The headline or the whole story"
#: How many words of a paragraph its choice shows.
CHOICE_WORDS = 8

#: Why a report is commonly dismissed; "Other" asks for the editor's own words.
DISMISS_REASONS = (
    ("accurate", "The story is accurate as published"),
    ("opinion", "A disagreement with the story, not an error of fact"),
    ("duplicate", "Already reported or already corrected"),
    ("unclear", "Not clear what is wrong, and no way to ask"),
    ("spam", "Spam or abuse"),
    ("other", "Other (say why below)"),
)
_REASON_TEXT = dict(DISMISS_REASONS)

MESSAGES = {
    "honeypot": "Your report could not be sent. Leave the field “Leave this empty” empty and "
    "send it again.",
    "too_fast": "That was quicker than we expected from a person. Please check your report "
    "and send it again.",
    "expired": "The form expired (it was open for more than a day). Your words are still "
    "here: send it again.",
    "invalid": "The form could not be checked. Your words are still here: send it again.",
    "links": f"Please include at most {spam.RULES.max_links} links: reports with more are "
    "refused to keep spam out.",
    "rate": "You have sent several reports in a short time. Your words are still here: "
    "please try again later.",
}


def paragraph_label(number: int, text: str) -> str:
    return f"Paragraph {number}: {Truncator(text).words(CHOICE_WORDS, truncate='…')}"


class ErrorReportForm(forms.Form):
    """What is wrong, where, and how to reach the reader (optional). ``article_id`` binds
    the signed timestamp to the story."""

    paragraph = forms.TypedChoiceField(
        label="Where is the error?",
        coerce=int,
        empty_value=None,
        required=False,
    )
    text = forms.CharField(
        label="What is wrong?",
        min_length=TEXT_MIN_LENGTH,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=f"What the story gets wrong and, if you can, how you know. At most "
        f"{TEXT_MAX_LENGTH:,} characters.",
    )
    email = forms.EmailField(
        label="Your email (optional)",
        required=False,
        help_text="Only if you would like us to tell you when we publish a correction. The "
        "desk sees it; nobody else does.",
    )
    started = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, article_id: int, paragraphs: dict[int, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.article_id = article_id
        self.fields["paragraph"].choices = [("", WHOLE_STORY)] + [
            (str(number), paragraph_label(number, text)) for number, text in paragraphs.items()
        ]
        # The honeypot: hidden from people (the template hides its wrapper), there for robots.
        self.fields[spam.HONEYPOT_FIELD] = forms.CharField(
            label="Leave this empty",
            required=False,
            widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
        )
        #: Why the form refused the report as a whole (a ``MESSAGES`` key), if it did.
        self.refusal = ""

    def clean_text(self) -> str:
        text = self.cleaned_data["text"].strip()
        if spam.link_count(text) > spam.RULES.max_links:
            raise forms.ValidationError(MESSAGES["links"], code="links")
        return text

    def clean(self):
        data = super().clean()
        if data.get(spam.HONEYPOT_FIELD):
            self._refuse("honeypot")
        try:
            spam.check_token(self.data.get(self.add_prefix("started"), ""), self.article_id)
        except spam.TokenProblem as problem:
            self._refuse(problem.code)
        return data

    def _refuse(self, code: str) -> None:
        self.refusal = code
        raise forms.ValidationError(MESSAGES[code], code=code)

    @property
    def honeypot(self):
        return self[spam.HONEYPOT_FIELD]


class DismissForm(forms.Form):
    """Why the desk closes a report without a correction: a common reason, or its own."""

    choice = forms.ChoiceField(label="Reason", choices=[("", "Choose a reason…"), *DISMISS_REASONS])
    detail = forms.CharField(
        label="In your words",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self):
        data = super().clean()
        if data.get("choice") == "other" and not data.get("detail", "").strip():
            self.add_error("detail", "Say why the report is dismissed.")
        return data

    @property
    def reason(self) -> str:
        """The reason as it is kept: the common reason, then the editor's words."""
        choice, detail = self.cleaned_data["choice"], self.cleaned_data.get("detail", "").strip()
        if choice == "other":
            return detail
        return f"{_REASON_TEXT[choice]}. {detail}".strip() if detail else _REASON_TEXT[choice]
