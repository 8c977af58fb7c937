#!/usr/bin/env python3
"""Would a zlib preset dictionary make the QR smaller? A measurement.

    python3 benches/dictionary/study.py [--travelcert PATH] [--records N]

1. Generates N (default 1200) synthetic but realistic health records, seeded so
   every run makes the same corpus: holders with names in eight scripts (or
   Latin only), laboratories and vaccination centres in sixteen countries,
   every record kind (NAT, antibody with and without quantity, vaccination
   series, infection history with recovery NATs, journeys with transit).
2. Issues them with the real issuer (`travelcert issue --batch`, a fresh key)
   and takes each certificate's COSE_Sign1 bytes back out of its text.
3. Splits the corpus in halves (even lines train, odd lines are held out),
   builds dictionaries of several sizes from the training half and a list of
   generic words only (never from the sample), and measures, on the held-out
   half and on the sample certificate (test vector 01), the text length with
   the issuer's zlib settings (level 9, window 15, memLevel 8) with and without
   the dictionary. The compressed form is used only when it is shorter than
   the COSE bytes, as FORMAT.md section 3 says.

The adoption rule: held-out median saving of at least 6 % of characters, and
the sample at 400 characters or fewer. Standard library only.
"""

import argparse
import collections
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import zlib

B45 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
B45_VALUE = {c: i for i, c in enumerate(B45)}

# Alphanumeric capacity at ECC Q, versions 1-40 (ISO/IEC 18004 table 7).
CAPACITY_Q = [16, 29, 47, 67, 87, 108, 125, 157, 189, 221, 259, 296, 352, 376,
              426, 470, 531, 574, 644, 702, 742, 823, 890, 963, 1041, 1094,
              1172, 1263, 1322, 1429, 1499, 1618, 1700, 1787, 1867, 1966, 2071,
              2181, 2298, 2420]

GENERIC_WORDS = (
    "Laboratory Hospital District Centre Center Clinic Medical Health "
    "Vaccination Diagnostic Hospital Centre Laboratories Institute Public "
    "University General Central City Municipal National Regional Provincial "
    "Department CDC Lab Services Care Polyclinic Point of Care"
)

# ---------------------------------------------------------------------------
# The corpus
# ---------------------------------------------------------------------------

