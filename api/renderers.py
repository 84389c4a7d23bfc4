"""How the API's responses are written out."""

from __future__ import annotations

from rest_framework import renderers


class BrowsableAPIRenderer(renderers.BrowsableAPIRenderer):
    """DRF's browsable API, under the site's Content-Security-Policy.

    DRF's page loads only its own static scripts and styles, except one inline ``<style>``
    of Pygments rules (when Pygments is installed) for highlighting code in Markdown
    descriptions, which ``style-src 'self'`` blocks. Our descriptions are not rendered as
    Markdown, so the page goes without it.
    """

    def get_context(self, data, accepted_media_type, renderer_context):
        context = super().get_context(data, accepted_media_type, renderer_context)
        context["code_style"] = None
        return context
