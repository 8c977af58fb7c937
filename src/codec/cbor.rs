//! Strict CBOR reading and deterministic CBOR writing, shared by every structure
//! of the format (payload, claims, COSE).
//!
//! [`Reader`] decodes straight into typed structures, borrowing from the input:
//! it refuses indefinite lengths, counts larger than the remaining input, nesting
//! deeper than [`MAX_DEPTH`] and trailing bytes, so decoding allocates in
//! proportion to what it keeps and never builds a generic value tree. It wraps
//! `minicbor`'s decoder for the item-level parsing.
//!
//! [`Writer`] emits RFC 8949 core deterministic encoding: shortest-form heads,
//! definite lengths, and (through [`Writer::map_sorted`]) map keys in bytewise
//! order of their encodings.

use minicbor::data::Type;
use minicbor::Decoder;

use crate::VerifyError;

/// The deepest nesting of arrays, maps and tags the reader accepts.
pub const MAX_DEPTH: usize = 16;

/// A strict, borrowing CBOR reader over one buffer.
pub(crate) struct Reader<'b> {
    dec: Decoder<'b>,
}

pub(crate) type Result<T> = std::result::Result<T, VerifyError>;

impl<'b> Reader<'b> {
    pub(crate) fn new(bytes: &'b [u8]) -> Self {
        Self {
            dec: Decoder::new(bytes),
        }
    }

    /// Current offset in the input.
    pub(crate) fn position(&self) -> usize {
        self.dec.position()
    }

    fn remaining(&self) -> usize {
        self.dec.input().len().saturating_sub(self.dec.position())
    }

    /// The initial byte of the next item, if any. The typed reads below look
    /// at it first: when it alone settles the type (the common case), they
    /// skip [`Reader::peek`] and its checks, which could not fail for it, and
    /// read the item straight away; any other byte takes the full path.
    #[inline]
    fn initial(&self) -> Option<u8> {
        self.dec.input().get(self.dec.position()).copied()
    }

    /// The next item's head when the input holds all of it and its
    /// additional information is a length or value (not indefinite or
    /// reserved): (initial byte, argument, head length). The typed reads take
    /// it as is (any head minicbor accepts, shortest form or not); every
    /// other case, errors included, takes minicbor's path.
    #[inline]
    fn head(&self) -> Option<(u8, u64, usize)> {
        let (&initial, tail) = self.rest().split_first()?;
        let info = initial & 0x1f;
        let (argument, len) = match info {
            0..=23 => (u64::from(info), 1),
            24 => (u64::from(*tail.first()?), 2),
            25 => (u64::from(u16::from_be_bytes(*tail.first_chunk()?)), 3),
            26 => (u64::from(u32::from_be_bytes(*tail.first_chunk()?)), 5),
            27 => (u64::from_be_bytes(*tail.first_chunk()?), 9),
            _ => return None,
        };
        Some((initial, argument, len))
    }

