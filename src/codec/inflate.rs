//! Raw DEFLATE (RFC 1951) decoding: stored, fixed and dynamic blocks.
//!
//! [`super::zlib`] wraps it with the RFC 1950 header, preset dictionary and
//! Adler-32. The decoder is built for short inputs (a certificate inflates to
//! a few hundred bytes), where setting up the Huffman tables costs more than
//! decoding with them:
//!
//! - a 64-bit bit buffer, refilled eight bytes at a time;
//! - one primary lookup table per code ([`LIT_BITS`] bits for literals and
//!   lengths, [`DIST_BITS`] for distances), filled only over the codes
//!   present; a code longer than the table is decoded bit by bit from the
//!   per-length counts (rare: it occurs for symbols seen once or twice);
//! - the tables live in one block per thread, so nothing is cleared or
//!   allocated per call; the fixed code's tables are built once per thread.
//!
//! Every invalid code is refused: over-subscribed, incomplete (except a code
//! with at most one symbol of length one, as zlib allows for the literal/length
//! and distance codes), code lengths that repeat past the end or repeat nothing,
//! too many literal/length or distance codes, literal/length symbols 286–287 and
//! distance symbols 30–31, block type 3, a stored block whose LEN and NLEN
//! disagree, a distance reaching before the start of the output (a preset
//! dictionary counts as output). Output never grows past the caller's capacity.
//! Each call does work linear in the input and output.

/// Bits of the literal/length code's primary table.
const LIT_BITS: u32 = 10;
/// Bits of the distance code's primary table.
const DIST_BITS: u32 = 8;
/// Bits of the code-length code's table (its codes have at most 7 bits).
const CODE_BITS: u32 = 7;

/// Why a stream could not be inflated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Failure {
    /// The input ends before the final block does.
    Truncated,
    /// The data is not valid DEFLATE.
    Corrupt,
    /// The output would grow past the capacity.
    Full,
}

// A table entry (u32): bits 0–7 the code's length in bits (0 for "longer
// than the table"), bits 8–15 flags and extra-bit count, bits 16–31 a value
// (the literal byte, the length or distance base).
const LITERAL: u32 = 0x8000;
const END: u32 = 0x4000;
const INVALID: u32 = 0x2000;
const EXTRA_SHIFT: u32 = 8;
const EXTRA_MASK: u32 = 0x1f;

/// Base length of symbols 257..=285.
const LENGTH_BASE: [u16; 29] = [
    3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131,
    163, 195, 227, 258,
];
/// Extra bits of symbols 257..=285.
const LENGTH_EXTRA: [u8; 29] = [
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
];
/// Base distance of symbols 0..=29.
const DIST_BASE: [u16; 30] = [
    1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537,
    2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577,
];
/// Extra bits of distance symbols 0..=29.
const DIST_EXTRA: [u8; 30] = [
    0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13,
    13,
];
/// The order in which a dynamic block lists the code-length code's lengths.
const CODE_ORDER: [usize; 19] = [
    16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15,
];

/// Which alphabet a table decodes (how a symbol becomes an entry).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Alphabet {
    /// Literal/length symbols 0..=287.
    Lit,
    /// Distance symbols 0..=31.
    Dist,
    /// Code-length symbols 0..=18 (the entry's value is the symbol).
    Code,
}

fn entry(alphabet: Alphabet, symbol: u16, len: u32) -> u32 {
    let s = usize::from(symbol);
    match alphabet {
        Alphabet::Code => u32::from(symbol) << 16 | len,
        Alphabet::Lit => match s {
            0..=255 => u32::from(symbol) << 16 | LITERAL | len,
            256 => END | len,
            _ => match (
                LENGTH_BASE.get(s.wrapping_sub(257)),
                LENGTH_EXTRA.get(s.wrapping_sub(257)),
            ) {
                (Some(&base), Some(&extra)) => {
                    u32::from(base) << 16 | u32::from(extra) << EXTRA_SHIFT | len
                }
                _ => INVALID | len,
            },
        },
        Alphabet::Dist => match (DIST_BASE.get(s), DIST_EXTRA.get(s)) {
            (Some(&base), Some(&extra)) => {
                u32::from(base) << 16 | u32::from(extra) << EXTRA_SHIFT | len
            }
            _ => INVALID | len,
        },
    }
}

/// A canonical Huffman code's decoding table: a primary table indexed by the
/// next `BITS` input bits, and for longer codes the counts per length with
/// the symbols in canonical order.
struct Huffman<const SIZE: usize> {
    primary: [u32; SIZE],
    counts: [u16; 16],
    sorted: [u16; 288],
    alphabet: Alphabet,
}

