"""Generate the labelled near-duplicate evaluation set: eval/dedup_eval.jsonl.

    python eval/generate_dedup.py                  # writes eval/dedup_eval.jsonl (600 groups, fixed seed)
    python eval/generate_dedup.py --groups 50 --seed 7 --out /tmp/small.jsonl

Each line is one redacted post: {"id", "group", "lang", "kind", "text", "changed", "jaccard"}. A group is an
original post and what was made from it:

- ``copy``: the same text as people re-post it (other letter case, extra or Unicode spaces, full-width forms,
  a zero-width space): equal after normalisation, Jaccard 1;
- ``edit``: word edits (substitutions, insertions, deletions, swaps, an added hashtag or emoji) applied until the
  Jaccard similarity with the original reaches a target drawn between 0.4 and 0.99; ``changed`` is the number of
  edits;
- ``decoy``: an unrelated post on the same template that shares many words with the original (over half of its
  words replaced), the hard case for a word-overlap measure.

``jaccard`` is the exact Jaccard similarity with the group's original of the sets of 5-character shingles of the
normalised texts (NFKC, lower case, format characters removed, white space collapsed), computed here
independently of the job's JVM code: ``postcurate dedup-eval`` recomputes every pair with the job's own
function, and a test holds the two to each other. Posts come in twelve languages and three lengths, some with
the placeholders redaction leaves (``<EMAIL>``, ``<PHONE>``, ...). Standard library only, so it runs anywhere.
"""

from __future__ import annotations

import argparse
import json
import random
import unicodedata
from pathlib import Path

SHINGLE = 5