    /// The `len` bytes after a head of `head_len` bytes, when the input holds them.
    #[inline]
    fn content(&self, head_len: usize, len: u64) -> Option<&'b [u8]> {
        let len = usize::try_from(len).ok()?;
        self.rest().get(head_len..head_len.checked_add(len)?)
    }

    /// The input from the current position on.
    #[inline]
    pub(crate) fn rest(&self) -> &'b [u8] {
        self.dec
            .input()
            .get(self.dec.position()..)
            .unwrap_or_default()
    }

    /// Moves the position `n` bytes on (at most to the end of the input).
    #[inline]
    pub(crate) fn advance(&mut self, n: usize) {
        let to = self.dec.position().saturating_add(n);
        self.dec.set_position(to.min(self.dec.input().len()));
    }

    /// Fails unless the whole input was consumed.
    pub(crate) fn finish(&self) -> Result<()> {
        match self.remaining() {
            0 => Ok(()),
            count => Err(VerifyError::CborTrailingBytes { count }),
        }
    }

    fn err(&self, e: minicbor::decode::Error, what: &str) -> VerifyError {
        let offset = e.position().unwrap_or_else(|| self.position());
        if e.is_end_of_input() {
            VerifyError::CborLengthExceedsInput { offset }
        } else {
            VerifyError::CborMalformed {
                offset,
                reason: format!("expected {what}: {e}"),
            }
        }
    }

    /// The type of the next item.
    pub(crate) fn peek(&self) -> Result<Type> {
        // The types an initial byte settles alone (neither a negative integer
        // whose type depends on the next byte nor a simple value): no checks
        // could fail for them.
        match self.initial() {
            Some(0x00..=0x18) => return Ok(Type::U8),
            Some(0x19) => return Ok(Type::U16),
            Some(0x1a) => return Ok(Type::U32),
            Some(0x1b) => return Ok(Type::U64),
            Some(0x20..=0x37) => return Ok(Type::I8),
            Some(0x40..=0x5b) => return Ok(Type::Bytes),
            Some(0x60..=0x7b) => return Ok(Type::String),
            Some(0x80..=0x9b) => return Ok(Type::Array),
            Some(0xa0..=0xbb) => return Ok(Type::Map),
            Some(0xc0..=0xdb) => return Ok(Type::Tag),
            _ => {}
        }
        let at = self.position();
        // A two-byte simple value below 32 is not well-formed (RFC 8949 §3.3);
        // the decoder underneath would read it as a simple value.
        if let [0xf8, n, ..] = self.dec.input().get(at..).unwrap_or_default() {
            if *n < 32 {
                return Err(VerifyError::CborMalformed {
                    offset: at,
                    reason: format!("a two-byte simple value below 32 ({n})"),
                });
            }
        }
        self.dec.datatype().map_err(|e| self.err(e, "a data item"))
    }

    fn mismatch(&self, what: &str) -> VerifyError {
        let found = self
            .peek()
            .map(|t| t.to_string())
            .unwrap_or_else(|_| "end of input".to_owned());
        VerifyError::CborMalformed {
            offset: self.position(),
            reason: format!("expected {what}, found {found}"),
        }
    }

    /// Refuses indefinite-length items up front, so every error for them is the
    /// same specific variant.
    fn check_definite(&self) -> Result<()> {
        match self.peek()? {
            Type::ArrayIndef | Type::MapIndef | Type::BytesIndef | Type::StringIndef => {
                Err(VerifyError::CborIndefiniteLength {
                    offset: self.position(),
                })
            }
            _ => Ok(()),
        }
    }

    /// A definite-length array header; the count is checked against the input.
    pub(crate) fn array(&mut self, what: &str) -> Result<usize> {
        if let Some((0x80..=0x9b, n, len)) = self.head() {
            let offset = self.position();
            self.advance(len);
            return self.count(n, 1, offset);
        }
        if !matches!(self.initial(), Some(0x80..=0x9b)) {
            self.check_definite()?;
            if self.peek()? != Type::Array {
                return Err(self.mismatch(what));
            }
        }
        let offset = self.position();
        let n = self
            .dec
            .array()
            .map_err(|e| self.err(e, what))?
            .unwrap_or(0);
        self.count(n, 1, offset)
    }

    /// A definite-length map header; the count is checked against the input.
    pub(crate) fn map(&mut self, what: &str) -> Result<usize> {
        if let Some((0xa0..=0xbb, n, len)) = self.head() {
            let offset = self.position();
            self.advance(len);
            return self.count(n, 2, offset);
        }
        if !matches!(self.initial(), Some(0xa0..=0xbb)) {
            self.check_definite()?;
            if self.peek()? != Type::Map {
                return Err(self.mismatch(what));
            }
        }
        let offset = self.position();
        let n = self.dec.map().map_err(|e| self.err(e, what))?.unwrap_or(0);
        self.count(n, 2, offset)
    }

    /// Every item takes at least one byte, so a count larger than the remaining
    /// input is refused before anything is allocated for it.
    fn count(&self, n: u64, bytes_per_item: u64, offset: usize) -> Result<usize> {
        let need = n.saturating_mul(bytes_per_item);
        if need > self.remaining() as u64 {
            return Err(VerifyError::CborLengthExceedsInput { offset });
        }
        usize::try_from(n).map_err(|_| VerifyError::CborLengthExceedsInput { offset })
    }

    /// An unsigned integer.
    pub(crate) fn u64(&mut self, what: &str) -> Result<u64> {
        if let Some((0x00..=0x1b, n, len)) = self.head() {
            self.advance(len);
            return Ok(n);
        }
        match self.peek()? {
            Type::U8 | Type::U16 | Type::U32 | Type::U64 => {
                self.dec.u64().map_err(|e| self.err(e, what))
            }
            _ => Err(self.mismatch(what)),
        }
    }

    /// An integer that fits in `i64`.
    pub(crate) fn i64(&mut self, what: &str) -> Result<i64> {
        // Values outside i64 take minicbor's path, for its error.
        let value = match self.head() {
            Some((0x00..=0x1b, n, len)) => i64::try_from(n).ok().map(|v| (v, len)),
            // -1 - n
            Some((0x20..=0x3b, n, len)) => i64::try_from(n).ok().map(|v| (-1 - v, len)),
            _ => None,
        };
        if let Some((v, len)) = value {
            self.advance(len);
            return Ok(v);
        }
        match self.peek()? {
            Type::U8
            | Type::U16
            | Type::U32
            | Type::U64
            | Type::I8
            | Type::I16
            | Type::I32
            | Type::I64
            | Type::Int => self.dec.i64().map_err(|e| self.err(e, what)),
            _ => Err(self.mismatch(what)),
        }
    }

    /// A code: an unsigned integer that fits in `u32` (`CborMalformed` above).
    #[cfg_attr(not(feature = "verify"), allow(dead_code))]
    pub(crate) fn code(&mut self, what: &str) -> Result<u32> {
        let offset = self.position();
        let n = self.u64(what)?;
        u32::try_from(n).map_err(|_| VerifyError::CborMalformed {
            offset,
            reason: format!("{what}: code {n} is out of range"),
        })
    }

    /// A definite-length text string (UTF-8 checked), borrowed.
    pub(crate) fn text(&mut self, what: &str) -> Result<&'b str> {
        if let Some((0x60..=0x7b, n, len)) = self.head() {
            if let Some(text) = self
                .content(len, n)
                .and_then(|b| std::str::from_utf8(b).ok())
            {
                self.advance(len + text.len());
                return Ok(text);
            }
        }
        self.check_definite()?;
        if self.peek()? != Type::String {
            return Err(self.mismatch(what));
        }
        self.dec.str().map_err(|e| self.err(e, what))
    }

    /// A definite-length byte string, borrowed.
    pub(crate) fn bytes(&mut self, what: &str) -> Result<&'b [u8]> {
        if let Some((0x40..=0x5b, n, len)) = self.head() {
            if let Some(bytes) = self.content(len, n) {
                self.advance(len + bytes.len());
                return Ok(bytes);
            }
        }
        self.check_definite()?;
        if self.peek()? != Type::Bytes {
            return Err(self.mismatch(what));
        }
        self.dec.bytes().map_err(|e| self.err(e, what))
    }

    /// A tag number.
    pub(crate) fn tag(&mut self, what: &str) -> Result<u64> {
        if self.peek()? != Type::Tag {
            return Err(self.mismatch(what));
        }
        self.dec
            .tag()
            .map(|t| t.as_u64())
            .map_err(|e| self.err(e, what))
    }

    /// A boolean (`true` / `false`).
    #[cfg_attr(not(feature = "verify"), allow(dead_code))]
    pub(crate) fn bool(&mut self, what: &str) -> Result<bool> {
        if self.peek()? != Type::Bool {
            return Err(self.mismatch(what));
        }
        self.dec.bool().map_err(|e| self.err(e, what))
    }

    /// Consumes a `null` if one is next; says whether it did.
    pub(crate) fn null(&mut self) -> Result<bool> {
        // Integers, strings, arrays and maps: their type is never an error.
        if let Some(0x00..=0x37 | 0x40..=0x5b | 0x60..=0x7b | 0x80..=0x9b | 0xa0..=0xbb) =
            self.initial()
        {
            return Ok(false);
        }
        if self.peek()? == Type::Null {
            self.dec.null().map_err(|e| self.err(e, "null"))?;
            Ok(true)
        } else {
            Ok(false)
        }
    }

    /// Checks one well-formed, definite-length item of any type nested at most
    /// to [`MAX_DEPTH`] (counting from `depth`) and returns its encoded bytes.
    pub(crate) fn raw_item(&mut self, depth: usize) -> Result<&'b [u8]> {
        let start = self.position();
        self.skip(depth)?;
        let end = self.position();
        self.dec
            .input()
            .get(start..end)
            .ok_or(VerifyError::CborLengthExceedsInput { offset: start })
    }

    fn skip(&mut self, depth: usize) -> Result<()> {
        if depth > MAX_DEPTH {
            return Err(VerifyError::CborTooDeep { limit: MAX_DEPTH });
        }
        self.check_definite()?;
        match self.peek()? {
            Type::Array => {
                for _ in 0..self.array("an array")? {
                    self.skip(depth + 1)?;
                }
            }
            Type::Map => {
                let n = self.map("a map")?;
                let mut seen = KeySet::default();
                for _ in 0..n {
                    let key = self.any_key(depth + 1)?;
                    seen.insert(key)?;
                    self.skip(depth + 1)?;
                }
            }
            Type::Tag => {
                self.tag("a tag")?;
                self.skip(depth + 1)?;
            }
            Type::Bytes => {
                self.bytes("a byte string")?;
            }
            Type::String => {
                self.text("a text string")?;
            }
            Type::Break | Type::Unknown(_) => return Err(self.mismatch("a data item")),
            // Scalars: integers, floats, simple values. Skipping them cannot recurse.
            _ => self.dec.skip().map_err(|e| self.err(e, "a data item"))?,
        }
        Ok(())
    }

    /// Reads a map of integer keys, calling `entry` for each key with the reader
    /// positioned at its value. Refuses duplicate keys.
    pub(crate) fn int_map<F>(&mut self, what: &str, mut entry: F) -> Result<()>
    where
        F: FnMut(&mut Self, i64) -> Result<()>,
    {
        let n = self.map(what)?;
        let mut seen = IntKeys::new();
        for _ in 0..n {
            let key = self.i64("an integer map key")?;
            seen.insert(key)?;
            entry(self, key)?;
        }
        Ok(())
    }

    /// A map key inside an unknown item (FORMAT.md §5.4): an integer, a text
    /// string or a byte string, compared by decoded value.
    fn any_key(&mut self, depth: usize) -> Result<Key<'b>> {
        if depth > MAX_DEPTH {
            return Err(VerifyError::CborTooDeep { limit: MAX_DEPTH });
        }
        self.check_definite()?;
        match self.peek()? {
            Type::U8
            | Type::U16
            | Type::U32
            | Type::U64
            | Type::I8
            | Type::I16
            | Type::I32
            | Type::I64
            | Type::Int => {
                let n = self.dec.int().map_err(|e| self.err(e, "an integer"))?;
                Ok(Key::Int(i128::from(n)))
            }
            Type::String => self.text("a text key").map(|t| Key::Text(t.as_bytes())),
            Type::Bytes => self.bytes("a byte-string key").map(Key::Bytes),
            _ => Err(self.mismatch("a map key (an integer, a text string or a byte string)")),
        }
    }
}

