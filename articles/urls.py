from django.urls import path

from articles import views

app_name = "articles"

urlpatterns = [
    path("", views.home, name="home"),
    path("section/<slug:slug>/", views.section, name="section"),
    path("articles/<slug:slug>/", views.article, name="article"),
    path("authors/<slug:slug>/", views.author, name="author"),
    path("sources/<slug:slug>/", views.source, name="source"),
    path("corrections/", views.corrections, name="corrections"),
]