impl<const SIZE: usize> Huffman<SIZE> {
    const BITS: u32 = SIZE.trailing_zeros();

    fn new(alphabet: Alphabet) -> Self {
        Self {
            primary: [INVALID | 1; SIZE],
            counts: [0; 16],
            sorted: [0; 288],
            alphabet,
        }
    }

    /// Builds the code with these code lengths (index = symbol, 0 = unused).
    fn build(&mut self, lengths: &[u8]) -> Result<(), Failure> {
        let mut counts = [0u16; 16];
        for &len in lengths {
            if let Some(c) = counts.get_mut(usize::from(len & 15)) {
                *c += 1;
            }
        }
        // Over-subscribed at any length, or incomplete: refused, except an
        // empty code or a single one-bit code for literals/lengths and
        // distances (RFC 1951 §3.2.7; zlib accepts them too).
        let mut left: i32 = 1;
        let mut max_len = 0;
        let mut offsets = [0u16; 16];
        let mut total = 0u16;
        for len in 1..16 {
            let count = counts.get(len).copied().unwrap_or(0);
            left = (left << 1) - i32::from(count);
            if left < 0 {
                return Err(Failure::Corrupt);
            }
            if count > 0 {
                max_len = len;
            }
            if let Some(o) = offsets.get_mut(len) {
                *o = total;
            }
            total += count;
        }
        counts[0] = 0;
        self.counts = counts;
        if left > 0 {
            if self.alphabet == Alphabet::Code || max_len > 1 {
                return Err(Failure::Corrupt);
            }
            // At most one symbol, of one bit: every other entry is invalid.
            self.primary.fill(INVALID | 1);
            if let Some(symbol) = lengths.iter().position(|&l| l == 1) {
                let e = entry(self.alphabet, symbol as u16, 1);
                for slot in self.primary.iter_mut().step_by(2) {
                    *slot = e;
                }
            }
            return Ok(());
        }
        for (symbol, &len) in lengths.iter().enumerate() {
            if len != 0 {
                if let Some(o) = offsets.get_mut(usize::from(len & 15)) {
                    if let Some(slot) = self.sorted.get_mut(usize::from(*o)) {
                        *slot = symbol as u16;
                    }
                    *o += 1;
                }
            }
        }
        // Canonical codes in order: fill the primary table for codes that fit,
        // and mark the prefixes of longer ones.
        let mut code: u32 = 0;
        let mut index = 0usize;
        for len in 1..=max_len as u32 {
            let count = usize::from(counts.get(len as usize).copied().unwrap_or(0));
            let symbols = self.sorted.get(index..index + count).unwrap_or_default();
            if len <= Self::BITS {
                let step = 1usize << len;
                for &symbol in symbols {
                    let e = entry(self.alphabet, symbol, len);
                    let start = (code.reverse_bits() >> (32 - len)) as usize;
                    for slot in self.primary.iter_mut().skip(start).step_by(step) {
                        *slot = e;
                    }
                    code += 1;
                }
            } else {
                for _ in symbols {
                    let prefix = code >> (len - Self::BITS);
                    let at = (prefix.reverse_bits() >> (32 - Self::BITS)) as usize;
                    if let Some(slot) = self.primary.get_mut(at) {
                        *slot = 0;
                    }
                    code += 1;
                }
            }
            index += count;
            code <<= 1;
        }
        Ok(())
    }

    /// The entry for the code at the bottom of `bits` (zeros past the end of
    /// the input), its length in bits 0–7.
    #[inline(always)]
    fn decode(&self, bits: u64) -> u32 {
        let e = self
            .primary
            .get(bits as usize & (SIZE - 1))
            .copied()
            .unwrap_or(INVALID | 1);
        if e & 0xff != 0 {
            e
        } else {
            self.decode_long(bits)
        }
    }

    /// A code longer than the primary table, bit by bit (RFC 1951's
    /// canonical order: the first bit read is the code's most significant).
    #[cold]
    #[inline(never)]
    fn decode_long(&self, bits: u64) -> u32 {
        let (mut code, mut first, mut index) = (0i32, 0i32, 0i32);
        for len in 1..16u32 {
            code |= ((bits >> (len - 1)) & 1) as i32;
            let count = i32::from(self.counts.get(len as usize).copied().unwrap_or(0));
            if code - first < count {
                let at = (index + code - first) as usize;
                let symbol = self.sorted.get(at).copied().unwrap_or(u16::MAX);
                return entry(self.alphabet, symbol, len);
            }
            index += count;
            first = (first + count) << 1;
            code <<= 1;
        }
        // Not reached for a complete code.
        INVALID | 1
    }
}

