"""Reader-facing forms. They only validate what the reader typed."""

from __future__ import annotations

from django import forms

from articles.models import Section


class SearchForm(forms.Form):
    """The search box and its filters, read from the query string."""

    q = forms.CharField(
        label="Search for", required=False, max_length=200, widget=forms.SearchInput
    )
    section = forms.ModelChoiceField(
        label="Section",
        queryset=Section.objects.all(),
        required=False,
        empty_label="All sections",
        to_field_name="slug",
    )
    date_from = forms.DateField(
        label="Published from",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = forms.DateField(
        label="Published until",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean(self) -> dict:
        cleaned = super().clean()
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_from > date_to:
            self.add_error("date_to", "The end date comes before the start date.")
        return cleaned
