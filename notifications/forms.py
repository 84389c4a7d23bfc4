from __future__ import annotations

from django import forms

from notifications import kinds


class PreferencesForm(forms.Form):
    """One choice per kind (``kinds.KINDS``): mail too, or the desk inbox only."""

    def __init__(self, *args, initial: dict[str, str] | None = None, **kwargs) -> None:
        super().__init__(*args, initial=initial, **kwargs)
        for kind in kinds.KINDS:
            self.fields[kind.key] = forms.ChoiceField(
                label=kind.label,
                help_text=kind.help_text,
                choices=kinds.DELIVERY_CHOICES,
                widget=forms.RadioSelect,
            )

    def rows(self) -> list[tuple[kinds.Kind, forms.BoundField]]:
        return [(kind, self[kind.key]) for kind in kinds.KINDS]
