"""Fills the growth benchmark's database (bench/growth.py) to a size, and prints what it did
as JSON. Run with that benchmark's environment, never against a site's database:

    python -m bench.growth_data --signatures 1000000 --prisoners 10000

Sizes are totals: what is there is kept and only the difference is added, so that the small
size grows into the large one. Signatures are confirmed signatures of the demo petition,
each with its own supporter and consent, written by set-based SQL (INSERT ... SELECT
generate_series), and counted in the petition's counter shards as confirmation would have
counted them. Prisoners are published profiles, written with `bulk_create`, which fills
their search keys (`name_key`). Everything is VACUUM ANALYZEd afterwards, as autovacuum
would have done on a site that grew to this size over time.
"""

import argparse
import datetime
import json
import random
import time

import django

SIGNATURE_BATCH = 100_000
DAY = datetime.timedelta(days=1)
# A family name of the demo data that two published profiles share; the generated names
# below are built so that none of them spells it.
SEARCH = "Syzdykov"
GIVEN_NAMES = (
    "Aidos Aigerim Aizhan Akmaral Alibek Almas Arman Asel Askar Aslan Azamat Bakhyt Baurzhan "
    "Bolat Dana Daniyar Dariga Dauren Dina Erlan Galym Gulnara Kairat Kanat Madina Marat "
    "Miras Nurlan Olzhas Roza Rustem Saule Serik Talgat Timur Zhanar Zhanna"
)
FAMILY_ROOTS = (
    "Abai Adil Akhmet Alim Amir Arman Askar Asyl Aitken Bakhyt Baurzhan Beibit Bolat Dauren "
    "Dias Erlan Ermek Galym Kairat Kanat Marat Miras Murat Nurlan Olzhas Rustem Sabit Serik "
    "Talgat Timur Yerlan Zhanat Zhaslan Kuan Tolegen Sultan Daulet Ruslan Azamat Aidos"
)
FAMILY_MIDDLES = ("", "bek", "bai", "zhan", "gali", "khan", "tai", "kul", "mukhamed", "sary")
FAMILY_ENDINGS = ("ov", "ev", "uly", "ova", "eva", "kyzy", "in", "ina")
REGIONS = ("", "", "Almaty", "Almaty / Almaty region", "Astana", "Taraz", "Aktobe", "Shymkent")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--signatures", type=int, required=True)
    parser.add_argument("--prisoners", type=int, required=True)
    args = parser.parse_args()
    django.setup()
    from django.db import connection

    from campaigns.models import Petition

    petition = Petition.objects.select_related("campaign").get()
    started = time.perf_counter()
    signatures = grow_signatures(petition, args.signatures)
    signatures_seconds = time.perf_counter() - started
    started = time.perf_counter()
    prisoners = grow_prisoners(args.prisoners)
    prisoners_seconds = time.perf_counter() - started
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    vacuum_seconds = time.perf_counter() - started
    print(
        json.dumps(
            {
                **signatures,
                **prisoners,
                "signatures_seconds": round(signatures_seconds, 1),
                "prisoners_seconds": round(prisoners_seconds, 1),
                "vacuum_seconds": round(vacuum_seconds, 1),
                "petition_path": petition.get_absolute_url(),
                "profile_path": petition.campaign.featured_prisoners.order_by("pk")
                .first()
                .get_absolute_url(),
                "search": SEARCH,
            }
        )
    )


