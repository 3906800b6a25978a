"""The public list's search by name (see `search`)."""

from django.contrib.postgres.search import TrigramWordSimilarity
from django.db import connection
from django.db.models import Q, Value

from core.names import transliteration_key

from .models import AlternativeName, Prisoner

SEARCH_MAX_WORDS = 6
SEARCH_MAX_LENGTH = 100


def search(queryset, text):
    """Every word must match some spelling of the name, in either script: "Жыланбаев",
    "Zhylanbaev" and "Zhylanbayev" find the same person, as does "Adylbekov" for
    Adilbekov (core.names.transliteration_key). On PostgreSQL a word also matches a
    close misspelling (trigram word similarity, served by GIN indexes), and the best
    matches come first. Words are bounded and each is two indexed subqueries, so a long query cannot
    make the database work hard."""
    fuzzy = connection.vendor == "postgresql"
    query, ranks = queryset, []
    for word in text[:SEARCH_MAX_LENGTH].split()[:SEARCH_MAX_WORDS]:
        key = transliteration_key(word)
        if not key:
            continue
        own = Q(name_key__contains=key)
        spelled = Q(name_key__contains=key)
        if fuzzy:
            own |= Q(name_key__trigram_word_similar=key)
            spelled |= Q(name_key__trigram_word_similar=key)
            ranks.append(TrigramWordSimilarity(Value(key), "name_key"))
        # Two id sets, each found through its own GIN index, rather than an OR with a
        # correlated EXISTS, which made PostgreSQL compute the similarity of every
        # published row (4.5 times the cost at 10,000 prisoners).
        query = query.filter(
            Q(pk__in=Prisoner.objects.filter(own).values("pk"))
            | Q(pk__in=AlternativeName.objects.filter(spelled).values("prisoner_id"))
        )
    if ranks:
        query = query.annotate(search_rank=sum(ranks[1:], ranks[0])).order_by(
            "-search_rank", "family_name", "given_name"
        )
    return query
