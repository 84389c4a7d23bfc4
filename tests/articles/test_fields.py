"""The field spec (``articles.fields``) is the one home of every per-field rule."""

from __future__ import annotations

import pytest

from articles import corrections, fields, services
from articles.models import Article
from tests.factories import PublishedArticleFactory

pytestmark = pytest.mark.django_db


def _model_field_names() -> set[str]:
    return {f.name for f in Article._meta.get_fields()}


class TestSpecCoversTheModel:
    def test_every_article_field_is_declared_once(self):
        """A field added to Article fails here until the spec says who sees and writes it."""
        declared = set(fields.BY_NAME) | set(fields.MANAGED)
        missing = _model_field_names() - declared
        assert not missing, f"declare these in articles.fields: {sorted(missing)}"

    def test_no_field_is_both_editorial_and_managed(self):
        assert not set(fields.BY_NAME) & set(fields.MANAGED)

    def test_the_spec_names_only_real_fields(self):
        names = _model_field_names() | {"authors", "blocks"}
        assert set(fields.BY_NAME) <= names
        assert set(fields.MANAGED) <= names


class TestDerivedLists:
    def test_form_fields_are_concrete_model_fields(self):
        concrete = {f.name for f in Article._meta.concrete_fields}
        assert set(fields.FORM_FIELDS) <= concrete

    def test_services_and_analysis_read_the_spec(self):
        assert services.EDITABLE_FIELDS == fields.FORM_FIELDS
        assert services.COPY_FIELDS == fields.COPY_FIELDS
        assert corrections.READER_FIELDS == fields.READER_FIELDS

    def test_placement_is_not_a_copy_editors_to_change(self):
        assert {"section", "kind", "slug", "authors", "lead_image"}.isdisjoint(fields.COPY_FIELDS)
        assert {"headline", "dek", "blocks", "tags"} <= fields.COPY_FIELDS

    def test_everything_readers_see_needs_a_note_on_a_live_story(self):
        """Section, kind and tags are reader fields: the admin gap of issue 8."""
        assert {"section", "kind", "tags", "authors", "headline"} <= set(fields.READER_FIELDS)

    def test_snapshot_has_one_key_per_spec_entry(self):
        article = PublishedArticleFactory()
        assert set(fields.snapshot(article)) == set(fields.BY_NAME)


class TestChanges:
    def test_changes_are_labelled_and_readable(self):
        old = {"section": {"id": 1, "slug": "world"}, "authors": [{"id": 1, "name": "Ana"}]}
        new = {"section": {"id": 2, "slug": "science"}, "authors": []}
        changed = fields.changes(old, new)
        assert [(c.label, c.old, c.new) for c in changed] == [
            ("Section", "world", "science"),
            ("Bylines", "Ana", ""),
        ]

    def test_fields_missing_from_the_new_side_are_not_changes(self):
        assert fields.changes({"headline": "A"}, {}) == []
