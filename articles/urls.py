from django.urls import path

from articles import feeds, views

app_name = "articles"

urlpatterns = [
    path("", views.home, name="home"),
    path("section/<slug:slug>/", views.section, name="section"),
    path("articles/<slug:slug>/", views.article, name="article"),
    path("authors/<slug:slug>/", views.author, name="author"),
    path("sources/<slug:slug>/", views.source, name="source"),
    path("corrections/", views.corrections, name="corrections"),
    path("feeds/corrections/", feeds.CorrectionsFeed(), name="corrections_feed"),
    path("feeds/corrections/atom/", feeds.CorrectionsAtomFeed(), name="corrections_atom"),
]