WORDS = {
    "en": "walk river morning light amazing birds singing coffee friends weekend market bread recipe starter oven train late "
    "station city centre traffic again today team match extra time book finished loved rain sunday roast queue post office "
    "block afternoon garden tomatoes neighbour dog park beach sunset evening concert tickets sold out kids school holiday "
    "football season bike repair shop price cheap new phone battery lasts film cinema popcorn snow winter jacket warm soup",
    "de": "heute wetter bergen herrlich kennt jemand gutes café nähe bahnhof zug verspätung kinder schule ferien fahrrad "
    "garten tomaten nachbar hund spaziergang wald sonntag kuchen oma geburtstag konzert karten ausverkauft winter schnee "
    "mantel suppe markt brot bäcker fußball spiel verloren regen stadt straße baustelle arbeit kollegen urlaub meer",
    "fr": "belle journée marché matin enfants concert hier soir vraiment incroyable pain boulangerie train retard gare "
    "vacances plage soleil jardin tomates voisin chien promenade forêt dimanche gâteau anniversaire neige hiver manteau "
    "soupe match football pluie ville rue travaux travail collègues livre film cinéma vélo réparation",
    "es": "hoy probado restaurante nuevo barrio partido anoche emocionante final tren retraso estación niños colegio "
    "vacaciones playa sol jardín tomates vecino perro paseo bosque domingo tarta cumpleaños nieve invierno abrigo sopa "
    "mercado pan panadería lluvia ciudad calle obras trabajo compañeros libro película cine bicicleta",
    "pt": "dia lindo praia família toda alguém recomenda bom livro ficção científica trem atrasado estação crianças escola "
    "férias sol jardim tomates vizinho cachorro passeio floresta domingo bolo aniversário chuva cidade rua obras trabalho "
    "colegas filme cinema bicicleta feira pão padaria futebol jogo",
    "it": "stasera pizza fatta casa amici sempre treno milano ritardo ora bambini scuola vacanze spiaggia sole giardino "
    "pomodori vicino cane passeggiata bosco domenica torta compleanno neve inverno cappotto zuppa mercato pane forno "
    "pioggia città strada lavori lavoro colleghi libro film cinema bicicletta partita",
    "nl": "vandaag mooie fietstocht gemaakt langs dijk weet goede tandarts utrecht centrum trein vertraging station kinderen "
    "school vakantie strand zon tuin tomaten buurman hond wandeling bos zondag taart verjaardag sneeuw winter jas soep "
    "markt brood bakker regen stad straat werk collega boek film",
    "pl": "dzisiaj byliśmy długim spacerze parku miejskim pociąg spóźniony stacja dzieci szkoła wakacje plaża słońce ogród "
    "pomidory sąsiad pies las niedziela ciasto urodziny śnieg zima kurtka zupa rynek chleb piekarnia deszcz miasto ulica "
    "praca koledzy książka film kino rower mecz",
    "sv": "första snön föll natt barnen överlyckliga tåget försenat stationen skolan semester stranden solen trädgården "
    "tomater grannen hunden promenad skogen söndag tårta födelsedag vinter jacka soppa torget bröd bageri regn staden gatan "
    "jobbet kollegor boken filmen cykel matchen",
    "ru": "сегодня погода прекрасная прогулка парке утром друзья выходные рынок хлеб рецепт поезд опоздал вокзал дети школа "
    "каникулы пляж солнце сад помидоры сосед собака лес воскресенье торт день рождения снег зима куртка суп дождь город "
    "улица работа коллеги книга фильм кино велосипед матч",
    "el": "σήμερα καιρός υπέροχος βόλτα πάρκο πρωί φίλοι σαββατοκύριακο αγορά ψωμί συνταγή τρένο καθυστέρηση σταθμός παιδιά "
    "σχολείο διακοπές παραλία ήλιος κήπος ντομάτες γείτονας σκύλος δάσος κυριακή τούρτα γενέθλια χιόνι χειμώνας μπουφάν "
    "σούπα βροχή πόλη δρόμος δουλειά συνάδελφοι βιβλίο ταινία",
    # Japanese is written without spaces: "words" here are runs of kana and kanji joined with no separator.
    "ja": "今日 天気 とても 良い 散歩 公園 朝 友達 週末 市場 パン レシピ 電車 遅延 駅 子供 学校 休み 海 太陽 庭 トマト 隣人 犬 森 "
    "日曜日 ケーキ 誕生日 雪 冬 上着 スープ 雨 街 道 仕事 同僚 本 映画 自転車 試合",
}
JOINERS = {"ja": ""}
PLACEHOLDERS = ["<EMAIL>", "<PHONE>", "<MENTION>", "<ADDRESS>", "<IBAN>", "<CARD>"]
EXTRAS = ["#nofilter", "#weekend", "!!", "😂", "🙏", "❤️", "...", "(edited)", "lol", "+1"]
LENGTHS = [("short", 6, 12, 30), ("medium", 14, 40, 50), ("long", 60, 220, 20)]  # name, min and max words, weight


def normalise(text: str) -> str:
    """NFKC, lower case, format characters (Cf) removed, white space collapsed: the job's normalisation."""
    folded = unicodedata.normalize("NFKC", text).lower()
    kept = "".join(c for c in folded if unicodedata.category(c) != "Cf")
    return " ".join(kept.split())


def shingles(text: str, size: int = SHINGLE) -> set[str]:
    t = normalise(text)
    if not t:
        return set()
    return {t[i : i + size] for i in range(max(1, len(t) - size + 1))}


def jaccard(a: str, b: str) -> float:
    sa, sb = shingles(a), shingles(b)
    return len(sa & sb) / len(sa | sb) if sa or sb else 0.0


def vocabulary(lang: str) -> list[str]:
    return WORDS[lang].split()


def join(lang: str, words: list[str]) -> str:
    return JOINERS.get(lang, " ").join(words)


def original(r: random.Random, lang: str) -> list[str]:
    _, low, high, _ = r.choices(LENGTHS, weights=[w for *_, w in LENGTHS])[0]
    words = [r.choice(vocabulary(lang)) for _ in range(r.randint(low, high))]
    # Numbers and placeholders make posts on one template differ where it matters (who, when, how much).
    for _ in range(r.randint(0, 2)):
        words.insert(r.randint(0, len(words)), str(r.randint(2, 2030)))
    if r.random() < 0.35:
        words.insert(r.randint(0, len(words)), r.choice(PLACEHOLDERS))
    return words