/// The per-thread tables.
pub(crate) struct Tables {
    lit: Huffman<{ 1 << LIT_BITS }>,
    dist: Huffman<{ 1 << DIST_BITS }>,
    codes: Huffman<{ 1 << CODE_BITS }>,
    fixed: Option<Box<(Huffman<{ 1 << LIT_BITS }>, Huffman<{ 1 << DIST_BITS }>)>>,
    /// Literal/length then distance code lengths, with room for a repeat of
    /// up to 138 past the end (refused).
    lengths: [u8; 286 + 30 + 138],
}

impl Tables {
    pub(crate) fn new() -> Box<Self> {
        Box::new(Self {
            lit: Huffman::new(Alphabet::Lit),
            dist: Huffman::new(Alphabet::Dist),
            codes: Huffman::new(Alphabet::Code),
            fixed: None,
            lengths: [0; 286 + 30 + 138],
        })
    }
}

/// Reads the input from its least significant bit.
#[derive(Clone, Copy)]
struct Bits<'a> {
    input: &'a [u8],
    /// The next input byte not yet in `buf`.
    pos: usize,
    /// Input bits, the next at bit 0; bits above `count` are the following
    /// input bits or, past the end of the input, zeros.
    buf: u64,
    /// How many bits of `buf` are input.
    count: u32,
}

impl Bits<'_> {
    /// Fills `buf` to at least 56 bits, or with all that is left.
    #[inline(always)]
    fn refill(&mut self) {
        if let Some(chunk) = self.input.get(self.pos..self.pos + 8) {
            let word = u64::from_le_bytes(chunk.try_into().unwrap_or_default());
            self.buf |= word << self.count;
            self.pos += ((63 - self.count) >> 3) as usize;
            self.count |= 56;
        } else {
            self.refill_slow();
        }
    }

    #[cold]
    fn refill_slow(&mut self) {
        while self.count < 56 {
            let Some(&byte) = self.input.get(self.pos) else {
                break;
            };
            self.buf |= u64::from(byte) << self.count;
            self.pos += 1;
            self.count += 8;
        }
    }

    /// Drops `n` bits (at most `count`).
    #[inline(always)]
    fn consume(&mut self, n: u32) {
        self.buf >>= n;
        self.count -= n;
    }

    /// The next `n` bits (n ≤ 32), refilling as needed.
    fn take(&mut self, n: u32) -> Result<u32, Failure> {
        if self.count < n {
            self.refill();
            if self.count < n {
                return Err(Failure::Truncated);
            }
        }
        let v = (self.buf & ((1u64 << n) - 1)) as u32;
        self.consume(n);
        Ok(v)
    }

    /// Consumes the code of `entry` (after a refill), or fails if the input
    /// has fewer bits than the code.
    #[inline(always)]
    fn code(&mut self, entry: u32) -> Result<(), Failure> {
        let len = entry & 0xff;
        if len > self.count {
            return Err(Failure::Truncated);
        }
        self.consume(len);
        Ok(())
    }

    /// The value of `entry`'s extra bits (after its code), or fails if the
    /// input has fewer bits.
    #[inline(always)]
    fn extra(&mut self, entry: u32) -> Result<usize, Failure> {
        let n = (entry >> EXTRA_SHIFT) & EXTRA_MASK;
        if n > self.count {
            return Err(Failure::Truncated);
        }
        let v = (self.buf & ((1u64 << n) - 1)) as usize;
        self.consume(n);
        Ok(v)
    }

    /// The number of input bytes used, up to the one holding the last bit
    /// consumed.
    fn used(&self) -> usize {
        self.pos - (self.count >> 3) as usize
    }
}

/// Inflates the raw DEFLATE stream at the start of `input`, appending to
/// `out` without letting it grow past `cap` bytes. Back-references may reach
/// anywhere in `out`, so bytes already there act as a preset dictionary.
/// Returns how many input bytes the stream took (its last byte may be
/// partly padding).
///
/// Errors: [`Failure::Truncated`] if the input ends first,
/// [`Failure::Full`] as soon as a byte would be written past `cap`,
/// [`Failure::Corrupt`] for anything invalid, whichever is met first.
pub(crate) fn inflate(
    tables: &mut Tables,
    input: &[u8],
    out: &mut Vec<u8>,
    cap: usize,
) -> Result<usize, Failure> {
    // The output is written in place: `out` is extended (zeroed) by a first
    // guess (four times the input, at least 256 bytes, at most `cap`), grows
    // from there, and is cut back at the end. The guess does not depend on
    // `out`'s capacity, so a buffer kept from a large stream does not make
    // every later one zero that much.
    let mut pos = out.len();
    let room = pos
        .saturating_add(input.len().saturating_mul(4).max(256))
        .min(cap)
        .max(pos);
    out.reserve_exact(room - pos);
    out.resize(room, 0);
    let result = blocks(tables, input, out, &mut pos, cap);
    out.truncate(pos);
    result
}

