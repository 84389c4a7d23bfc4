"""The representative pages the HTML and accessibility checkers run over.

One list of names, so both checkers cover the same pages; the paths depend on the database
(primary keys, slugs), so ``build_site`` makes the demo site and returns them by name.
"""

from __future__ import annotations

import io
import os
import shutil
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from PIL import Image

from articles import services
from articles.models import Article, Block, CorrectionNote, Source
from editors.accounts import account_set_role
from tests.helpers import SEED_SLUG

ROOT = Path(__file__).resolve().parents[2]
NODE_MODULES = ROOT / "node_modules"
PASSWORD = "a-long-demo-password-42"
EDITOR = "elena"
RETRACTED = "demo-how-millbrook-measures-its-air"
UNPUBLISHED = "demo-volunteers-count-record-otters-on-the-mill-river"

READER_PAGES = [
    "home",
    "section",
    "article",
    "author",
    "source",
    "author-index",
    "source-index",
    "search",
    "corrections",
    "corrections-policy",
    "topic",
    "retracted",
    "unpublished",
    "not-found",
]
DESK_PAGES = [
    "login",
    "dashboard",
    "article-list",
    "article-new",
    "article-edit",
    "confirm-transition",
    "revision-list",
    "revision-compare",
]
# The login page is on the desk's templates but needs no account.
LOGGED_IN = set(DESK_PAGES) - {"login"}
# The admin's pages, for an administrator (its login page for nobody); not in build_site's
# paths: the HTML and accessibility checkers cover our pages, not Django's admin.
ADMIN = "ada"
ADMIN_PAGES = [
    "admin-login",
    "admin-index",
    "admin-article-list",
    "admin-article-change",
    "admin-source-list",
    "admin-source-change",
    "admin-note-add",
    "admin-login-attempts",
]
ADMIN_LOGGED_OUT = {"admin-login"}


def _jpeg(colour: tuple[int, int, int]) -> ContentFile:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 40), colour).save(buffer, "JPEG")
    return ContentFile(buffer.getvalue())


def _give_the_seed_images(seed: Article) -> None:
    """A lead image and a body image: the article page must be valid with pictures in it.

    Test setup only: the files go to the test's own MEDIA_ROOT and the rows are written
    directly, since no service uploads images without a desk form.
    """
    seed.lead_image.save("lead.jpg", _jpeg((40, 90, 140)), save=False)
    Article.objects.filter(pk=seed.pk).update(
        lead_image=seed.lead_image.name,
        lead_image_alt="The Security Council chamber during the Syria debate.",
        lead_image_caption="Ambassadors in the Security Council chamber.",
        lead_image_credit="Photo: Demo Agency",
    )
    block = Block(article=seed, position=10_000, kind=Block.Kind.IMAGE)
    block.image.save("body.jpg", _jpeg((140, 90, 40)), save=False)
    block.image_alt = "A map of Syria with the areas named in the report shaded."
    block.image_caption = "Where the strikes were reported."
    block.image_credit = "Graphic: Demo Agency"
    block.full_clean()
    block.save()


def build_site() -> dict[str, str]:
    """Load the demo, give the seed story images, make an editor; returns path by page name."""
    call_command("load_demo", verbosity=0, stdout=io.StringIO())
    account_set_role(username=EDITOR, role="editor", password=PASSWORD)
    seed = Article.objects.get(slug=SEED_SLUG)
    _give_the_seed_images(seed)
    # The seed story has an editor's note; the article page must also show a correction.
    assert CorrectionNote.objects.filter(article=seed).public().exists()
    with transaction.atomic():
        services.revision_create(article=seed, actor=None, message="Added the pictures")
    numbers = list(seed.revisions.order_by("number").values_list("number", flat=True))
    assert len(numbers) >= 2, "the compare page needs two revisions"

    # A retracted story stays readable under its notice; an unpublished one answers 410.
    editor = get_user_model().objects.get(username=EDITOR)
    retracted = Article.objects.get(slug=RETRACTED)
    services.article_retract(article=retracted, actor=editor, comment="Figures not verified")
    unpublished = Article.objects.get(slug=UNPUBLISHED)
    services.article_unpublish(article=unpublished, actor=editor, comment="Legal hold")

    byline = seed.bylines.select_related("author").first()
    source = Source.objects.get(name="Nikki Haley")
    paths = {
        "home": reverse("articles:home"),
        "section": seed.section.get_absolute_url(),
        "article": seed.get_absolute_url(),
        "author": byline.author.get_absolute_url(),
        "source": source.get_absolute_url(),
        "author-index": reverse("articles:author_index"),
        "source-index": reverse("articles:source_index"),
        "search": reverse("articles:search") + "?q=Syria",
        "corrections": reverse("articles:corrections"),
        "corrections-policy": reverse("articles:corrections_policy"),
        "topic": reverse("articles:tag", args=[seed.tags.order_by("slug").first().slug]),
        "retracted": retracted.get_absolute_url(),
        "unpublished": unpublished.get_absolute_url(),
        "not-found": "/no-such-page/",
        "login": reverse("login"),
        "dashboard": reverse("editors:dashboard"),
        "article-list": reverse("editors:article_list"),
        "article-new": reverse("editors:article_create"),
        "article-edit": reverse("editors:article_edit", kwargs={"pk": seed.pk}),
        "confirm-transition": reverse(
            "editors:article_transition", kwargs={"pk": seed.pk, "to": "retracted"}
        ),
        "revision-list": reverse("editors:revision_list", kwargs={"pk": seed.pk}),
        "revision-compare": reverse("editors:revision_compare", kwargs={"pk": seed.pk})
        + f"?a={numbers[0]}&b={numbers[-1]}",
    }
    return paths