def edit_once(r: random.Random, lang: str, words: list[str]) -> list[str]:
    words = list(words)
    op = r.choice(["substitute", "substitute", "insert", "delete", "swap", "extra"])
    i = r.randrange(len(words))
    if op == "substitute":
        words[i] = r.choice(vocabulary(lang))
    elif op == "insert":
        words.insert(i, r.choice(vocabulary(lang)))
    elif op == "delete" and len(words) > 3:
        del words[i]
    elif op == "swap" and len(words) > 1:
        j = min(i + 1, len(words) - 1)
        words[i], words[j] = words[j], words[i]
    else:
        words.insert(r.choice([0, len(words)]), r.choice(EXTRAS))
    return words


def edited(r: random.Random, lang: str, words: list[str], target: float) -> tuple[list[str], int]:
    """Edits applied one at a time until the Jaccard similarity with the original falls to ``target`` or below;
    whichever of the last two versions is closer to the target."""
    text = join(lang, words)
    current, changes, previous = list(words), 0, list(words)
    while changes < 400:
        candidate = edit_once(r, lang, current)
        if join(lang, candidate) == join(lang, current):
            continue
        previous, current, changes = current, candidate, changes + 1
        if jaccard(text, join(lang, current)) <= target:
            break
    if changes > 1 and abs(jaccard(text, join(lang, previous)) - target) < abs(jaccard(text, join(lang, current)) - target):
        return previous, changes - 1
    return current, changes


def retyped(r: random.Random, text: str) -> str:
    """The same text as re-posted: case, spacing, full-width forms or an invisible character change."""
    way = r.choice(["upper", "title", "spaces", "nbsp", "fullwidth", "zero_width"])
    if way == "upper":
        return text.upper()
    if way == "title":
        return text.title()
    if way == "spaces":
        return "  " + text.replace(" ", "   ") + " \n"
    if way == "nbsp":
        return text.replace(" ", "\u00a0")
    if way == "fullwidth":
        return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" and c not in "<>" else c for c in text)
    cut = r.randint(0, len(text))
    return text[:cut] + "\u200b" + text[cut:]


def decoy(r: random.Random, lang: str, words: list[str]) -> list[str]:
    out = list(words)
    for i in r.sample(range(len(out)), k=max(1, int(len(out) * r.uniform(0.5, 0.7)))):
        out[i] = r.choice(vocabulary(lang))
    return out


def group(r: random.Random, g: int) -> list[dict]:
    lang = r.choice(sorted(WORDS))
    words = original(r, lang)
    text = join(lang, words)
    gid = f"g{g:04d}"
    rows = [{"kind": "original", "text": text, "changed": 0}]
    for _ in range(r.choice([0, 1, 1, 2])):
        copy = retyped(r, text)
        if normalise(copy) != normalise(text):  # upper case is not always undone by lower case ("ß" -> "SS" -> "ss")
            copy = "  " + text + " "
        rows.append({"kind": "copy", "text": copy, "changed": 0})
    for _ in range(r.randint(3, 8)):
        copy, changes = edited(r, lang, words, r.uniform(0.4, 0.99))
        rows.append({"kind": "edit", "text": join(lang, copy), "changed": changes})
    for _ in range(r.choice([1, 2])):
        rows.append({"kind": "decoy", "text": join(lang, decoy(r, lang, words)), "changed": None})
    return [
        {"id": f"{gid}-{i:02d}", "group": gid, "lang": lang, **row, "jaccard": round(jaccard(text, row["text"]), 6)}
        for i, row in enumerate(rows)
    ]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--groups", type=int, default=600)
    ap.add_argument("--seed", type=int, default=20260101)
    ap.add_argument("--out", default=str(Path(__file__).with_name("dedup_eval.jsonl")))
    args = ap.parse_args()
    r = random.Random(args.seed)
    n = 0
    with open(args.out, "w", encoding="utf-8") as f:
        for g in range(args.groups):
            for row in group(r, g):
                f.write(json.dumps(row, ensure_ascii=False) + "\n")
                n += 1
    print(f"wrote {n} posts in {args.groups} groups to {args.out}")


if __name__ == "__main__":
    main()