/// A decoded map key: integers compare by value (whatever the head's width),
/// strings by their bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Key<'b> {
    Int(i128),
    Text(&'b [u8]),
    Bytes(&'b [u8]),
}

impl Key<'_> {
    fn duplicate(self) -> VerifyError {
        let key = match self {
            // Keys outside i64 only occur inside unknown items; report the
            // nearest i64 there (the name of the error is what matters).
            Key::Int(n) => i64::try_from(n).unwrap_or(if n < 0 { i64::MIN } else { i64::MAX }),
            Key::Text(_) | Key::Bytes(_) => 0,
        };
        VerifyError::CborDuplicateKey { key }
    }
}

/// The keys of one map seen so far. An ordered set: each key costs O(log n)
/// comparisons, so checking a map of n entries is O(n log n) however its keys
/// are ordered (a list searched linearly made a 300,000-entry header take
/// seconds before any signature check).
#[derive(Default)]
struct KeySet<'b> {
    keys: std::collections::BTreeSet<Counted<'b>>,
}

impl<'b> KeySet<'b> {
    /// Adds a key, or fails with `CborDuplicateKey` when it was seen before.
    fn insert(&mut self, key: Key<'b>) -> Result<()> {
        if self.keys.insert(Counted(key)) {
            Ok(())
        } else {
            Err(key.duplicate())
        }
    }
}