def admin_paths() -> dict[str, str]:
    """The admin pages of the site ``build_site`` made, by name, and their administrator.

    The source and the new note have autocomplete widgets (select2); the article is the
    read-only story with its inlines; the login attempts are axes' admin.
    """
    account_set_role(username=ADMIN, role="admin", password=PASSWORD)
    seed = Article.objects.get(slug=SEED_SLUG)
    source = Source.objects.get(name="Nikki Haley")
    return {
        "admin-login": reverse("admin:login"),
        "admin-index": reverse("admin:index"),
        "admin-article-list": reverse("admin:articles_article_changelist"),
        "admin-article-change": reverse("admin:articles_article_change", args=[seed.pk]),
        "admin-source-list": reverse("admin:articles_source_changelist"),
        "admin-source-change": reverse("admin:articles_source_change", args=[source.pk]),
        "admin-note-add": reverse("admin:articles_correctionnote_add"),
        "admin-login-attempts": reverse("admin:axes_accessattempt_changelist"),
    }


def expected_status(name: str) -> int:
    return {"not-found": 404, "unpublished": 410}.get(name, 200)


def require_tool(path: Path | str, *, what: str, how: str) -> None:
    """Fail under CI (which installs everything), skip with a reason on a developer machine."""
    found = Path(path).exists() if isinstance(path, Path) else shutil.which(path)
    if found:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{what} is missing; .ci/run installs it ({how}).")
    pytest.skip(f"needs {what} ({how})")


# axe-core, the accessibility checker the browser tests run over pages (from npm).
AXE = NODE_MODULES / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


def describe(violation: dict) -> str:
    targets = "; ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
    more = len(violation["nodes"]) - 5
    why = " ".join(violation["nodes"][0].get("failureSummary", "").split())
    return (
        f"[{violation['impact']}] {violation['id']}: {violation['help']}\n"
        f"    {violation['helpUrl']}\n    at {targets}"
        + (f" (+{more} more)" if more > 0 else "")
        + f"\n    {why}"
    )


def serious_axe_violations(page) -> list[str]:
    """Run axe-core on the page as it stands: its serious and critical violations, each
    described. Through DevTools, not as a <script> element: the site's CSP refuses inline
    scripts."""
    require_tool(AXE, what="axe-core", how="npm ci")
    page.evaluate(AXE.read_text())
    result = page.evaluate(
        "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    return [describe(v) for v in result["violations"] if v["impact"] in {"serious", "critical"}]


# The site's error pages (newsroom.errors), each in both looks. They are rendered by the
# handlers themselves, since most of them cannot be reached with a plain GET; the checkers
# serve them at the path they stand for.
ERROR_PAGES = [
    f"{style}-{name}"
    for style in ("reader", "desk")
    for name in ("400", "400-too-big", "403", "403-csrf", "404", "500", "503")
] + ["desk-503-post"]


def error_page(name: str):
    """``(path, response)`` for the error page ``name``, as its handler answers it."""
    from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
    from django.db import OperationalError
    from django.http import Http404
    from django.test import RequestFactory

    from newsroom import errors, outage

    style, _, kind = name.partition("-")
    path = "/desk/articles/1/" if style == "desk" else "/articles/a-story/"
    factory = RequestFactory()
    if kind == "503-post":
        data = {
            "headline": "Harbour wall <b>rebuilt</b>",
            "body": "The council met on Tuesday.\n\nIt voted yes.",
            "csrfmiddlewaretoken": "never-shown",
        }
        request = factory.post(path, data, headers={"referer": f"http://testserver{path}"})
        return path, outage.service_unavailable(request, OperationalError("down"))
    request = factory.get(path, headers={"referer": "http://testserver/"})
    respond = {
        "400": lambda: errors.bad_request(request, SuspiciousOperation()),
        "400-too-big": lambda: errors.bad_request(request, RequestDataTooBig()),
        "403": lambda: errors.permission_denied(request, PermissionDenied("Not yours.")),
        "403-csrf": lambda: errors.csrf_failure(request),
        "404": lambda: errors.page_not_found(request, Http404()),
        "500": lambda: errors.server_error(request),
        "503": lambda: outage.service_unavailable(request, OperationalError("down")),
    }[kind]
    return path, respond()
