"""Synthetic values for the sample lake: personal data of every contract type (with valid checksums) and
look-alikes that are not personal data. Deterministic for a given seed."""

from __future__ import annotations

import random
import string


def luhn_complete(digits: str) -> str:
    """Append the Luhn check digit to ``digits``."""
    total = 0
    for i, d in enumerate(reversed(digits)):
        n = int(d)
        if i % 2 == 0:
            n *= 2
            n -= 9 if n > 9 else 0
        total += n
    return digits + str((10 - total % 10) % 10)


def iban(country: str, bban: str) -> str:
    """A mod-97-valid IBAN for ``country`` and ``bban``."""
    moved = bban + country + "00"
    number = int("".join(str(int(c, 36)) for c in moved))
    return f"{country}{98 - number % 97:02d}{bban}"


def nhs_number(rng: random.Random) -> str:
    while True:
        digits = [rng.randint(0, 9) for _ in range(9)]
        check = 11 - sum(d * w for d, w in zip(digits, range(10, 1, -1), strict=True)) % 11
        check = 0 if check == 11 else check
        if check != 10:
            return "".join(map(str, digits)) + str(check)


def _group(s: str, size: int, sep: str) -> str:
    return sep.join(s[i : i + size] for i in range(0, len(s), size))


def pii_values(seed: int, per_type: int = 24) -> dict[str, list[str]]:
    """Texts carrying one PII value each, keyed by type, with a little context as people write it."""
    rng = random.Random(seed)
    first = ["anna", "ben", "chloe", "dev", "emma", "farid", "greta", "hugo", "ines", "jonas", "kai", "lena"]
    out: dict[str, list[str]] = {k: [] for k in ("email", "phone", "card", "iban", "ip", "ssn", "nino", "nhs", "address", "coords", "mention")}
    for _ in range(per_type):
        name = rng.choice(first)
        out["email"].append(f"write to {name}.{rng.randint(1, 999)}@{rng.choice(['example.com', 'mail.de', 'posteo.fr', 'uol.com.br'])}")
        phone = rng.choice(
            [
                f"+44 7700 900{rng.randint(100, 999)}",
                f"07700 900{rng.randint(100, 999)}",
                f"(415) 555-{rng.randint(1000, 9999)}",
                f"+1 212-555-{rng.randint(1000, 9999)}",
                f"+49 30 {rng.randint(1000000, 9999999)}",
                f"030 {rng.randint(1000000, 9999999)}",
                f"+33 6 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
                f"06 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
                f"+353 87 {rng.randint(100, 999)} {rng.randint(1000, 9999)}",
                f"+91 98{rng.randint(100, 999)} {rng.randint(10000, 99999)}",
                f"+55 11 9{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}",
                f"+61 4{rng.randint(10, 99)} {rng.randint(100, 999)} {rng.randint(100, 999)}",
            ]
        )
        out["phone"].append(f"call me on {phone}")
        card = luhn_complete(rng.choice(["4", "51", "37"]) + "".join(rng.choice(string.digits) for _ in range(13)))
        out["card"].append(f"my card {rng.choice([card, _group(card, 4, ' '), _group(card, 4, '-')])}")
        bban = rng.choice(
            [
                ("GB", "NWBK" + "".join(rng.choice(string.digits) for _ in range(14))),
                ("DE", "".join(rng.choice(string.digits) for _ in range(18))),
                ("FR", "".join(rng.choice(string.digits) for _ in range(23))),
            ]
        )
        code = iban(*bban)
        out["iban"].append(f"IBAN {rng.choice([code, _group(code, 4, ' ')])}")
        ip = rng.choice(
            [
                f"{rng.randint(11, 223)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}",
                "2001:db8:" + ":".join(f"{rng.randint(0, 65535):x}" for _ in range(6)),
            ]
        )
        out["ip"].append(f"my server is at {ip}")
        out["ssn"].append(f"SSN {rng.randint(1, 665):03d}-{rng.randint(1, 99):02d}-{rng.randint(1, 9999):04d}")
        nino = f"{rng.choice(['AB', 'CE', 'JG', 'PX', 'WL'])}{rng.randint(0, 999999):06d}{rng.choice('ABCD')}"
        out["nino"].append(f"NI number {rng.choice([nino, _group(nino[:8], 2, ' ') + ' ' + nino[8]])}")
        nhs = nhs_number(rng)
        out["nhs"].append(f"NHS no. {rng.choice([nhs, nhs[:3] + ' ' + nhs[3:6] + ' ' + nhs[6:]])}")
        out["address"].append(
            rng.choice(
                [
                    f"we live at {rng.randint(1, 250)} {rng.choice(['Baker Street', 'Mill Lane', 'Church Road'])}, London NW1 {rng.randint(1, 9)}XE",
                    f"come to {rng.randint(1, 999)} Main St, Springfield, IL 627{rng.randint(10, 99)}",
                    f"Adresse: Hauptstraße {rng.randint(1, 150)}, 10115 Berlin",
                ]
            )
        )
        out["coords"].append(f"we were at {rng.uniform(-60, 60):.5f}, {rng.uniform(-120, 120):.5f}")
        out["mention"].append(f"thanks @{name}_{rng.randint(1, 99)}")
    return out