fn blocks(
    tables: &mut Tables,
    input: &[u8],
    out: &mut Vec<u8>,
    pos: &mut usize,
    cap: usize,
) -> Result<usize, Failure> {
    let mut bits = Bits {
        input,
        pos: 0,
        buf: 0,
        count: 0,
    };
    loop {
        let header = bits.take(3)?;
        match header >> 1 {
            0 => stored(&mut bits, out, pos, cap)?,
            1 => {
                let fixed = tables.fixed.get_or_insert_with(fixed_tables);
                codes(&mut bits, out, pos, cap, &fixed.0, &fixed.1)?;
            }
            2 => {
                dynamic_tables(&mut bits, tables)?;
                codes(&mut bits, out, pos, cap, &tables.lit, &tables.dist)?;
            }
            _ => return Err(Failure::Corrupt),
        }
        if header & 1 == 1 {
            return Ok(bits.used());
        }
    }
}

fn fixed_tables() -> Box<(Huffman<{ 1 << LIT_BITS }>, Huffman<{ 1 << DIST_BITS }>)> {
    let mut lengths = [8u8; 288];
    for (i, len) in lengths.iter_mut().enumerate() {
        *len = match i {
            0..=143 => 8,
            144..=255 => 9,
            256..=279 => 7,
            _ => 8,
        };
    }
    let mut lit = Huffman::new(Alphabet::Lit);
    let mut dist = Huffman::new(Alphabet::Dist);
    // Both codes are complete, so building cannot fail.
    let _ = lit.build(&lengths);
    let _ = dist.build(&[5; 32]);
    Box::new((lit, dist))
}

/// A stored block: LEN and NLEN, then LEN bytes.
fn stored(
    bits: &mut Bits<'_>,
    out: &mut Vec<u8>,
    pos: &mut usize,
    cap: usize,
) -> Result<(), Failure> {
    bits.consume(bits.count & 7);
    let len = bits.take(16)?;
    let nlen = bits.take(16)?;
    if len != !nlen & 0xffff {
        return Err(Failure::Corrupt);
    }
    // Whole bytes still in the buffer go back to the input.
    bits.pos -= (bits.count >> 3) as usize;
    bits.buf = 0;
    bits.count = 0;
    let len = len as usize;
    let available = bits.input.len().saturating_sub(bits.pos);
    let room = cap.saturating_sub(*pos);
    // With both the input and the room too short, the room is reported
    // (as the output is checked before the input for each byte).
    if len > available.min(room) {
        return Err(if room <= available {
            Failure::Full
        } else {
            Failure::Truncated
        });
    }
    let data = bits
        .input
        .get(bits.pos..bits.pos + len)
        .ok_or(Failure::Truncated)?;
    if *pos + len > out.len() {
        grow(out, *pos + len, cap)?;
    }
    out.get_mut(*pos..*pos + len)
        .ok_or(Failure::Full)?
        .copy_from_slice(data);
    *pos += len;
    bits.pos += len;
    Ok(())
}