/// The integer keys of one map seen so far: the first [`INLINE_KEYS`] in an
/// array searched linearly (a bounded cost, and no allocation for the small
/// maps every certificate is made of), all of them in a [`KeySet`] from then
/// on.
struct IntKeys<'b> {
    inline: [i64; INLINE_KEYS],
    len: usize,
    set: Option<KeySet<'b>>,
}

/// How many keys [`IntKeys`] holds in its array: at least the known keys of
/// any map of the format (the record has seven).
const INLINE_KEYS: usize = 8;

impl IntKeys<'_> {
    fn new() -> Self {
        Self {
            inline: [0; INLINE_KEYS],
            len: 0,
            set: None,
        }
    }

    /// Adds a key, or fails with `CborDuplicateKey` when it was seen before.
    fn insert(&mut self, key: i64) -> Result<()> {
        if let Some(set) = &mut self.set {
            return set.insert(Key::Int(i128::from(key)));
        }
        if self
            .inline
            .get(..self.len)
            .unwrap_or_default()
            .contains(&key)
        {
            return Err(Key::Int(i128::from(key)).duplicate());
        }
        if let Some(slot) = self.inline.get_mut(self.len) {
            *slot = key;
            self.len += 1;
            return Ok(());
        }
        // The array is full: from now on every key goes to the ordered set.
        let mut set = KeySet::default();
        for k in self.inline.iter().chain([&key]) {
            set.insert(Key::Int(i128::from(*k)))?;
        }
        self.set = Some(set);
        Ok(())
    }
}

