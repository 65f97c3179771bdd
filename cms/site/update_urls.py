"""Update feeds and e-mail subscriptions (cms/site/feeds.py, cms/site/subscriptions.py).
Page slugs have no dots, so feed.atom never shadows a leaf."""

from django.urls import path

from cms.site import feeds, subscriptions

feed_urls = (
    [
        path("textbooks/feed.atom", feeds.catalogue, name="catalogue"),
        path("textbooks/<slug:slug>/feed.atom", feeds.textbook, name="textbook"),
    ],
    "feeds",
)

subscription_urls = (
    [
        path("subscriptions/<slug:slug>/", subscriptions.subscribe, name="subscribe"),
        path("subscriptions/confirm/<str:token>/", subscriptions.confirm, name="confirm"),
        path(
            "subscriptions/unsubscribe/<str:token>/",
            subscriptions.unsubscribe,
            name="unsubscribe",
        ),
    ],
    "subscriptions",
)
