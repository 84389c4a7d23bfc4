"""Webhooks for subscribers: each public change to a story, delivered as signed JSON."""