/// A key whose comparisons are counted in tests, to measure the work done.
#[derive(PartialEq, Eq)]
struct Counted<'b>(Key<'b>);

impl PartialOrd for Counted<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Counted<'_> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        #[cfg(test)]
        tests::COMPARISONS.with(|c| c.set(c.get() + 1));
        self.0.cmp(&other.0)
    }
}

/// A deterministic CBOR writer into a `Vec<u8>` (infallible).
#[derive(Default)]
pub(crate) struct Writer {
    buf: Vec<u8>,
}

impl Writer {
    pub(crate) fn with_capacity(n: usize) -> Self {
        Self {
            buf: Vec::with_capacity(n),
        }
    }

    pub(crate) fn into_bytes(self) -> Vec<u8> {
        self.buf
    }

    /// A head in shortest form (RFC 8949 §4.2.1).
    fn head(&mut self, major: u8, n: u64) {
        let (first, be, from) = head_parts(major, n);
        self.buf.push(first);
        self.buf
            .extend_from_slice(be.get(from..).unwrap_or_default());
    }

    pub(crate) fn uint(&mut self, n: u64) -> &mut Self {
        self.head(0, n);
        self
    }

    pub(crate) fn int(&mut self, n: i64) -> &mut Self {
        if n >= 0 {
            self.head(0, n.unsigned_abs());
        } else {
            // -1 - n, computed without overflow for i64::MIN.
            self.head(1, !(n as u64));
        }
        self
    }