def decoys(seed: int, per_kind: int = 12) -> list[str]:
    """Look-alikes that must survive redaction: dates, prices, order numbers, ISBNs, versions, URLs, hashtags..."""
    rng = random.Random(seed + 1)
    out = []
    for _ in range(per_kind):
        out += [
            f"on {rng.randint(2019, 2026)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            f"at {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}",
            f"only £{rng.randint(2, 999)}.{rng.randint(0, 99):02d}",
            f"final score {rng.randint(0, 7)}-{rng.randint(0, 7)}",
            f"back in {rng.randint(1960, 2025)}",
            f"order #{rng.randint(10_000_000, 99_999_999)}",
            "ISBN 978-0-306-40615-7",
            f"version {rng.randint(1, 9)}.{rng.randint(0, 20)}.{rng.randint(0, 9)}",
            f"see https://www.example.org/articles/{rng.randint(100, 999)}",
            f"#{rng.choice(['sunset', 'weekend', 'Bundesliga', 'foodie'])}",
            f"ran {rng.randint(3, 42)} km in {rng.randint(20, 59)} min",
        ]
    return out


SENTENCES = {
    "en": [
        "Lovely walk along the river this morning, the light was amazing",
        "Does anyone know a good recipe for sourdough bread without a starter",
        "Finally finished the book everyone was talking about and I loved it",
        "Traffic in the city centre was terrible again today",
        "Our team won the local cup match after extra time",
    ],
    "en-GB": ["Queue at the post office went round the block this afternoon", "Proper rainy Sunday, perfect for a roast"],
    "de": ["Heute war das Wetter in den Bergen einfach herrlich", "Kennt jemand ein gutes Café in der Nähe vom Bahnhof"],
    "fr": ["Quelle belle journée au marché ce matin avec les enfants", "Le concert d'hier soir était vraiment incroyable"],
    "es": ["Hoy hemos probado un restaurante nuevo en el barrio", "El partido de anoche fue muy emocionante hasta el final"],
    "pt-BR": ["Que dia lindo na praia hoje com a família toda", "Alguém recomenda um bom livro de ficção científica"],
    "it": ["Stasera pizza fatta in casa con gli amici di sempre", "Il treno per Milano era in ritardo di un'ora"],
    "nl": ["Vandaag een mooie fietstocht gemaakt langs de dijk", "Wie weet een goede tandarts in Utrecht centrum"],
    "pl": ["Dzisiaj byliśmy na długim spacerze w parku miejskim"],
    "sv": ["Första snön föll i natt och barnen var överlyckliga"],
}

EMPTY_TEXTS = [None, "", "   ", "ok", "👍👍", "lol", "@max_92", "anna.5@example.com"]

# Words a post goes on with after its opening sentence, so posts are unique (a shared opening sentence and a
# dozen of these make two unrelated posts about 0.3 alike in 5-character shingles, far from a near-duplicate).
# No digits and no words the PII detectors read as context ("at", "dot").
BODY_WORDS = (
    "apple autumn bakery balcony banana basket beach bicycle blossom blue breakfast breeze bridge bright brother cafe "
    "candle canoe castle cherry chocolate cinema city cloud coast coffee concert cookie cottage cousin cycling daisy "
    "dancing dessert dinner dragon dream evening family farm festival field film forest friday friends garden ginger "
    "glacier golden grandma guitar harbour harvest hiking holiday honey horizon island jacket jazz journey kettle kitchen "
    "lake lantern lemon library lighthouse lunch maple market meadow melody mountain museum music noodles ocean orange "
    "orchard painting pancake park pasta peach picnic pizza planet poetry pottery pumpkin puppy quiet rainbow recipe "
    "river rooftop saturday scarf school season shadow silver singing skating snow soup spring stars summer sunday "
    "sunrise sunset supper tea teacher theatre thunder train tulip valley village violin walnut waterfall weekend "
    "whistle window winter wool yellow yoga"
).split()
