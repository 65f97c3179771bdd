"""Catalogue search: one service (cms.search.service), a database and an Elasticsearch backend."""