def grow_signatures(petition, total):
    from django.db import connection, transaction

    from campaigns.models import COUNTER_SHARDS, Signature
    from campaigns.services.signing import CONSENT_WORDING

    counted = Signature.objects.filter(petition=petition, in_count=True)
    first = counted.count() + 1
    for start in range(first, total + 1, SIGNATURE_BATCH):
        end = min(start + SIGNATURE_BATCH - 1, total)
        with transaction.atomic(), connection.cursor() as cursor:
            # Two seconds apart, the newest last, so that the page's recent signers are
            # the latest batch's; every other signer shows a name, a third want mail.
            cursor.execute(
                """
                WITH supporter AS (
                    INSERT INTO supporters_supporter
                        (email, email_key, name, country, language, created_at, confirmed_at)
                    SELECT 'g' || i || '@growth.example.org', 'g' || i || '@growth.example.org',
                           'Signer ' || i, (ARRAY['KZ','DE','FR','GB','US','PL'])[1 + i %% 6], 'en',
                           now() - make_interval(secs => 2 * (%(total)s - i) + 600),
                           now() - make_interval(secs => 2 * (%(total)s - i))
                    FROM generate_series(%(start)s, %(end)s) AS i
                    RETURNING id, created_at, confirmed_at
                ), consent AS (
                    INSERT INTO campaigns_consent
                        (supporter_id, campaign_id, wording_version, mailing, page, agreed_at)
                    SELECT id, %(campaign)s, %(wording)s, id %% 3 = 0, %(page)s, created_at
                    FROM supporter
                )
                INSERT INTO campaigns_signature
                    (petition_id, supporter_id, status, held, hold_reason, in_count, comment,
                     show_name, source, ip_hash, created_at, confirmed_at, confirmation_emails,
                     last_confirmation_at)
                SELECT %(petition)s, id, %(confirmed)s, false, '', true, '', id %% 2 = 0, '',
                       '', created_at, confirmed_at, 1, created_at
                FROM supporter
                """,
                {
                    "start": start,
                    "end": end,
                    "total": total,
                    "campaign": petition.campaign_id,
                    "wording": CONSENT_WORDING,
                    "page": "http://127.0.0.1" + petition.get_absolute_url(),
                    "petition": petition.pk,
                    "confirmed": Signature.Status.CONFIRMED,
                },
            )
    # The count as confirmations leave it: spread over the shards, summing to the rows.
    shards = {"petition": petition.pk, "shards": COUNTER_SHARDS}
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO campaigns_petitioncountershard (petition_id, shard, count)
            SELECT %(petition)s, shard, 0 FROM generate_series(0, %(shards)s - 1) AS shard
            ON CONFLICT (petition_id, shard) DO NOTHING
            """,
            shards,
        )
        cursor.execute(
            """
            UPDATE campaigns_petitioncountershard
            SET count = counted.n / %(shards)s + (shard < counted.n %% %(shards)s)::int
            FROM (
                SELECT count(*) AS n FROM campaigns_signature
                WHERE petition_id = %(petition)s AND in_count
            ) AS counted
            WHERE petition_id = %(petition)s
            """,
            shards,
        )
    count, rows = petition.count, counted.count()
    countable = Signature.objects.filter(petition=petition).countable().count()
    assert count == rows == countable == total, (count, rows, countable, total)
    return {"signatures": count, "signature_rows": Signature.objects.count()}


def grow_prisoners(total):
    from django.db import transaction
    from django.utils import timezone

    from prisoners.models import AlternativeName, Article, Case, Prisoner
    from prisoners.search import search

    published = Prisoner.objects.published()
    have = published.count()
    rng = random.Random(total)
    articles = list(Article.objects.all())
    cases = [None, None, *Case.objects.all()]
    today = timezone.localdate()
    new = []
    given_names, roots = GIVEN_NAMES.split(), FAMILY_ROOTS.split()
    for n in range(have, total):
        family = rng.choice(roots) + rng.choice(FAMILY_MIDDLES) + rng.choice(FAMILY_ENDINGS)
        detained = today - rng.randint(365, 8 * 365) * DAY
        convicted = detained + rng.randint(60, 500) * DAY
        status = rng.choice(["convicted"] * 6 + ["pretrial", "restricted", "released", "exile"])
        new.append(
            Prisoner(
                given_name=rng.choice(given_names),
                family_name=family,
                slug=f"growth-{n}",
                gender=rng.choice(["male", "female"]),
                citizenship="KZ",
                region=rng.choice(REGIONS),
                status=status,
                case=rng.choice(cases),
                sentence_years=rng.randint(1, 12) if status != "pretrial" else None,
                sentence_months=rng.choice([0, 0, 6]),
                detained_on=detained,
                convicted_on=convicted if status != "pretrial" else None,
                place_of_detention=f"Colony No. {rng.randint(1, 200)}",
                summary=(
                    f"Detained in {detained.year} after posts criticising the authorities; "
                    "the charges rest on the content of those posts alone."
                ),
                story="A generated profile for the growth benchmark. " * 20,
                publication=Prisoner.Publication.PUBLISHED,
            )
        )
    with transaction.atomic():
        created = Prisoner.objects.bulk_create(new, batch_size=1000)
        Prisoner.charges.through.objects.bulk_create(
            [
                Prisoner.charges.through(prisoner_id=prisoner.pk, article_id=article.pk)
                for prisoner in created
                for article in rng.sample(articles, rng.randint(1, min(3, len(articles))))
            ],
            batch_size=5000,
        )
        # Every fourth profile has another spelling of its name, as the demo data has.
        AlternativeName.objects.bulk_create(
            [
                AlternativeName(prisoner=prisoner, name=respelled(prisoner.full_name))
                for prisoner in created[::4]
            ],
            batch_size=1000,
        )
    return {
        "prisoners": published.count(),
        "search_matches": search(published, SEARCH).count(),
    }


def respelled(name):
    """The name as another transliteration habit writes it."""
    return name.replace("kh", "h").replace("ev", "yev").replace("ai", "ay")


if __name__ == "__main__":
    main()