/// Reads a dynamic block's code lengths and builds its tables.
fn dynamic_tables(bits: &mut Bits<'_>, tables: &mut Tables) -> Result<(), Failure> {
    let hlit = bits.take(5)? as usize + 257;
    let hdist = bits.take(5)? as usize + 1;
    let hclen = bits.take(4)? as usize + 4;
    if hlit > 286 || hdist > 30 {
        return Err(Failure::Corrupt);
    }
    let mut code_lengths = [0u8; 19];
    for &symbol in CODE_ORDER.iter().take(hclen) {
        let len = bits.take(3)? as u8;
        if let Some(slot) = code_lengths.get_mut(symbol) {
            *slot = len;
        }
    }
    tables.codes.build(&code_lengths)?;
    let total = hlit + hdist;
    let lengths = &mut tables.lengths;
    let mut n = 0usize;
    while n < total {
        bits.refill();
        let e = tables.codes.decode(bits.buf);
        bits.code(e)?;
        let symbol = e >> 16;
        let (value, repeat) = match symbol {
            0..=15 => {
                if let Some(slot) = lengths.get_mut(n) {
                    *slot = symbol as u8;
                }
                n += 1;
                continue;
            }
            16 => {
                let previous = n.checked_sub(1).and_then(|p| lengths.get(p).copied());
                let Some(previous) = previous else {
                    return Err(Failure::Corrupt);
                };
                (previous, 3 + bits.take(2)?)
            }
            17 => (0, 3 + bits.take(3)?),
            _ => (0, 11 + bits.take(7)?),
        };
        let end = n + repeat as usize;
        if end > total {
            return Err(Failure::Corrupt);
        }
        if let Some(run) = lengths.get_mut(n..end) {
            run.fill(value);
        }
        n = end;
    }
    let (lit, dist) = lengths.split_at(hlit);
    tables.dist.build(dist.get(..hdist).unwrap_or_default())?;
    tables.lit.build(lit)
}

/// Decodes a Huffman-coded block's symbols up to its end-of-block code,
/// writing at `out[*pos..]`.
fn codes<const L: usize, const D: usize>(
    bits: &mut Bits<'_>,
    out: &mut Vec<u8>,
    pos: &mut usize,
    cap: usize,
    lit: &Huffman<L>,
    dist: &Huffman<D>,
) -> Result<(), Failure> {
    // The bit reader and output position in locals (registers), written
    // back once the block ends.
    let mut b = Bits { ..*bits };
    let mut p = *pos;
    loop {
        b.refill();
        let mut e = lit.decode(b.buf);
        b.code(e)?;
        if e & LITERAL != 0 {
            // A literal: with at least 56 bits after a refill, two more codes
            // (at most 15 bits each) are there too unless the input ends.
            put(out, &mut p, cap, (e >> 16) as u8)?;
            e = lit.decode(b.buf);
            b.code(e)?;
            if e & LITERAL != 0 {
                put(out, &mut p, cap, (e >> 16) as u8)?;
                e = lit.decode(b.buf);
                b.code(e)?;
                if e & LITERAL != 0 {
                    put(out, &mut p, cap, (e >> 16) as u8)?;
                    continue;
                }
            }
            b.refill();
        }
        if e & (END | INVALID) != 0 {
            if e & END != 0 {
                *bits = b;
                *pos = p;
                return Ok(());
            }
            return Err(Failure::Corrupt);
        }
        // A length (at most 5 extra bits), then a distance code (at most 15
        // bits) and its extra bits (at most 13): 33 bits, there after a
        // refill unless the input ends.
        let length = (e >> 16) as usize + b.extra(e)?;
        let d = dist.decode(b.buf);
        b.code(d)?;
        if d & INVALID != 0 {
            return Err(Failure::Corrupt);
        }
        let distance = (d >> 16) as usize + b.extra(d)?;
        let Some(from) = p.checked_sub(distance) else {
            return Err(Failure::Corrupt);
        };
        let to = p + length;
        if to > out.len() {
            grow(out, to, cap)?;
        }
        if distance >= length {
            out.copy_within(from..from + length, p);
        } else {
            // Overlapping: each byte may be one this match just wrote.
            for i in p..to {
                let byte = out.get(i - distance).copied().unwrap_or(0);
                if let Some(slot) = out.get_mut(i) {
                    *slot = byte;
                }
            }
        }
        p = to;
    }
}

/// Writes one byte at `out[*p]`, growing `out` up to `cap`.
#[inline(always)]
fn put(out: &mut Vec<u8>, p: &mut usize, cap: usize, byte: u8) -> Result<(), Failure> {
    if *p >= out.len() {
        grow(out, *p + 1, cap)?;
    }
    if let Some(slot) = out.get_mut(*p) {
        *slot = byte;
    }
    *p += 1;
    Ok(())
}

/// Extends `out` (zeroed) to at least `needed` bytes, doubling, at least 256,
/// never past `cap`; [`Failure::Full`] if `needed` is past `cap`.
#[cold]
#[inline(never)]
fn grow(out: &mut Vec<u8>, needed: usize, cap: usize) -> Result<(), Failure> {
    if needed > cap {
        return Err(Failure::Full);
    }
    let target = needed.max(out.len() * 2).max(256).min(cap);
    out.reserve_exact(target - out.len());
    out.resize(target, 0);
    Ok(())
}

#[cfg(test)]
#[path = "inflate_tests.rs"]
mod tests;