PEOPLE = {
    # script: (native family names, native given names, latin family, latin given, nationality)
    "han": (["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周"],
            ["伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "小明"],
            ["WANG", "LI", "ZHANG", "LIU", "CHEN", "YANG", "HUANG", "ZHAO", "WU", "ZHOU"],
            ["WEI", "FANG", "NA", "XIUYING", "MIN", "JING", "LI", "QIANG", "LEI", "XIAOMING"],
            "CHN"),
    "arabic": (["العلي", "الحسن", "خان", "الشمري", "حسين"],
               ["محمد", "فاطمة", "أحمد", "عائشة", "يوسف"],
               ["ALALI", "ALHASSAN", "KHAN", "ALSHAMMARI", "HUSSEIN"],
               ["MOHAMMED", "FATIMA", "AHMED", "AISHA", "YOUSEF"],
               "PAK"),
    "cyrillic": (["Иванов", "Петрова", "Смирнов", "Кузнецова", "Попов"],
                 ["Иван", "Анна", "Сергей", "Ольга", "Дмитрий"],
                 ["IVANOV", "PETROVA", "SMIRNOV", "KUZNETSOVA", "POPOV"],
                 ["IVAN", "ANNA", "SERGEI", "OLGA", "DMITRII"],
                 "RUS"),
    "devanagari": (["शर्मा", "वर्मा", "गुप्ता", "सिंह", "पटेल"],
                   ["राहुल", "प्रिया", "अमित", "सुनीता", "विजय"],
                   ["SHARMA", "VERMA", "GUPTA", "SINGH", "PATEL"],
                   ["RAHUL", "PRIYA", "AMIT", "SUNITA", "VIJAY"],
                   "IND"),
    "japanese": (["佐藤", "鈴木", "高橋", "田中", "渡辺"],
                 ["花子", "太郎", "陽菜", "翔", "美咲"],
                 ["SATO", "SUZUKI", "TAKAHASHI", "TANAKA", "WATANABE"],
                 ["HANAKO", "TARO", "HINA", "SHO", "MISAKI"],
                 "JPN"),
    "hangul": (["김", "이", "박", "최", "정"],
               ["민준", "서연", "지호", "하은", "도윤"],
               ["KIM", "LEE", "PARK", "CHOI", "JUNG"],
               ["MINJUN", "SEOYEON", "JIHO", "HAEUN", "DOYUN"],
               "KOR"),
    "thai": (["สมชาย", "ศรีสุข", "วงศ์ใหญ่"],
             ["สมศักดิ์", "มาลี", "อนันต์"],
             ["SOMCHAI", "SRISUK", "WONGYAI"],
             ["SOMSAK", "MALI", "ANAN"],
             "THA"),
    "greek": (["Παπαδόπουλος", "Γεωργίου", "Νικολάου"],
              ["Γιώργος", "Μαρία", "Νίκος"],
              ["PAPADOPOULOS", "GEORGIOU", "NIKOLAOU"],
              ["GEORGIOS", "MARIA", "NIKOLAOS"],
              "GRC"),
    "latin": (None, None,
              ["MUELLER", "DUBOIS", "GARCIA", "OKAFOR", "SILVA", "SMITH", "ROSSI",
               "NGUYEN", "OKONKWO", "YILMAZ", "KOWALSKA", "DE LA CRUZ", "O'BRIEN"],
              ["ANNA", "JEAN PIERRE", "MARIA JOSE", "CHINEDU", "JOAO", "JOHN",
               "GIULIA", "THI HUONG", "ADAEZE", "EMRE", "ZOFIA", "LUIS", "SEAN"],
              None),
}
LATIN_NATIONALITIES = ["D", "FRA", "ESP", "NGA", "BRA", "GBR", "ITA", "VNM", "TUR", "POL", "PHL", "IRL", "USA"]

FACILITIES = {
    # country: (cities, laboratory names, vaccination centre names)
    "CN": (["北京", "上海", "广州", "Beijing", "Shanghai"],
           ["{c}市疾病预防控制中心", "{c}金域医学检验所", "{c} KingMed Diagnostics", "{c} Center for Disease Control"],
           ["{c}市朝阳区社区卫生服务中心", "{c} Chaoyang District CDC", "{c}市第一人民医院"]),
    "PK": (["Karachi", "Lahore", "Islamabad"],
           ["Dr. Essa Laboratory {c}", "Chughtai Lab {c}", "Shaukat Khanum Laboratory {c}", "Aga Khan University Hospital Laboratory"],
           ["{c} Mass Vaccination Centre", "Expo Centre {c}", "{c} District Health Office"]),
    "IN": (["Mumbai", "Delhi", "Bengaluru"],
           ["Dr Lal PathLabs {c}", "Thyrocare Technologies {c}", "SRL Diagnostics {c}", "{c} Metropolis Healthcare"],
           ["{c} Municipal Corporation Vaccination Centre", "Apollo Hospitals {c}", "{c} Primary Health Centre"]),
    "DE": (["Berlin", "München", "Hamburg"],
           ["Labor Berlin – Charité Vivantes", "MVZ Labor {c}", "Synlab MVZ {c}", "Medizinisches Versorgungszentrum {c}"],
           ["Impfzentrum {c}", "Hausarztpraxis Dr. Weber {c}", "Universitätsklinikum {c}"]),
    "FR": (["Paris", "Lyon", "Marseille"],
           ["Laboratoire Cerballiance {c}", "Biogroup {c}", "Laboratoire d'analyses médicales {c}"],
           ["Centre de vaccination {c}", "Hôpital de la Pitié-Salpêtrière", "Pharmacie du Centre {c}"]),
    "TH": (["Bangkok", "Chiang Mai", "Phuket"],
           ["Bangkok Hospital {c} Laboratory", "N Health {c}", "โรงพยาบาลศิริราช"],
           ["Bang Sue Grand Station Vaccination Centre", "{c} Provincial Hospital", "โรงพยาบาลจุฬาลงกรณ์"]),
    "AE": (["Dubai", "Abu Dhabi"],
           ["Dubai Health Authority Laboratory", "SEHA Lab {c}", "Pure Health Laboratory {c}"],
           ["{c} Vaccination Centre", "Mediclinic City Hospital {c}", "مركز دبي للتطعيم"]),
    "RU": (["Москва", "Moscow", "Saint Petersburg"],
           ["Инвитро {c}", "Gemotest Laboratory {c}", "Лаборатория Хеликс"],
           ["Городская поликлиника № 5 {c}", "{c} Vaccination Point GUM", "Пункт вакцинации {c}"]),
    "JP": (["東京", "大阪", "Tokyo"],
           ["{c}検査センター", "BML Inc. {c}", "LSI Medience {c}"],
           ["{c}大規模接種センター", "{c} Mass Vaccination Centre", "{c}市立病院"]),
    "KR": (["서울", "부산", "Seoul"],
           ["{c} Seegene Medical Foundation", "씨젠의료재단 {c}", "GC Labs {c}"],
           ["{c} 예방접종센터", "Seoul National University Hospital", "{c} Public Health Centre"]),
    "NG": (["Lagos", "Abuja"],
           ["Nigeria Centre for Disease Control Laboratory {c}", "54gene Laboratory {c}", "Synlab Nigeria {c}"],
           ["{c} Primary Healthcare Centre", "National Hospital {c}", "Lagos University Teaching Hospital"]),
    "BR": (["São Paulo", "Rio de Janeiro"],
           ["Laboratório Fleury {c}", "Dasa {c}", "Hermes Pardini {c}"],
           ["Unidade Básica de Saúde {c}", "Posto de Vacinação {c}", "Hospital das Clínicas {c}"]),
    "TR": (["İstanbul", "Ankara"],
           ["{c} Şehir Hastanesi Laboratuvarı", "Acıbadem Labmed {c}"],
           ["{c} Aile Sağlığı Merkezi", "{c} Devlet Hastanesi"]),
    "GR": (["Αθήνα", "Athens"],
           ["Βιοιατρική {c}", "Bioiatriki Laboratory {c}"],
           ["Εμβολιαστικό Κέντρο {c}", "{c} Vaccination Centre"]),
    "US": (["New York", "Los Angeles", "Houston"],
           ["Quest Diagnostics {c}", "LabCorp {c}", "{c} Public Health Laboratory"],
           ["CVS Pharmacy {c}", "Walgreens {c}", "{c} County Health Department"]),
    "KE": (["Nairobi", "Mombasa"],
           ["Lancet Kenya Laboratory {c}", "KEMRI Wellcome Trust {c}", "Aga Khan University Hospital {c}"],
           ["Kenyatta National Hospital", "{c} County Vaccination Centre"]),
}

PRODUCTS = [("BNT162b2", "biontech-pfizer", 2), ("mRNA-1273", "moderna", 2),
            ("AZD1222", "astrazeneca", 2), ("Covishield", "serum-institute-of-india", 2),
            ("Ad26.COV2.S", "janssen", 1), ("BBIBP-CorV", "sinopharm-bibp", 2),
            ("CoronaVac", "sinovac", 2), ("Covaxin", "bharat-biotech", 2),
            ("NVX-CoV2373", "novavax", 2), ("Ad5-nCoV", "cansino", 1)]
PORTS = ["Shanghai Pudong", "Beijing Capital", "Frankfurt am Main", "Paris-Charles de Gaulle",
         "Dubai International", "Suvarnabhumi", "London Heathrow", "Narita", "Incheon"]
TRANSITS = [("QA", "Doha"), ("AE", "Dubai"), ("TR", "İstanbul"), ("SG", "Singapore"),
            ("DE", "Frankfurt"), ("HK", "Hong Kong"), ("ET", "Addis Ababa")]


def facility(rng, country, kind):
    cities, labs, centres = FACILITIES[country]
    names = labs if kind == "lab" else centres
    return {"name": rng.choice(names).format(c=rng.choice(cities)), "country": country}


def instant(rng, year=2021):
    return (f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            f"T{rng.randint(0, 23):02d}:{rng.choice([0, 15, 30, 45]):02d}:00Z")


def date(rng, year=2021):
    return f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def holder(rng):
    script = rng.choice(list(PEOPLE))
    rng.last_script = script
    native_family, native_given, latin_family, latin_given, nationality = PEOPLE[script]
    i = rng.randrange(len(latin_family))
    j = rng.randrange(len(latin_given))
    h = {
        "primary_name": latin_family[i],
        "secondary_name": latin_given[j],
        "date_of_birth": f"{rng.randint(1935, 2015)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        "sex": rng.choice(["F", "M", "M", "F", "X"]),
        "nationality": nationality or rng.choice(LATIN_NATIONALITIES),
        "document_type": rng.choice(["ordinary-passport"] * 8 + ["service-passport", "travel-document",
                                                                  "mainland-travel-permit-hk-macao"]),
        "document_number": rng.choice("EGPKXC") + str(rng.randint(10_000_000, 99_999_999)),
    }
    if native_family is not None:
        sep = "" if script in ("han", "japanese", "hangul") else " "
        family, given = native_family[i % len(native_family)], native_given[j % len(native_given)]
        h["native_name"] = family + sep + given if script in ("han", "japanese", "hangul") else given + sep + family
    if rng.random() < 0.7:
        country = rng.choice(list(FACILITIES))
        h["residence_country"] = country
        h["residence_city"] = FACILITIES[country][0][0]
    return h


def nat(rng, country, result="negative"):
    return {"disease": "sars-cov-2", "method": rng.choice(["rt-pcr"] * 6 + ["rt-lamp", "other-naat"]),
            "sampled_at": instant(rng), "result": result, "laboratory": facility(rng, country, "lab")}


def record(rng):
    country = rng.choice(list(FACILITIES))
    r = {"holder": holder(rng)}
    r["_script"], r["_country"] = rng.last_script, country
    if rng.random() < 0.6:
        j = {"flight": rng.choice(["CA", "PK", "EK", "LH", "AF", "TG", "QR", "MU"]) + str(rng.randint(10, 9999))}
        if rng.random() < 0.4:
            j["departure_country"] = country
            j["departure_at"] = instant(rng)
        if rng.random() < 0.3:
            j["transit"] = [dict(zip(("country", "place"), rng.choice(TRANSITS)))
                            for _ in range(rng.randint(1, 2))]
        if rng.random() < 0.4:
            j["entry_port"] = rng.choice(PORTS)
        r["journey"] = j
    kind = rng.choice(["nat", "nat+antibody", "vaccination", "vaccination+nat", "recovered", "all"])
    if "nat" in kind or kind in ("recovered", "all"):
        r["nat_tests"] = [nat(rng, country) for _ in range(rng.choice([1, 1, 1, 2]))]
    if "antibody" in kind or kind == "all":
        tests = []
        for cls in rng.sample(["igg", "igm"], rng.randint(1, 2)):
            t = {"class": cls, "sampled_at": instant(rng), "result": "negative",
                 "laboratory": facility(rng, country, "lab")}
            if rng.random() < 0.3:
                t["quantity"] = {"mantissa": rng.randint(1, 999), "exponent": -1, "unit": "BAU/mL"}
            tests.append(t)
        r["antibody_tests"] = tests
    if "vaccination" in kind or kind == "all":
        product, maker, total = rng.choice(PRODUCTS)
        doses = rng.randint(1, total + 1)
        centre = facility(rng, country, "centre")
        r["vaccinations"] = [{"disease": "sars-cov-2", "product": product, "manufacturer": maker,
                              "dose": d, "series_total": total, "date": date(rng),
                              "centre": centre if rng.random() < 0.7 else facility(rng, country, "centre")}
                             for d in range(1, doses + 1)]
    if kind == "recovered":
        r["infection_history"] = [{"kind": "positive-nat", "disease": "sars-cov-2", "date": date(rng)},
                                  {"kind": "diagnosis", "disease": "sars-cov-2", "date": "2021-01-03",
                                   "recovered_on": "2021-01-21"}]
        r["recovery_tests"] = [nat(rng, country) for _ in range(2)]
    return r


# ---------------------------------------------------------------------------
# Certificates back to COSE bytes
# ---------------------------------------------------------------------------

def base45_decode(s):
    out = bytearray()
    for i in range(0, len(s), 3):
        chunk = [B45_VALUE[c] for c in s[i:i + 3]]
        if len(chunk) == 3:
            n = chunk[0] + chunk[1] * 45 + chunk[2] * 2025
            out += n.to_bytes(2, "big")
        else:
            out.append(chunk[0] + chunk[1] * 45)
    return bytes(out)


def cose_of(text):
    body = base45_decode(text[len("TC1:"):])
    return body if body[0] == 0xD2 else zlib.decompress(body)


def text_length(cose, zdict=None):
    """Characters of the `TC1:` text the issuer would write for these COSE bytes."""
    c = zlib.compressobj(9, zlib.DEFLATED, 15, 8, zlib.Z_DEFAULT_STRATEGY, **({"zdict": zdict} if zdict else {}))
    packed = c.compress(cose) + c.flush()
    n = len(packed) if len(packed) < len(cose) else len(cose)
    return 4 + 3 * (n // 2) + 2 * (n % 2)


def qr_version(chars):
    return next((v for v, cap in enumerate(CAPACITY_Q, 1) if cap >= chars), None)


# ---------------------------------------------------------------------------
# Dictionary building (training half and generic words only)
# ---------------------------------------------------------------------------

def build_dictionary(training, size, k=8, segment=32):
    """COVER-style (as zstd trains dictionaries): score every `segment`-byte
    window of the training certificates by the document frequency of the
    `k`-byte strings it holds, take the best window, zero the frequencies of
    its `k`-byte strings so that overlapping windows stop scoring, repeat.
    Strings seen in fewer than 1/16 of the certificates, or from fewer than
    three issuers, score nothing, so no issuer's key id and no single
    laboratory's name makes it in. Generic words fill the far end; the best
    window goes last (shortest distance). `training` holds (issuer, COSE)."""
    df = collections.Counter()
    issuers = collections.defaultdict(set)
    for issuer, cose in training:
        kmers = {cose[i:i + k] for i in range(len(cose) - k + 1)}
        df.update(kmers)
        for kmer in kmers:
            issuers[kmer].add(issuer)
    floor = len(training) // 16
    weight = {s: n for s, n in df.items() if n >= floor and len(issuers[s]) >= 3}
    training = [cose for _, cose in training]
    chosen, total = [], 0
    generic = GENERIC_WORDS.encode()
    budget = size - min(len(generic), size // 4)
    while total + segment <= budget:
        best, best_score = None, 0
        for cose in training:
            scores = [weight.get(cose[i:i + k], 0) for i in range(len(cose) - k + 1)]
            window = sum(scores[:segment - k + 1])
            for i in range(len(scores) - (segment - k)):
                if i:
                    window += scores[i + segment - k] - scores[i - 1]
                if window > best_score:
                    best, best_score = cose[i:i + segment], window
        if best is None:
            break
        # Keep only the stretches every byte of which lies in a scoring
        # string: bytes between them (a key id, a signature, a time) are one
        # issuer's or one moment's and would only fill the dictionary.
        covered = [False] * len(best)
        for i in range(len(best) - k + 1):
            if best[i:i + k] in weight:
                covered[i:i + k] = [True] * k
        pieces, start = [], None
        for i, c in enumerate(covered + [False]):
            if c and start is None:
                start = i
            elif not c and start is not None:
                pieces.append(best[start:i])
                start = None
        for i in range(len(best) - k + 1):
            weight.pop(best[i:i + k], None)
        for piece in pieces:
            if total + len(piece) <= budget:
                chosen.append(piece)
                total += len(piece)
    return generic[:size - total] + b"".join(reversed(chosen))


def issue(travelcert, records, country):
    """Issues `records` with a fresh key for `country`; their COSE_Sign1 bytes."""
    with tempfile.TemporaryDirectory() as tmp:
        jsonl = os.path.join(tmp, "records.jsonl")
        with open(jsonl, "w", encoding="utf-8") as f:
            for r in records:
                f.write(json.dumps({k: v for k, v in r.items() if not k.startswith("_")},
                                   ensure_ascii=False) + "\n")
        keys = os.path.join(tmp, "k")
        subprocess.run([travelcert, "keygen", "--out-dir", keys, "--country", country],
                       check=True, stdout=subprocess.DEVNULL)
        out = os.path.join(tmp, "out")
        # Each country issues at its own moment, so that no issue time is
        # shared across issuers as it would not be in deployment.
        at = random.Random(country).randrange(1_609_459_200, 1_798_761_600)  # 2021-2026
        issued_at = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(at))
        subprocess.run([travelcert, "issue", "--key", os.path.join(keys, "issuer.key.pem"),
                        "--issuer", country, "--include-history", "--issued-at", issued_at,
                        "--batch", jsonl, "--out-dir", out],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        texts = [open(os.path.join(out, name)).read().strip()
                 for name in sorted(os.listdir(out)) if name.endswith(".txt")]
    if len(texts) != len(records):
        sys.exit(f"issued {len(texts)} of {len(records)} records")
    return [cose_of(t) for t in texts]


def issue_by_country(travelcert, records):
    by_country = collections.defaultdict(list)
    for r in records:
        by_country[r["_country"]].append(r)
    return [(country, c) for country, rs in sorted(by_country.items()) for c in issue(travelcert, rs, country)]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--travelcert", default="target/release/travelcert")
    ap.add_argument("--records", type=int, default=1200)
    ap.add_argument("--seed", type=int, default=20211)
    ap.add_argument("--split", choices=["alternate", "disjoint"], default="alternate",
                    help="alternate: even lines train, odd lines held out; disjoint: held-out "
                         "countries and name scripts never seen in training")
    ap.add_argument("--write-dictionary", metavar="FILE",
                    help="also write the 512-byte dictionary built from the training half to FILE")
    args = ap.parse_args()

    rng = random.Random(args.seed)
    records = [record(rng) for _ in range(args.records)]
    if args.split == "alternate":
        is_training = [i % 2 == 0 for i in range(len(records))]
        is_held_out = [not t for t in is_training]
    else:
        # Disjoint: no facility country and no name script of the held-out
        # half appears in training, so only the structure and the generic
        # words can carry over.
        train_countries = set(list(FACILITIES)[0::2])
        train_scripts = {"han", "cyrillic", "japanese", "thai", "latin"}
        is_training = [r["_country"] in train_countries and r["_script"] in train_scripts for r in records]
        is_held_out = [r["_country"] not in train_countries and r["_script"] not in train_scripts
                       for r in records]
    # Every record is issued by the country of its laboratory or centre, each
    # country with its own key (so its own key id), as in deployment.
    training = issue_by_country(args.travelcert, [r for r, t in zip(records, is_training) if t])
    held_out = [c for _, c in issue_by_country(args.travelcert, [r for r, h in zip(records, is_held_out) if h])]
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "..", "..", "tests", "vectors", "01-sample.json")) as f:
        sample = cose_of(json.load(f)["qr_text"])

    base = [text_length(c) for c in held_out]
    print(f"split: {args.split}")
    print(f"corpus: {len(records)} records; {len(training)} training, {len(held_out)} held out; "
          f"held-out COSE bytes median {statistics.median(map(len, held_out))}")
    print(f"without dictionary: held-out median {statistics.median(base)} characters; "
          f"sample {text_length(sample)} characters, QR version {qr_version(text_length(sample))} (ECC Q)")
    print()
    print("| dictionary | held-out median saving | p10 / p90 saving | held-out median chars | "
          "QR version shrinks | sample chars (version) |")
    print("|---|---|---|---|---|---|")
    generic_only = GENERIC_WORDS.encode()
    rows = [("generic words only", generic_only)]
    for size in (256, 512, 1024, 2048):
        rows.append((f"{size} bytes", build_dictionary(training, size)))
    for label, zdict in rows:
        with_dict = [text_length(c, zdict) for c in held_out]
        savings = sorted((b - w) / b * 100 for b, w in zip(base, with_dict))
        smaller_qr = sum(qr_version(w) < qr_version(b) for b, w in zip(base, with_dict))
        s = text_length(sample, zdict)
        print(f"| {label} ({len(zdict)} B) | {statistics.median(savings):.1f} % | "
              f"{savings[len(savings) // 10]:.1f} % / {savings[len(savings) * 9 // 10]:.1f} % | "
              f"{statistics.median(with_dict)} | {smaller_qr * 100 / len(held_out):.0f} % of certificates | "
              f"{s} ({qr_version(s)}) |")
    if args.write_dictionary:
        with open(args.write_dictionary, "wb") as f:
            f.write(build_dictionary(training, 512))


if __name__ == "__main__":
    main()
