#!/usr/bin/env python3
"""Independent verifier for the travelcert `TC1:` wire format.

Written from FORMAT.md alone (standard library only) and run against
tests/vectors/*.json. For every vector it loads the trust store, verifies
`qr_text` at `verify_at` with `clock_skew` following FORMAT.md section 8, and
compares the certificate JSON (section 7.1) or the error name (section 9).

Output: one line per vector (`ok NAME` or `FAIL NAME: why`), then
`N passed, M failed`; the exit status is 0 only if nothing failed.
"""

import base64
import datetime
import hashlib
import json
import os
import re
import struct
import sys
import zlib

# --------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------


class VerifyError(Exception):
    """A verification failure carrying one of the FORMAT.md section 9 names."""

    def __init__(self, name, detail=""):
        super().__init__(name if not detail else f"{name} ({detail})")
        self.name = name
        self.detail = detail


class TrustStoreError(Exception):
    """The trust store could not be loaded (FORMAT.md section 7.2)."""


# --------------------------------------------------------------------------
# Base45 (FORMAT.md section 2, RFC 9285)
# --------------------------------------------------------------------------

B45_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
B45_VALUE = {c: i for i, c in enumerate(B45_ALPHABET)}


def base45_decode(s):
    if s == "":
        raise VerifyError("Empty")
    # Character check over the whole input first, then the length, then the
    # groups left to right (FORMAT.md does not fix the precedence).
    for ch in s:
        if ch not in B45_VALUE:
            raise VerifyError("Base45InvalidCharacter", repr(ch))
    if len(s) % 3 == 1:
        raise VerifyError("Base45InvalidLength")
    out = bytearray()
    for i in range(0, len(s), 3):
        group = s[i:i + 3]
        if len(group) == 3:
            c, d, e = (B45_VALUE[x] for x in group)
            n = c + d * 45 + e * 45 * 45
            if n > 0xFFFF:
                raise VerifyError("Base45GroupOverflow")
            out += bytes((n >> 8, n & 0xFF))
        else:
            c, d = (B45_VALUE[x] for x in group)
            n = c + d * 45
            if n > 0xFF:
                raise VerifyError("Base45GroupOverflow")
            out.append(n)
    return bytes(out)


# --------------------------------------------------------------------------
# Body: zlib or not (FORMAT.md section 3)
# --------------------------------------------------------------------------

DEFAULT_INFLATE_CAP = 65536