    pub(crate) fn bytes(&mut self, b: &[u8]) -> &mut Self {
        self.head(2, b.len() as u64);
        self.buf.extend_from_slice(b);
        self
    }

    pub(crate) fn text(&mut self, s: &str) -> &mut Self {
        self.head(3, s.len() as u64);
        self.buf.extend_from_slice(s.as_bytes());
        self
    }

    pub(crate) fn array(&mut self, len: usize) -> &mut Self {
        self.head(4, len as u64);
        self
    }

    pub(crate) fn tag(&mut self, tag: u64) -> &mut Self {
        self.head(6, tag);
        self
    }

    #[cfg_attr(not(feature = "verify"), allow(dead_code))]
    pub(crate) fn bool(&mut self, b: bool) -> &mut Self {
        self.buf.push(if b { 0xf5 } else { 0xf4 });
        self
    }

    pub(crate) fn null(&mut self) -> &mut Self {
        self.buf.push(0xf6);
        self
    }

    /// Appends an already-encoded item.
    pub(crate) fn raw(&mut self, item: &[u8]) -> &mut Self {
        self.buf.extend_from_slice(item);
        self
    }

    /// Writes a map from `(integer key, encoded value)` entries, sorted by the
    /// bytewise order of the encoded keys as deterministic encoding requires.
    /// Later entries with an equal key are dropped (callers never produce them).
    pub(crate) fn map_sorted(&mut self, mut entries: Vec<(i64, Vec<u8>)>) -> &mut Self {
        entries.sort_by_key(|(k, _)| int_key(*k));
        entries.dedup_by_key(|(k, _)| *k);
        self.head(5, entries.len() as u64);
        for (k, v) in entries {
            self.int(k);
            self.buf.extend_from_slice(&v);
        }
        self
    }
}

/// An integer map key's encoded bytes, zero-padded to the longest head (no
/// allocation). Two heads with the same first byte have the same length, so
/// comparing the padded arrays orders keys as their encodings.
fn int_key(k: i64) -> [u8; 9] {
    let (major, n) = if k >= 0 {
        (0u8, k.unsigned_abs())
    } else {
        (1u8, !(k as u64))
    };
    let (first, be, from) = head_parts(major, n);
    let mut out = [0u8; 9];
    let bytes = std::iter::once(first).chain(be.get(from..).unwrap_or_default().iter().copied());
    for (o, b) in out.iter_mut().zip(bytes) {
        *o = b;
    }
    out
}

/// A head in shortest form (RFC 8949 §4.2.1): its first byte, and the
/// argument's big-endian bytes of which those from the index given follow it.
fn head_parts(major: u8, n: u64) -> (u8, [u8; 8], usize) {
    let (info, from) = if n < 24 {
        (n as u8, 8)
    } else if n <= 0xff {
        (24, 7)
    } else if n <= 0xffff {
        (25, 6)
    } else if n <= 0xffff_ffff {
        (26, 4)
    } else {
        (27, 0)
    };
    (major << 5 | info, n.to_be_bytes(), from)
}

/// Encodes one item with a fresh writer (room for a small item: most are
/// short texts or a few fields).
pub(crate) fn encode(f: impl FnOnce(&mut Writer)) -> Vec<u8> {
    let mut w = Writer::with_capacity(64);
    f(&mut w);
    w.into_bytes()
}

#[cfg(test)]
#[path = "cbor_tests.rs"]
mod tests;
