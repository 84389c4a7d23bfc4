from django.contrib.sitemaps import views as sitemap_views
from django.urls import path, re_path
from django.views.generic import RedirectView

from articles import feeds, sitemaps, surrogates, views

app_name = "articles"

urlpatterns = [
    path("", views.home, name="home"),
    path("section/<slug:slug>/", views.section, name="section"),
    # Tag slugs keep accented letters (taggit slugifies with allow_unicode).
    path("topics/<str:slug>/", views.tag, name="tag"),
    path("articles/<slug:slug>/", views.article, name="article"),
    path("authors/", views.author_index, name="author_index"),
    path("authors/<slug:slug>/", views.author, name="author"),
    path("sources/", views.source_index, name="source_index"),
    path("sources/<slug:slug>/", views.source, name="source"),
    path("corrections/", views.corrections, name="corrections"),
    path("search/", views.search, name="search"),
    path("feeds/corrections/", feeds.CorrectionsFeed(), name="corrections_feed"),
    path("feeds/corrections/atom/", feeds.CorrectionsAtomFeed(), name="corrections_atom"),
    path("corrections-policy/", views.corrections_policy, name="corrections_policy"),
    path("feeds/latest/", feeds.ArticleFeed(), name="latest_feed"),
    path("feeds/latest/atom/", feeds.ArticleAtomFeed(), name="latest_atom"),
    path("feeds/section/<slug:slug>/", feeds.SectionFeed(), name="section_feed"),
    path("feeds/section/<slug:slug>/atom/", feeds.SectionAtomFeed(), name="section_atom"),
    path("feeds/author/<slug:slug>/", feeds.AuthorFeed(), name="author_feed"),
    path("feeds/author/<slug:slug>/atom/", feeds.AuthorAtomFeed(), name="author_atom"),
    path("sitemap.xml", sitemaps.sitemap_index, name="sitemap"),
    re_path(
        r"^sitemap-articles-(?P<year>[0-9]{4})-(?P<month>0[1-9]|1[0-2])\.xml$",
        sitemaps.article_month_sitemap,
        name="sitemap_month",
    ),
    # The one article sitemap of old (paged with ?p=N) is now one per month, in the index.
    path(
        "sitemap-articles.xml",
        RedirectView.as_view(pattern_name="articles:sitemap", permanent=True),
        name="sitemap_articles_legacy",
    ),
    path(
        "sitemap-<section>.xml",
        surrogates.keyed(surrogates.HOME)(sitemap_views.sitemap),
        {"sitemaps": sitemaps.SITEMAPS, "template_name": "sitemaps/sitemap.xml"},
        name="sitemap_section",
    ),
    path("news-sitemap.xml", sitemaps.news_sitemap, name="news_sitemap"),
    path("robots.txt", sitemaps.robots_txt, name="robots_txt"),
]