def format_dictionaries():
    """The preset dictionaries by DICTID, read from FORMAT.md section 3.1 itself
    (the hex block after its heading), so a wrong copy there fails vector 15."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "FORMAT.md")
    with open(path, encoding="utf-8") as f:
        section = f.read().split("### 3.1 Preset dictionary", 1)[1]
    data = bytes.fromhex("".join(section.split("```", 2)[1].split()))
    return {zlib.adler32(data): data}


DICTIONARIES = format_dictionaries()


def decode_body(body, cap=DEFAULT_INFLATE_CAP):
    if len(body) == 0:
        raise VerifyError("Empty")
    if body[0] == 0xD2:
        return body
    zdict = {}
    if len(body) >= 2 and body[1] & 0x20:  # FDICT (section 3.1)
        cmf, flg = body[0], body[1]
        if len(body) < 6 or cmf & 0x0F != 8 or cmf >> 4 > 7 or ((cmf << 8) | flg) % 31:
            raise VerifyError("InflateFailed", "invalid zlib header")
        dictid = int.from_bytes(body[2:6], "big")
        if dictid not in DICTIONARIES:
            raise VerifyError("ZlibUnknownDictionary")
        zdict = {"zdict": DICTIONARIES[dictid]}
    d = zlib.decompressobj(wbits=15, **zdict)
    try:
        # Never ask for more than cap + 1 bytes: one byte over the cap proves
        # the limit is exceeded without inflating further.
        out = d.decompress(body, cap + 1)
    except zlib.error as exc:
        raise VerifyError("InflateFailed", str(exc))
    if len(out) > cap:
        raise VerifyError("InflateLimitExceeded")
    if not d.eof:
        # All input was consumed (output stayed below max_length) and the
        # stream did not end: truncated.
        raise VerifyError("InflateFailed", "truncated stream")
    if d.unused_data:
        raise VerifyError("ZlibTrailingData")
    return out


# --------------------------------------------------------------------------
# Strict CBOR decoder (FORMAT.md section 5.1)
# --------------------------------------------------------------------------

MAX_DEPTH = 16


class Item:
    """A decoded CBOR data item and the exact bytes it occupied."""

    __slots__ = ("kind", "value", "raw")

    # kind: 'int', 'bytes', 'text', 'array', 'map', 'tag', 'simple', 'float'
    # value: int / bytes / str / [Item] / [(Item, Item)] / (tagnum, Item) /
    #        simple: False, True, None, 'undefined' or ('simple', n) / float
    def __init__(self, kind, value, raw):
        self.kind = kind
        self.value = value
        self.raw = raw

    def is_null(self):
        return self.kind == "simple" and self.value is None

    def key(self):
        """A hashable identity used to detect duplicate map keys."""
        if self.kind in ("int", "bytes", "text"):
            return (self.kind, self.value)
        if self.kind == "array":
            return ("array", tuple(i.key() for i in self.value))
        if self.kind == "map":
            return ("map", tuple(sorted((repr(k.key()), repr(v.key())) for k, v in self.value)))
        if self.kind == "tag":
            return ("tag", self.value[0], self.value[1].key())
        if self.kind == "float":
            v = self.value
            return ("float", "nan" if v != v else v)
        return ("simple", repr(self.value))


class _Decoder:
    def __init__(self, data):
        self.data = data
        self.pos = 0

    def remaining(self):
        return len(self.data) - self.pos

    def take(self, n):
        if n > self.remaining():
            raise VerifyError("CborLengthExceedsInput")
        b = self.data[self.pos:self.pos + n]
        self.pos += n
        return b

    def head(self):
        """Returns (major, additional info, argument or None)."""
        ib = self.take(1)[0]
        major, ai = ib >> 5, ib & 0x1F
        if ai < 24:
            return major, ai, ai
        if ai == 24:
            return major, ai, self.take(1)[0]
        if ai == 25:
            return major, ai, int.from_bytes(self.take(2), "big")
        if ai == 26:
            return major, ai, int.from_bytes(self.take(4), "big")
        if ai == 27:
            return major, ai, int.from_bytes(self.take(8), "big")
        if ai in (28, 29, 30):
            raise VerifyError("CborMalformed", "reserved additional information")
        return major, ai, None  # 31: indefinite length / break

    def item(self, depth):
        start = self.pos
        major, ai, arg = self.head()
        if arg is None:  # ai == 31
            if major in (2, 3, 4, 5):
                raise VerifyError("CborIndefiniteLength")
            raise VerifyError("CborMalformed", "unexpected break / indefinite head")
        if major == 0:
            return Item("int", arg, self.data[start:self.pos])
        if major == 1:
            return Item("int", -1 - arg, self.data[start:self.pos])
        if major in (2, 3):
            raw = self.take(arg)
            if major == 2:
                return Item("bytes", bytes(raw), self.data[start:self.pos])
            try:
                text = bytes(raw).decode("utf-8", errors="strict")
            except UnicodeDecodeError:
                raise VerifyError("CborMalformed", "invalid UTF-8")
            return Item("text", text, self.data[start:self.pos])
        if major in (4, 5, 6):
            if depth > MAX_DEPTH:
                raise VerifyError("CborTooDeep")
        if major == 4:
            if arg > self.remaining():
                raise VerifyError("CborLengthExceedsInput")
            elems = [self.item(depth + 1) for _ in range(arg)]
            return Item("array", elems, self.data[start:self.pos])
        if major == 5:
            if arg > self.remaining() // 2:
                raise VerifyError("CborLengthExceedsInput")
            pairs = []
            seen = set()
            for _ in range(arg):
                k = self.item(depth + 1)
                if k.kind not in ("int", "bytes", "text"):
                    raise VerifyError("CborMalformed", "a map key that is not an integer or a string")
                kk = k.key()
                if kk in seen:
                    raise VerifyError("CborDuplicateKey")
                seen.add(kk)
                v = self.item(depth + 1)
                pairs.append((k, v))
            return Item("map", pairs, self.data[start:self.pos])
        if major == 6:
            inner = self.item(depth + 1)
            return Item("tag", (arg, inner), self.data[start:self.pos])
        # major 7
        if ai < 20:
            return Item("simple", ("simple", ai), self.data[start:self.pos])
        if ai == 20:
            return Item("simple", False, self.data[start:self.pos])
        if ai == 21:
            return Item("simple", True, self.data[start:self.pos])
        if ai == 22:
            return Item("simple", None, self.data[start:self.pos])
        if ai == 23:
            return Item("simple", "undefined", self.data[start:self.pos])
        if ai == 24:
            if arg < 32:
                raise VerifyError("CborMalformed", "two-byte simple value below 32")
            return Item("simple", ("simple", arg), self.data[start:self.pos])
        if ai == 25:
            return Item("float", _half_to_float(arg), self.data[start:self.pos])
        if ai == 26:
            return Item("float", struct.unpack(">f", arg.to_bytes(4, "big"))[0], self.data[start:self.pos])
        return Item("float", struct.unpack(">d", arg.to_bytes(8, "big"))[0], self.data[start:self.pos])


def _half_to_float(h):
    exp = (h >> 10) & 0x1F
    mant = h & 0x3FF
    if exp == 0:
        val = mant * 2.0 ** -24
    elif exp == 31:
        val = float("inf") if mant == 0 else float("nan")
    else:
        val = (mant + 1024) * 2.0 ** (exp - 25)
    return -val if h & 0x8000 else val


def cbor_decode(data):
    """Decodes exactly one top-level item (depth 0) with the section 5.1 rules."""
    dec = _Decoder(bytes(data))
    item = dec.item(0)
    if dec.remaining() != 0:
        raise VerifyError("CborTrailingBytes")
    return item


def cbor_head(major, n):
    if n < 24:
        return bytes([(major << 5) | n])
    if n < 0x100:
        return bytes([(major << 5) | 24, n])
    if n < 0x10000:
        return bytes([(major << 5) | 25]) + n.to_bytes(2, "big")
    if n < 0x100000000:
        return bytes([(major << 5) | 26]) + n.to_bytes(4, "big")
    return bytes([(major << 5) | 27]) + n.to_bytes(8, "big")


def cbor_bstr(b):
    return cbor_head(2, len(b)) + b


# --------------------------------------------------------------------------
# Ed25519 (RFC 8032 section 5.1.7 / section 6 reference code) with the strict
# checks of FORMAT.md section 4
# --------------------------------------------------------------------------

P = 2 ** 255 - 19
L = 2 ** 252 + 27742317777372353535851937790883648493
D = -121665 * pow(121666, P - 2, P) % P
SQRT_M1 = pow(2, (P - 1) // 4, P)
IDENTITY = (0, 1, 1, 0)


def _inv(x):
    return pow(x, P - 2, P)


def point_add(Pt, Q):
    A = (Pt[1] - Pt[0]) * (Q[1] - Q[0]) % P
    B = (Pt[1] + Pt[0]) * (Q[1] + Q[0]) % P
    C = 2 * Pt[3] * Q[3] * D % P
    Dd = 2 * Pt[2] * Q[2] % P
    E, F, G, H = B - A, Dd - C, Dd + C, B + A
    return (E * F % P, G * H % P, F * G % P, E * H % P)


def point_mul(s, Pt):
    Q = IDENTITY
    while s > 0:
        if s & 1:
            Q = point_add(Q, Pt)
        Pt = point_add(Pt, Pt)
        s >>= 1
    return Q


def point_equal(Pt, Q):
    if (Pt[0] * Q[2] - Q[0] * Pt[2]) % P != 0:
        return False
    if (Pt[1] * Q[2] - Q[1] * Pt[2]) % P != 0:
        return False
    return True


def recover_x(y, sign):
    if y >= P:
        return None
    x2 = (y * y - 1) * _inv(D * y * y + 1) % P
    if x2 == 0:
        if sign:
            return None
        return 0
    x = pow(x2, (P + 3) // 8, P)
    if (x * x - x2) % P != 0:
        x = x * SQRT_M1 % P
    if (x * x - x2) % P != 0:
        return None
    if (x & 1) != sign:
        x = P - x
    return x


G_Y = 4 * _inv(5) % P
G_X = recover_x(G_Y, 0)
BASE = (G_X, G_Y, 1, G_X * G_Y % P)


def point_decompress(s):
    if len(s) != 32:
        return None
    y = int.from_bytes(s, "little")
    sign = y >> 255
    y &= (1 << 255) - 1
    x = recover_x(y, sign)
    if x is None:
        return None
    return (x, y, 1, x * y % P)


def is_small_order(Pt):
    return point_equal(point_mul(8, Pt), IDENTITY)


def ed25519_verify_strict(public, point_a, msg, sig):
    """Cofactorless [S]B = R + [k]A; rejects S >= L, small-order R and A."""
    if len(sig) != 64 or point_a is None:
        return False
    r_bytes, s_bytes = sig[:32], sig[32:]
    s = int.from_bytes(s_bytes, "little")
    if s >= L:
        return False
    R = point_decompress(r_bytes)
    if R is None:
        return False
    if is_small_order(R) or is_small_order(point_a):
        return False
    k = int.from_bytes(hashlib.sha512(r_bytes + public + msg).digest(), "little") % L
    return point_equal(point_mul(s, BASE), point_add(R, point_mul(k, point_a)))


# --------------------------------------------------------------------------
# Code lists (FORMAT.md section 6.4)
# --------------------------------------------------------------------------

SEX = {1: "F", 2: "M", 3: "X"}
DOCUMENT_TYPE = {
    1: "ordinary-passport", 2: "diplomatic-passport", 3: "service-passport",
    4: "public-affairs-passport", 5: "travel-document",
    6: "mainland-travel-permit-hk-macao", 7: "mainland-travel-permit-taiwan",
    8: "other",
}
DISEASE = {1: "sars-cov-2", 2: "influenza-a", 3: "influenza-b", 4: "mers-cov", 5: "mpox"}
NAT_METHOD = {1: "rt-pcr", 2: "rt-lamp", 3: "other-naat"}
NAT_RESULT = {1: "negative", 2: "positive", 3: "inconclusive"}
ANTIBODY_CLASS = {1: "igg", 2: "igm", 3: "total"}
ANTIBODY_RESULT = {1: "negative", 2: "positive"}
VACCINE_PRODUCT = {
    1: "BNT162b2", 2: "mRNA-1273", 3: "AZD1222", 4: "Covishield",
    5: "Ad26.COV2.S", 6: "BBIBP-CorV", 7: "CoronaVac", 8: "Covaxin",
    9: "Covovax", 10: "NVX-CoV2373", 11: "Ad5-nCoV",
}
MANUFACTURER = {
    1: "biontech-pfizer", 2: "moderna", 3: "astrazeneca",
    4: "serum-institute-of-india", 5: "janssen", 6: "sinopharm-bibp",
    7: "sinovac", 8: "bharat-biotech", 9: "novavax", 10: "cansino",
}
RECORD_KINDS = {"nat", "antibody", "vaccination", "history", "recovery"}
HISTORY_KIND = {1: "positive-nat", 2: "positive-igm", 3: "diagnosis", 4: "close-contact"}

# --------------------------------------------------------------------------
# Numbers, dates and text rules (FORMAT.md sections 5.3, 6.3, 7.1)
# --------------------------------------------------------------------------

MAX_INSTANT = 253402300799
MIN_DATE = -719162
MAX_DATE = 2932896
EPOCH_DATE = datetime.date(1970, 1, 1)
EPOCH_DT = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)


def format_instant(t):
    dt = EPOCH_DT + datetime.timedelta(seconds=t)
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ") if dt.year >= 1000 else (
        f"{dt.year:04d}-{dt.month:02d}-{dt.day:02d}T{dt.hour:02d}:{dt.minute:02d}:{dt.second:02d}Z")


def format_date(days):
    d = EPOCH_DATE + datetime.timedelta(days=days)
    return f"{d.year:04d}-{d.month:02d}-{d.day:02d}"


RFC3339_RE = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")


def parse_rfc3339(s):
    m = RFC3339_RE.match(s) if isinstance(s, str) else None
    if not m:
        raise TrustStoreError(f"bad RFC 3339 time {s!r}")
    y, mo, d, h, mi, se = (int(m.group(i)) for i in range(1, 7))
    tz = m.group(8)
    if tz in ("Z", "z"):
        offset = 0
    else:
        sign = 1 if tz[0] == "+" else -1
        offset = sign * (int(tz[1:3]) * 3600 + int(tz[4:6]) * 60)
    if se == 60:
        se = 59  # leap second: clamp
    dt = datetime.datetime(y, mo, d, h, mi, se, tzinfo=datetime.timezone.utc)
    # Fractional seconds are truncated toward the whole second.
    return int((dt - EPOCH_DT).total_seconds()) - offset


def no_control(s):
    # "no control characters": Unicode general category Cc.
    return not any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in s)


UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
DIGITS = "0123456789"
NAME_CHARS = set(UPPER + " -'")
DOCNUM_CHARS = set(UPPER + DIGITS)
FLIGHT_CHARS = set(UPPER + DIGITS + " ")


def is_country(s):
    return len(s) == 2 and all(c in UPPER for c in s)


def utf8_len(s):
    return len(s.encode("utf-8"))


# --------------------------------------------------------------------------
# Trust store (FORMAT.md section 7.2)
# --------------------------------------------------------------------------

SPKI_ED25519_PREFIX = bytes.fromhex("302a300506032b6570032100")


class TrustKey:
    def __init__(self, public, point, kid, country, not_before, not_after, kinds, revoked=False,
                 max_validity=None):
        self.revoked = revoked
        self.max_validity = max_validity
        self.public = public
        self.point = point
        self.kid = kid
        self.country = country
        self.not_before = not_before
        self.not_after = not_after
        self.kinds = kinds


def derive_kid(public):
    return hashlib.sha256(public).digest()[:8]


def load_trust_store(obj):
    if not isinstance(obj, dict) or not isinstance(obj.get("keys"), list):
        raise TrustStoreError("trust store must be an object with a `keys` array")
    keys = []
    for entry in obj["keys"]:
        if not isinstance(entry, dict):
            raise TrustStoreError("key entry must be an object")
        has_hex = "public_key" in entry
        has_pem = "public_key_pem" in entry
        if has_hex == has_pem:
            raise TrustStoreError("exactly one of public_key and public_key_pem")
        if has_hex:
            h = entry["public_key"]
            if not isinstance(h, str) or not re.fullmatch(r"[0-9a-fA-F]*", h):
                raise TrustStoreError("public_key is not hex")
            public = bytes.fromhex(h)
        else:
            pem = entry["public_key_pem"]
            m = re.search(r"-----BEGIN PUBLIC KEY-----(.*?)-----END PUBLIC KEY-----", pem, re.S)
            if not m:
                raise TrustStoreError("public_key_pem is not a PUBLIC KEY PEM")
            der = base64.b64decode("".join(m.group(1).split()), validate=True)
            if len(der) != 44 or not der.startswith(SPKI_ED25519_PREFIX):
                raise TrustStoreError("public_key_pem is not an Ed25519 SPKI")
            public = der[12:]
        if len(public) != 32:
            raise TrustStoreError("public key of the wrong length")
        point = point_decompress(public)
        if point is None:
            raise TrustStoreError("public key is not a valid point")
        if is_small_order(point):
            raise TrustStoreError("public key is a small-order (weak) point")
        kid = derive_kid(public)
        if "kid" in entry:
            if not isinstance(entry["kid"], str) or entry["kid"].lower() != kid.hex():
                raise TrustStoreError("kid does not match the key")
        country = entry.get("country")
        if not isinstance(country, str) or not is_country(country):
            raise TrustStoreError("country must be two upper-case letters")
        not_before = parse_rfc3339(entry["not_before"]) if "not_before" in entry else None
        not_after = parse_rfc3339(entry["not_after"]) if "not_after" in entry else None
        kinds = entry.get("record_kinds")
        if not isinstance(kinds, list) or not kinds:
            raise TrustStoreError("record_kinds must name at least one kind")
        for k in kinds:
            if k not in RECORD_KINDS:
                raise TrustStoreError(f"unknown record kind {k!r}")
        revoked = entry.get("revoked", False)
        if not isinstance(revoked, bool):
            raise TrustStoreError("revoked must be a boolean")
        max_validity = entry.get("max_validity")
        if max_validity is not None and (type(max_validity) is not int or max_validity < 1):
            raise TrustStoreError("max_validity must be a whole number of seconds, at least 1")
        keys.append(TrustKey(public, point, kid, country, not_before, not_after, set(kinds), revoked,
                             max_validity))
    return keys


# --------------------------------------------------------------------------
# COSE_Sign1 (FORMAT.md section 4)
# --------------------------------------------------------------------------


def _member(dec, depth, kind, error):
    """Decodes one member; a definite item of another kind raises `error`."""
    item = dec.item(depth)
    if item.kind != kind:
        raise VerifyError(error)
    return item


def parse_cose(body):
    # Section 4: checks in the stated order, members decoded one at a time.
    dec = _Decoder(bytes(body))
    major, ai, tag = dec.head()
    if major != 6 or tag != 18:
        raise VerifyError("NotCoseSign1")
    major, ai, n = dec.head()
    if ai == 31 and major == 4:
        raise VerifyError("CborIndefiniteLength")
    if ai == 31 or major != 4:
        raise VerifyError("CoseStructure")
    if n > dec.remaining():
        raise VerifyError("CborLengthExceedsInput")
    if n != 4:
        raise VerifyError("CoseStructure")
    prot = _member(dec, 1, "bytes", "CoseStructure")
    # The unprotected header allows nothing: its map head and first label only.
    major, ai, entries = dec.head()
    if ai == 31 and major == 5:
        raise VerifyError("CborIndefiniteLength")
    if ai == 31 or major != 5:
        raise VerifyError("CoseStructure")
    if entries > dec.remaining() // 2:
        raise VerifyError("CborLengthExceedsInput")
    if entries > 0:
        label = dec.item(2)
        if label.kind != "int" or not I64_MIN <= label.value <= I64_MAX:
            raise VerifyError("CborMalformed", "a header label that is not an integer")
        if label.value == 1:
            raise VerifyError("AlgNotProtected")

    # Protected header: bstr .cbor map (an empty bstr is an empty map, RFC 9052),
    # labels checked in encoded order.
    if len(prot.value) == 0:
        raise VerifyError("AlgMissing")
    phd = _Decoder(prot.value)
    major, ai, count = phd.head()
    if ai == 31 and major == 5:
        raise VerifyError("CborIndefiniteLength")
    if ai == 31 or major != 5:
        raise VerifyError("CborMalformed", "protected header is not a map")
    if count > phd.remaining() // 2:
        raise VerifyError("CborLengthExceedsInput")
    alg = kid = None
    seen = set()
    for _ in range(count):
        k = phd.item(1)
        if k.kind != "int" or not I64_MIN <= k.value <= I64_MAX:
            raise VerifyError("CborMalformed", "a header label that is not an integer")
        if k.value in seen:
            raise VerifyError("CborDuplicateKey")
        seen.add(k.value)
        if k.value not in (1, 4):
            raise VerifyError("UnsupportedHeader")
        v = phd.item(1)
        if k.value == 1:
            alg = want_int(v, "alg")
        else:
            if v.kind != "bytes":
                raise VerifyError("CborMalformed", "kid is not a bstr")
            kid = v.value
    if phd.remaining():
        raise VerifyError("CborTrailingBytes")
    if alg is None:
        raise VerifyError("AlgMissing")
    if alg not in (-19, -8):
        raise VerifyError("AlgUnsupported")
    if kid is None:
        raise VerifyError("KidMissing")
    if len(kid) != 8:
        raise VerifyError("KidLength")
    if entries > 0:
        raise VerifyError("UnprotectedHeaderNotEmpty")
    payload = dec.item(1)
    if payload.is_null():
        raise VerifyError("PayloadMissing")
    if payload.kind != "bytes":
        raise VerifyError("CoseStructure")
    sig = _member(dec, 1, "bytes", "CoseStructure")
    if len(sig.value) != 64:
        raise VerifyError("SignatureLength")
    if dec.remaining():
        raise VerifyError("CborTrailingBytes")
    return prot.value, kid, payload.value, sig.value


def sig_structure(protected, payload):
    return (b"\x84" + b"\x6aSignature1" + cbor_bstr(protected) + b"\x40"
            + cbor_bstr(payload))


# --------------------------------------------------------------------------
# Claims and record (FORMAT.md section 6) and their JSON (section 7.1)
# --------------------------------------------------------------------------


def malformed(why):
    return VerifyError("CborMalformed", why)


def invalid(why):
    return VerifyError("InvalidRecord", why)


I64_MIN, I64_MAX = -2 ** 63, 2 ** 63 - 1


def int_keyed_map(item, what):
    if item.kind != "map":
        raise malformed(f"{what} is not a map")
    out = {}
    for k, v in item.value:
        if k.kind != "int" or not I64_MIN <= k.value <= I64_MAX:
            raise malformed(f"{what} has a key that is not an int (i64)")
        out[k.value] = v
    return out


def want_text(item, what):
    if item.kind != "text":
        raise malformed(f"{what} is not a text string")
    return item.value


def want_uint(item, what):
    if item.kind != "int" or item.value < 0:
        raise malformed(f"{what} is not an unsigned integer")
    return item.value


def want_int(item, what):
    # An `int` field takes exactly the i64 range (section 5.1).
    if item.kind != "int" or not I64_MIN <= item.value <= I64_MAX:
        raise malformed(f"{what} is not an int (i64)")
    return item.value


def opt_text(arr, i, what):
    """Optional `tstr / null` element: returns None when absent or null."""
    if i >= len(arr) or arr[i].is_null():
        return None
    return want_text(arr[i], what)


def code(item, names, what):
    v = want_uint(item, what)
    if v >= 2 ** 32:
        raise invalid(f"{what} code out of range")
    return names.get(v, v)


def instant(item, what):
    v = want_uint(item, what)
    if v > MAX_INSTANT:
        raise invalid(f"{what} beyond 9999")
    return format_instant(v)


def date(item, what):
    v = want_int(item, what)
    if not MIN_DATE <= v <= MAX_DATE:
        raise invalid(f"{what} out of range")
    return format_date(v)


def facility_name(item, what):
    s = want_text(item, what)
    if not 1 <= utf8_len(s) <= 128 or not no_control(s):
        raise invalid(f"bad {what}")
    return s


def country(item, what):
    s = want_text(item, what)
    if not is_country(s):
        raise invalid(f"bad {what}")
    return s


def unknown_elements(arr, first, obj):
    extra = [e.raw.hex() for e in arr[first:]]
    if extra:
        obj["unknown_elements"] = extra


def unknown_keys(m, known, obj, member="unknown_keys"):
    extra = {str(k): v.raw.hex() for k, v in m.items() if k not in known}
    if extra:
        obj[member] = extra


def parse_holder(item):
    if item.kind != "array":
        raise malformed("holder is not an array")
    a = item.value
    if len(a) < 7:
        raise malformed("holder has fewer than 7 elements")
    h = {}
    primary = want_text(a[0], "primary name")
    if not 1 <= len(primary) <= 64 or any(c not in NAME_CHARS for c in primary):
        raise invalid("bad primary name")
    h["primary_name"] = primary
    secondary = want_text(a[1], "secondary name")
    if not len(secondary) <= 64 or any(c not in NAME_CHARS for c in secondary):
        raise invalid("bad secondary name")
    h["secondary_name"] = secondary

    dob = a[2]
    if dob.kind == "int":
        h["date_of_birth"] = date(dob, "date of birth")
    elif dob.kind == "array":
        parts = dob.value
        if len(parts) not in (1, 2):
            raise malformed("partial date of birth must have 1 or 2 elements")
        year = want_uint(parts[0], "year of birth")
        if not 1 <= year <= 9999:
            raise invalid("year of birth out of range")
        if len(parts) == 1:
            h["date_of_birth"] = f"{year:04d}"
        else:
            month = want_uint(parts[1], "month of birth")
            if not 1 <= month <= 12:
                raise invalid("month of birth out of range")
            h["date_of_birth"] = f"{year:04d}-{month:02d}"
    else:
        raise malformed("date of birth is neither an int nor an array")

    h["sex"] = code(a[3], SEX, "sex")
    nationality = want_text(a[4], "nationality")
    if not 1 <= len(nationality) <= 3 or any(c not in UPPER for c in nationality):
        raise invalid("bad nationality")
    h["nationality"] = nationality
    h["document_type"] = code(a[5], DOCUMENT_TYPE, "document type")
    docnum = want_text(a[6], "document number")
    if not 1 <= len(docnum) <= 32 or any(c not in DOCNUM_CHARS for c in docnum):
        raise invalid("bad document number")
    h["document_number"] = docnum

    native = opt_text(a, 7, "native name")
    if native is not None:
        if not 1 <= utf8_len(native) <= 128 or not no_control(native):
            raise invalid("bad native name")
        h["native_name"] = native
    res_country = opt_text(a, 8, "residence country")
    if res_country is not None:
        if not is_country(res_country):
            raise invalid("bad residence country")
        h["residence_country"] = res_country
    city = opt_text(a, 9, "residence city")
    if city is not None:
        if not 1 <= utf8_len(city) <= 64 or not no_control(city):
            raise invalid("bad residence city")
        h["residence_city"] = city
    unknown_elements(a, 10, h)
    return h


def parse_journey(item):
    m = int_keyed_map(item, "journey")
    j = {}
    if 1 in m:
        flight = want_text(m[1], "flight")
        if not 1 <= len(flight) <= 16 or any(c not in FLIGHT_CHARS for c in flight):
            raise invalid("bad flight")
        j["flight"] = flight
    # Key 2 is not defined (FORMAT.md section 6.2): it stays an unknown key.
    if 3 in m:
        j["departure_country"] = country(m[3], "departure country")
    if 4 in m:
        j["departure_at"] = instant(m[4], "departure time")
    if 5 in m:
        item = m[5]
        if item.kind != "array":
            raise malformed("transit is not an array")
        if not 1 <= len(item.value) <= 8:
            raise invalid("transit must list 1 to 8 points")
        j["transit"] = [parse_transit(p) for p in item.value]
    if 6 in m:
        port = want_text(m[6], "entry port")
        if not 1 <= utf8_len(port) <= 64 or not no_control(port):
            raise invalid("bad entry port")
        j["entry_port"] = port
    unknown_keys(m, {1, 3, 4, 5, 6}, j)
    return j


def parse_transit(item):
    if item.kind != "array":
        raise malformed("transit point is not an array")
    a = item.value
    if len(a) < 1:
        raise invalid("transit point has no country")
    t = {"country": country(a[0], "transit country")}
    place = opt_text(a, 1, "transit place")
    if place is not None:
        if not 1 <= utf8_len(place) <= 64 or not no_control(place):
            raise invalid("bad transit place")
        t["place"] = place
    unknown_elements(a, 2, t)
    return t


def parse_history(item):
    if item.kind != "array":
        raise malformed("history entry is not an array")
    a = item.value
    if len(a) < 3:
        raise invalid("history entry has fewer than 3 elements")
    kind_code = want_uint(a[0], "history kind")
    h = {
        "kind": code(a[0], HISTORY_KIND, "history kind"),
        "disease": code(a[1], DISEASE, "disease"),
        "date": date(a[2], "history date"),
    }
    if len(a) > 3 and not a[3].is_null():
        # A date of recovery: only a diagnosis (3) or an unknown kind, never
        # before the entry's date.
        if kind_code in HISTORY_KIND and kind_code != 3:
            raise invalid("only a diagnosis has a date of recovery")
        if want_int(a[3], "date of recovery") < a[2].value:
            raise invalid("date of recovery before the diagnosis")
        h["recovered_on"] = date(a[3], "date of recovery")
    unknown_elements(a, 4, h)
    return h


def parse_list(item, what, parse_one):
    if item.kind != "array":
        raise malformed(f"{what} is not an array")
    if len(item.value) == 0:
        raise invalid(f"{what}: empty list (CDDL requires at least one)")
    if len(item.value) > 16:
        raise invalid(f"more than 16 {what}")
    return [parse_one(e) for e in item.value]


def elements(item, n, what):
    if item.kind != "array":
        raise malformed(f"{what} is not an array")
    if len(item.value) < n:
        raise malformed(f"{what} has fewer than {n} elements")
    return item.value


def parse_nat(item):
    a = elements(item, 6, "NAT test")
    t = {
        "disease": code(a[0], DISEASE, "disease"),
        "method": code(a[1], NAT_METHOD, "NAT method"),
        "sampled_at": instant(a[2], "sampled-at"),
        "result": code(a[3], NAT_RESULT, "NAT result"),
        "laboratory": {
            "name": facility_name(a[4], "laboratory name"),
            "country": country(a[5], "laboratory country"),
        },
    }
    unknown_elements(a, 6, t)
    return t


def parse_antibody(item):
    a = elements(item, 5, "antibody test")
    t = {
        "class": code(a[0], ANTIBODY_CLASS, "antibody class"),
        "sampled_at": instant(a[1], "sampled-at"),
        "result": code(a[2], ANTIBODY_RESULT, "antibody result"),
        "laboratory": {
            "name": facility_name(a[3], "laboratory name"),
            "country": country(a[4], "laboratory country"),
        },
    }
    if len(a) > 5 and not a[5].is_null():
        q = a[5]
        if q.kind != "array" or len(q.value) != 3:
            raise malformed("quantity is not [mantissa, exponent, unit]")
        mantissa = want_int(q.value[0], "mantissa")
        exponent = want_int(q.value[1], "exponent")
        unit = want_text(q.value[2], "unit")
        if not -18 <= exponent <= 18:
            raise invalid("quantity exponent out of range")
        if not 1 <= utf8_len(unit) <= 16 or not no_control(unit):
            raise invalid("bad quantity unit")
        t["quantity"] = {"mantissa": mantissa, "exponent": exponent, "unit": unit}
    unknown_elements(a, 6, t)
    return t


def parse_vaccination(item):
    a = elements(item, 8, "vaccination")
    dose = want_uint(a[3], "dose")
    total = want_uint(a[4], "series total")
    if not 1 <= dose <= 99 or not 1 <= total <= 99:
        raise invalid("dose / series total out of 1..99")
    v = {
        "disease": code(a[0], DISEASE, "disease"),
        "product": code(a[1], VACCINE_PRODUCT, "vaccine product"),
        "manufacturer": code(a[2], MANUFACTURER, "manufacturer"),
        "dose": dose,
        "series_total": total,
        "date": date(a[5], "vaccination date"),
        "centre": {
            "name": facility_name(a[6], "centre name"),
            "country": country(a[7], "centre country"),
        },
    }
    unknown_elements(a, 8, v)
    return v


def parse_record(item):
    m = int_keyed_map(item, "record")
    if 1 not in m:
        raise malformed("record has no holder")
    rec = {"holder": parse_holder(m[1])}
    if 2 in m:
        rec["journey"] = parse_journey(m[2])
    for key, member, parse_one, what in (
            (3, "nat_tests", parse_nat, "NAT tests"),
            (4, "antibody_tests", parse_antibody, "antibody tests"),
            (5, "vaccinations", parse_vaccination, "vaccinations"),
            (6, "infection_history", parse_history, "history entries"),
            (7, "recovery_tests", parse_nat, "recovery NATs")):
        if key in m:
            lst = parse_list(m[key], what, parse_one)
            if lst:
                rec[member] = lst
    if not any(k in rec for k in ("nat_tests", "antibody_tests", "vaccinations")):
        raise invalid("no NAT test, antibody test or vaccination")
    # Keys 8 and up are not defined (9 appears in vector 08 as an unknown key).
    unknown_keys(m, {1, 2, 3, 4, 5, 6, 7}, rec)
    return rec


CLAIM_ISS, CLAIM_EXP, CLAIM_NBF, CLAIM_IAT, CLAIM_CTI, CLAIM_RECORD = 1, 4, 5, 6, 7, -65537


def parse_claims(payload):
    # Section 5.1 order: the claims are decoded in encoded order and each value
    # is decoded as a whole (CBOR rules first), then checked as it is met.
    dec = _Decoder(bytes(payload))
    major, ai, n = dec.head()
    if ai == 31 and major == 5:
        raise VerifyError("CborIndefiniteLength")
    if ai == 31 or major != 5:
        raise malformed("claims is not a map")
    if n > dec.remaining() // 2:
        raise VerifyError("CborLengthExceedsInput")
    m = {}
    cert_parts = {}
    for _ in range(n):
        k = dec.item(1)
        if k.kind != "int" or not I64_MIN <= k.value <= I64_MAX:
            raise malformed("claims has a key that is not an int (i64)")
        if k.value in m:
            raise VerifyError("CborDuplicateKey")
        v = dec.item(1)
        m[k.value] = v
        if k.value == CLAIM_ISS:
            if v.kind != "text" or not is_country(v.value):
                raise VerifyError("ClaimInvalid", "iss")
        elif k.value in (CLAIM_EXP, CLAIM_IAT):
            if v.kind != "int" or not 0 <= v.value <= MAX_INSTANT:
                raise VerifyError("ClaimInvalid", "exp/iat")
        elif k.value == CLAIM_CTI:
            if v.kind != "bytes" or not 8 <= len(v.value) <= 16:
                raise VerifyError("ClaimInvalid", "cti")
        elif k.value == CLAIM_NBF:
            if v.kind != "int" or not 0 <= v.value <= MAX_INSTANT:
                raise VerifyError("ClaimInvalid", "nbf")
        elif k.value == CLAIM_RECORD:
            cert_parts["record"] = parse_record(v)
    if dec.remaining():
        raise VerifyError("CborTrailingBytes")
    for k in (CLAIM_ISS, CLAIM_EXP, CLAIM_IAT, CLAIM_CTI, CLAIM_RECORD):
        if k not in m:
            raise VerifyError("ClaimMissing", str(k))
    iss = m[CLAIM_ISS]
    times = {"exp": m[CLAIM_EXP].value, "iat": m[CLAIM_IAT].value}
    cti = m[CLAIM_CTI]
    # nbf (section 6.1): optional, an instant; kept with the unknown claims.
    nbf = m[CLAIM_NBF].value if CLAIM_NBF in m else None
    if times["exp"] <= times["iat"]:
        raise VerifyError("ExpiresBeforeIssued")
    record = cert_parts["record"]
    cert = {
        "issuer": iss.value,
        "issued_at": format_instant(times["iat"]),
        "expires_at": format_instant(times["exp"]),
        "certificate_id": cti.value.hex(),
        "record": record,
    }
    unknown_keys(m, {CLAIM_ISS, CLAIM_EXP, CLAIM_IAT, CLAIM_CTI, CLAIM_RECORD}, cert,
                 "unknown_claims")
    return cert, iss.value, times["iat"], times["exp"], nbf


# --------------------------------------------------------------------------
# Verification procedure (FORMAT.md section 8)
# --------------------------------------------------------------------------


def verify(text, keys, now, skew=300, cap=DEFAULT_INFLATE_CAP):
    # 1. Text: prefix, Base45.
    if text == "":
        raise VerifyError("Empty")
    if not text.startswith("TC1:"):
        raise VerifyError("MissingPrefix")
    body = base45_decode(text[4:])
    # 2. Body: uncompressed or inflated under the cap.
    cose = decode_body(body, cap)
    # 3. COSE_Sign1 structure, headers, alg, kid.
    protected, kid, payload, sig = parse_cose(cose)
    # 4. Trust: the keys with this kid.
    candidates = [k for k in keys if k.kid == kid]
    if not candidates:
        raise VerifyError("UnknownKid")
    # 5. Signature under some key with this kid.
    msg = sig_structure(protected, payload)
    verifying = [k for k in candidates if ed25519_verify_strict(k.public, k.point, msg, sig)]
    if not verifying:
        raise VerifyError("SignatureInvalid")
    if all(k.revoked for k in verifying):
        raise VerifyError("KeyRevoked")
    # 6. Claims and record; the signing entry: the first verifying entry of the
    # certificate's issuer country, else the first verifying entry.
    cert, iss, iat, exp, nbf = parse_claims(payload)
    signer = next((k for k in verifying if k.country == iss), verifying[0])
    if signer.revoked:
        raise VerifyError("KeyRevoked")
    # 7. Issuer.
    if iss != signer.country:
        raise VerifyError("IssuerMismatch")
    # 8. Key valid at iat (inclusive bounds).
    if (signer.not_before is not None and iat < signer.not_before) or \
            (signer.not_after is not None and iat > signer.not_after):
        raise VerifyError("KeyNotValidAtIssue")
    # 9. Record kinds.
    rec = cert["record"]
    for member, kind in (("nat_tests", "nat"), ("antibody_tests", "antibody"),
                         ("vaccinations", "vaccination"), ("infection_history", "history"),
                         ("recovery_tests", "recovery")):
        if rec.get(member) and kind not in signer.kinds:
            raise VerifyError("RecordKindNotAllowed", kind)
    # ... and the key's max_validity.
    if signer.max_validity is not None and exp - iat > signer.max_validity:
        raise VerifyError("ValidityTooLong")
    # 11. Time: valid from the later of iat and nbf.
    if now > exp + skew:
        raise VerifyError("Expired")
    if now + skew < max(iat, nbf if nbf is not None else iat):
        raise VerifyError("NotYetValid")
    return cert


# --------------------------------------------------------------------------
# Vector runner (FORMAT.md section 10)
# --------------------------------------------------------------------------


def first_difference(a, b, path="$"):
    if type(a) is not type(b):
        return f"{path}: got {a!r}, expected {b!r}"
    if isinstance(a, dict):
        for k in sorted(set(a) | set(b)):
            if k not in a:
                return f"{path}.{k}: missing (expected {b[k]!r})"
            if k not in b:
                return f"{path}.{k}: unexpected {a[k]!r}"
            diff = first_difference(a[k], b[k], f"{path}.{k}")
            if diff:
                return diff
        return None
    if isinstance(a, list):
        if len(a) != len(b):
            return f"{path}: {len(a)} elements, expected {len(b)}"
        for i, (x, y) in enumerate(zip(a, b)):
            diff = first_difference(x, y, f"{path}[{i}]")
            if diff:
                return diff
        return None
    return None if a == b else f"{path}: got {a!r}, expected {b!r}"


def run_vector(path):
    with open(path, encoding="utf-8") as f:
        vec = json.load(f)
    keys = load_trust_store(vec["trust_store"])
    try:
        cert = verify(vec["qr_text"], keys, vec["verify_at"], vec["clock_skew"])
    except VerifyError as exc:
        if vec["valid"]:
            return f"expected a valid certificate, got {exc}"
        if exc.name != vec["error"]:
            return f"expected error {vec['error']}, got {exc}"
        return None
    if not vec["valid"]:
        return f"expected error {vec['error']}, but verification succeeded"
    # Round-trip through JSON text so both sides are plain JSON values.
    got = json.loads(json.dumps(cert, ensure_ascii=False))
    if got != vec["expected"]:
        return "certificate JSON differs: " + (first_difference(got, vec["expected"]) or "?")
    return None


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    vector_dir = os.path.normpath(os.path.join(here, "..", "vectors"))
    names = sorted(n for n in os.listdir(vector_dir) if n.endswith(".json"))
    passed = failed = 0
    for name in names:
        label = name[:-len(".json")]
        try:
            why = run_vector(os.path.join(vector_dir, name))
        except Exception as exc:  # a crash is a failure of this vector
            why = f"{type(exc).__name__}: {exc}"
        if why is None:
            passed += 1
            print(f"ok {label}")
        else:
            failed += 1
            print(f"FAIL {label}: {why}")
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 and passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
