"""Words people search their feed by, matched by the database's own full-text search.

PostgreSQL matches an English tsvector of title and body (GIN index, migration 0015);
SQLite an FTS5 table over the same two columns, kept in step by triggers. Both read the
same words: letters and digits only, each matched as a word prefix, all of them
required, so "bike stol" finds "Bike stolen" on either database.
"""

from __future__ import annotations

import re

from django.contrib.postgres.search import SearchQuery, SearchVector, SearchVectorExact
from django.db import connections
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext as _

MAX_SEARCH_CHARS = 100
MAX_SEARCH_WORDS = 8
SEARCH_CONFIG = "english"
WORD = re.compile(r"\w+", re.UNICODE)


def search_words(text: str) -> list[str]:
    """The words of a search box, lower-cased; ValueError when it is too long."""
    if len(text) > MAX_SEARCH_CHARS:
        raise ValueError(_("Search for at most %(n)d characters.") % {"n": MAX_SEARCH_CHARS})
    words = [word.lower() for word in WORD.findall(text)]
    if len(words) > MAX_SEARCH_WORDS:
        raise ValueError(_("Search for at most %(n)d words.") % {"n": MAX_SEARCH_WORDS})
    return words


def post_vector() -> SearchVector:
    """The indexed expression: the query must compile to exactly it to use the index."""
    return SearchVector("title", "body", config=SEARCH_CONFIG)


def matching(posts: QuerySet, words: list[str]) -> QuerySet:
    """The posts whose title or body holds every word (as a prefix), on either database.

    The filter adds no join nor annotation, so geo.selectors.newest_within still takes it.
    """
    if not words:
        return posts
    if connections[posts.db].vendor == "postgresql":
        query = SearchQuery(
            " & ".join(f"{word}:*" for word in words), config=SEARCH_CONFIG, search_type="raw"
        )
        return posts.filter(SearchVectorExact(post_vector(), query))
    phrase = " ".join(f'"{word}"*' for word in words)  # \w+ only: no FTS5 syntax gets in
    return posts.filter(pk__in=RawSQL(FTS_MATCH, [phrase]))  # noqa: S611 - a constant, one parameter


# SQLite: an external-content FTS5 table over community_post, and triggers that keep it in
# step with every insert, update of the text and delete (porter: "stolen" finds "stole").
FTS_SETUP = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS community_post_search USING fts5(title, body, "
    "content='community_post', content_rowid='id', tokenize='porter unicode61')",
    "CREATE TRIGGER IF NOT EXISTS community_post_search_insert AFTER INSERT ON community_post "
    "BEGIN INSERT INTO community_post_search(rowid, title, body) "
    "VALUES (new.id, new.title, new.body); END",
    "CREATE TRIGGER IF NOT EXISTS community_post_search_delete AFTER DELETE ON community_post "
    "BEGIN INSERT INTO community_post_search(community_post_search, rowid, title, body) "
    "VALUES ('delete', old.id, old.title, old.body); END",
    "CREATE TRIGGER IF NOT EXISTS community_post_search_update "
    "AFTER UPDATE OF title, body ON community_post "
    "BEGIN INSERT INTO community_post_search(community_post_search, rowid, title, body) "
    "VALUES ('delete', old.id, old.title, old.body); "
    "INSERT INTO community_post_search(rowid, title, body) "
    "VALUES (new.id, new.title, new.body); END",
)
FTS_TEARDOWN = (
    "DROP TRIGGER IF EXISTS community_post_search_insert",
    "DROP TRIGGER IF EXISTS community_post_search_delete",
    "DROP TRIGGER IF EXISTS community_post_search_update",
    "DROP TABLE IF EXISTS community_post_search",
)
FTS_REBUILD = "INSERT INTO community_post_search(community_post_search) VALUES ('rebuild')"
FTS_MATCH = "SELECT rowid FROM community_post_search WHERE community_post_search MATCH %s"
FTS_TRIGGERS = {
    "community_post_search_insert",
    "community_post_search_delete",
    "community_post_search_update",
}


def ensure_sqlite_index(connection) -> bool:
    """Create the FTS5 table and triggers if missing, and refill the table if any was.

    Run by the migration and after every migrate (apps.py): SQLite drops a table's
    triggers when a later migration rebuilds the table, which would silently stop
    indexing new posts. Returns whether anything had to be (re)built.
    """
    if connection.vendor != "sqlite":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        present = {name for (name,) in cursor.fetchall()}
        if present >= FTS_TRIGGERS:
            return False
        for statement in FTS_SETUP:
            cursor.execute(statement)
        cursor.execute(FTS_REBUILD)
    return True
