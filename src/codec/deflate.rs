//! The issuing compressor for small inputs (feature `issue`): raw DEFLATE
//! (RFC 1951) of at most [`MAX_INPUT`] bytes as one final block, the same
//! bytes `zlib-rs` writes at level 9 (window 15, memory level 8).
//!
//! It follows `zlib-rs`'s level-9 path step by step: the lazy matcher
//! (`deflate_slow` with good 32, lazy 258, nice 258, chain 4096), its rolling
//! 15-bit hash of three bytes, the chain search that jumps to the most distant
//! chain of the strings inside the current best match (`longest_match_slow`),
//! the Huffman trees built with zlib's heap (same tie-breaking, same length
//! limiting), and the choice between a stored, a fixed-code and a
//! dynamic-code block. With the whole input in the window and at most 2,046
//! symbols, zlib never slides the window, never meets its distance limit and
//! never ends a block early, so none of that is needed here
//! (tests/library/zlib_equality.rs compares the output with `zlib-rs`'s).
//!
//! What it saves: `zlib-rs` clears its 64Ki-entry hash head (128 KiB) and a
//! 6 KiB symbol buffer on every reset. Here the head is cleared by resetting
//! only the slots the input used, and the symbols, trees and heap are kept
//! between inputs (every field read is written first, or cleared as zlib's
//! `init_block` does). What it keeps: zlib's heap order among equal
//! frequencies decides which symbol gets which code length, so the heap is
//! zlib's, sift for sift.

/// The longest input taken: every block is then one block of at most 2,046
/// symbols, as in zlib.
pub(crate) const MAX_INPUT: usize = 2_046;

const MIN_MATCH: usize = 3;
const MAX_MATCH: usize = 258;
/// Level 9: shorten the chain search above this match length …
const GOOD_MATCH: usize = 32;
/// … do not look for a lazy match above this length …
const MAX_LAZY: usize = 258;
/// … stop searching at this length …
const NICE_MATCH: usize = 258;
/// … and follow at most this many chain links.
const MAX_CHAIN: u32 = 4096;
/// zlib's `MAX_DIST` for a 32 KiB window: matches start after
/// `strstart - MAX_DIST` (always 0 here, as inputs are shorter).
const MAX_DIST: usize = (1 << 15) - (MAX_MATCH + MIN_MATCH + 1);

/// The rolling hash's table: 2^15 heads (zlib-rs's level-9 hash masks to 15
/// bits).
const HASH_SIZE: usize = 1 << 15;
const HASH_MASK: usize = HASH_SIZE - 1;
/// The chain links: one per input position.
const PREV_SIZE: usize = 2_048;
const PREV_MASK: usize = PREV_SIZE - 1;
/// The input and its padding fit this many bytes (a power of two, so masked
/// indices need no bounds check).
const WINDOW_SIZE: usize = 4096;
const WINDOW_MASK: usize = WINDOW_SIZE - 1;
const _: () = assert!(MAX_INPUT + PAD <= WINDOW_SIZE && MAX_INPUT <= PREV_SIZE);
/// Zero bytes after the input, so reads up to a full match length past any
/// position stay in the buffer (zlib's window holds zeros or older data there;
/// either way they never change its output).
const PAD: usize = MAX_MATCH + 16;

const LITERALS: usize = 256;
const END_BLOCK: usize = 256;
const L_CODES: usize = LITERALS + 1 + 29;
const D_CODES: usize = 30;
const BL_CODES: usize = 19;
const HEAP_SIZE: usize = 2 * L_CODES + 1;
/// Room for each tree's nodes, powers of two so that masked indices need no
/// bounds check.
const L_ROOM: usize = 1024;
const D_ROOM: usize = 64;
const BL_ROOM: usize = 64;
const _: () = assert!(HEAP_SIZE <= L_ROOM && 2 * D_CODES < D_ROOM && 2 * BL_CODES < BL_ROOM);
const MAX_BITS: u16 = 15;
const MAX_BL_BITS: u16 = 7;
const REP_3_6: usize = 16;
const REPZ_3_10: usize = 17;
const REPZ_11_138: usize = 18;

const EXTRA_LBITS: [u8; 29] = [
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
];
const EXTRA_DBITS: [u8; D_CODES] = [
    0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13,
    13,
];
const EXTRA_BLBITS: [u8; BL_CODES] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 3, 7];
const BL_ORDER: [u8; BL_CODES] = [
    16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15,
];

fn at<T: Copy + Default>(a: &[T], i: usize) -> T {
    a.get(i).copied().unwrap_or_default()
}

fn put<T>(a: &mut [T], i: usize, v: T) {
    if let Some(slot) = a.get_mut(i) {
        *slot = v;
    }
}

/// Adds `by` to `a[i]`, wrapping (`u16::MAX` subtracts one).
fn add(a: &mut [u16], i: usize, by: u16) {
    if let Some(slot) = a.get_mut(i) {
        *slot = slot.wrapping_add(by);
    }
}

/// One step of zlib's rolling hash (shift 5, 15 bits): three steps hash three
/// bytes, whatever came before.
fn roll(h: usize, byte: u8) -> usize {
    ((h << 5) ^ usize::from(byte)) & HASH_MASK
}

/// The length code (0–28) of a match length minus 3 (0–255).
fn length_code(lc: usize) -> usize {
    match lc {
        0..=7 => lc,
        255 => 28,
        _ => {
            let top = lc.ilog2() as usize;
            4 * (top - 1) + ((lc >> (top - 2)) & 3)
        }
    }
}

/// The first length (minus 3) of a length code.
fn base_length(code: usize) -> usize {
    match code {
        0..=7 => code,
        28 => 0,
        _ => (4 + (code & 3)) << (code / 4 - 1),
    }
}

/// The distance code (0–29) of a distance minus 1.
fn dist_code(d: usize) -> usize {
    if d < 4 {
        d
    } else {
        let top = d.ilog2() as usize;
        2 * top + ((d >> (top - 1)) & 1)
    }
}

/// The first distance (minus 1) of a distance code.
fn base_dist(code: usize) -> usize {
    if code < 4 {
        code
    } else {
        (2 + (code & 1)) << (code / 2 - 1)
    }
}

/// The fixed literal/length code's bit length for a symbol.
fn static_llen(n: usize) -> u16 {
    match n {
        0..=143 => 8,
        144..=255 => 9,
        256..=279 => 7,
        _ => 8,
    }
}

/// The fixed literal/length code (bit-reversed, ready to send) of a symbol.
fn static_lcode(n: usize) -> (u64, u32) {
    let (code, len) = match n {
        0..=143 => (0x30 + n, 8),
        144..=255 => (0x190 + n - 144, 9),
        256..=279 => (n - 256, 7),
        _ => (0xc0 + n - 280, 8),
    };
    (reverse(code, len), len)
}

fn reverse(code: usize, len: u32) -> u64 {
    u64::from((code as u16).reverse_bits() >> (16 - len))
}

/// What a tree describes: its number of symbols, its extra bits and the bit
/// length limit; for the literal and distance trees also the fixed code's
/// lengths (zlib's `static_desc`).
struct Desc {
    elems: usize,
    extra: &'static [u8],
    extra_base: usize,
    max_length: u16,
    fixed: Fixed,
}

/// Which fixed code a tree has (none for the bit-length tree).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Fixed {
    Literals,
    Distances,
    None,
}

impl Desc {
    /// The fixed code's bit length for symbol `n`.
    fn static_len(&self, n: usize) -> usize {
        match self.fixed {
            Fixed::Literals => usize::from(static_llen(n)),
            Fixed::Distances => 5,
            Fixed::None => 0,
        }
    }
}

const L_DESC: Desc = Desc {
    elems: L_CODES,
    extra: &EXTRA_LBITS,
    extra_base: LITERALS + 1,
    max_length: MAX_BITS,
    fixed: Fixed::Literals,
};
const D_DESC: Desc = Desc {
    elems: D_CODES,
    extra: &EXTRA_DBITS,
    extra_base: 0,
    max_length: MAX_BITS,
    fixed: Fixed::Distances,
};
const BL_DESC: Desc = Desc {
    elems: BL_CODES,
    extra: &EXTRA_BLBITS,
    extra_base: 0,
    max_length: MAX_BL_BITS,
    fixed: Fixed::None,
};

/// A dynamic tree: leaves first, then the internal nodes (zlib's `dyn_tree`,
/// with its unions split into fields).
struct Tree<const N: usize> {
    freq: [u16; N],
    len: [u16; N],
    code: [u16; N],
    dad: [u16; N],
    max_code: usize,
}

impl<const N: usize> Tree<N> {
    fn new() -> Self {
        Self {
            freq: [0; N],
            len: [0; N],
            code: [0; N],
            dad: [0; N],
            max_code: 0,
        }
    }
}

/// The block's bit lengths: `opt` with the dynamic trees, `stat` with the
/// fixed ones (zlib's `opt_len`, `static_len`).
#[derive(Default)]
struct Lengths {
    opt: usize,
    stat: usize,
}

/// Room for zlib's heap (573 entries), a power of two so that masked indices
/// need no bounds check.
const HEAP_CAP: usize = 1024;
const HEAP_MASK: usize = HEAP_CAP - 1;

/// zlib's heap for building Huffman trees, ordered by frequency then depth.
/// Each entry packs a node's frequency, depth and number (`freq << 24 |
/// depth << 16 | node`); entries compare by `>> 16` only, so nodes of equal
/// frequency and depth tie exactly as in zlib. Below `max` it holds the
/// nodes in the order they left the heap (zlib's `heap[heap_max..]`).
struct Heap {
    heap: [u64; HEAP_CAP],
    len: usize,
    max: usize,
}

fn entry(freq: u64, depth: u64, node: usize) -> u64 {
    freq << 24 | depth << 16 | node as u64
}

fn node_of(entry: u64) -> usize {
    (entry & 0xffff) as usize
}

impl Heap {
    fn get(&self, i: usize) -> u64 {
        at(&self.heap, i & HEAP_MASK)
    }

    fn set(&mut self, i: usize, v: u64) {
        put(&mut self.heap, i & HEAP_MASK, v);
    }

    /// zlib's `pqdownheap`. Keys compare as `a >> 16 <= b >> 16`, written
    /// `a < b | 0xffff` (node numbers are below 0xffff); the entry after the
    /// last is a sentinel greater than any, so a lone left son needs no
    /// separate test.
    fn down(&mut self, mut k: usize) {
        let v = self.get(k);
        let mut j = k << 1;
        while j <= self.len {
            let left = self.get(j);
            let right = self.get(j + 1);
            let take_right = right < left | 0xffff;
            let son = if take_right { right } else { left };
            j += usize::from(take_right);
            if v < son | 0xffff {
                break;
            }
            self.set(k, son);
            k = j;
            j <<= 1;
        }
        self.set(k, v);
    }

    /// Sets the sentinel after the last entry.
    fn seal(&mut self) {
        self.set(self.len + 1, u64::MAX);
    }

    fn remove(&mut self) -> u64 {
        let top = self.get(1);
        let last = self.get(self.len);
        self.set(1, last);
        self.len = self.len.saturating_sub(1);
        self.seal();
        self.down(1);
        top
    }
}

/// zlib's `build_tree`: the Huffman code for `tree`'s frequencies, lengths
/// limited to the descriptor's maximum, with `lengths` updated.
fn build_tree<const N: usize>(
    tree: &mut Tree<N>,
    desc: &Desc,
    heap: &mut Heap,
    lengths: &mut Lengths,
) {
    heap.len = 0;
    heap.max = HEAP_SIZE;
    let mut max_code: isize = -1;
    for n in 0..desc.elems {
        let freq = at(&tree.freq, (N - 1) & n);
        if freq > 0 {
            heap.len += 1;
            heap.set(heap.len, entry(u64::from(freq), 0, n));
            max_code = n as isize;
        } else {
            put(&mut tree.len, (N - 1) & n, 0);
        }
    }
    // At least two codes of non-zero frequency.
    while heap.len < 2 {
        heap.len += 1;
        let node = if max_code < 2 {
            max_code += 1;
            max_code.unsigned_abs()
        } else {
            0
        };
        heap.set(heap.len, entry(1, 0, node));
        put(&mut tree.freq, (N - 1) & node, 1);
        lengths.opt = lengths.opt.wrapping_sub(1);
        lengths.stat = lengths.stat.wrapping_sub(desc.static_len(node));
    }
    let max_code = max_code.unsigned_abs();
    tree.max_code = max_code;

    heap.seal();
    for n in (1..=heap.len / 2).rev() {
        heap.down(n);
    }

    let mut node = desc.elems;
    loop {
        let n = heap.remove();
        let m = heap.get(1);
        heap.max -= 1;
        heap.set(heap.max, n);
        heap.max -= 1;
        heap.set(heap.max, m);
        let freq = ((n >> 24) + (m >> 24)) & 0xffff;
        let depth = (((n >> 16) & 0xff).max((m >> 16) & 0xff) + 1) & 0xff;
        put(&mut tree.dad, (N - 1) & node_of(n), node as u16);
        put(&mut tree.dad, (N - 1) & node_of(m), node as u16);
        heap.set(1, entry(freq, depth, node));
        node += 1;
        heap.down(1);
        if heap.len < 2 {
            break;
        }
    }
    heap.max -= 1;
    let root = heap.get(1);
    heap.set(heap.max, root);

    let bl_count = gen_bitlen(tree, desc, heap, lengths);
    gen_codes(tree, max_code, &bl_count);
}

/// zlib's `gen_bitlen`: the bit length of every code, limited to the
/// descriptor's maximum the way zlib does it.
fn gen_bitlen<const N: usize>(
    tree: &mut Tree<N>,
    desc: &Desc,
    heap: &Heap,
    lengths: &mut Lengths,
) -> [u16; 16] {
    let max_code = tree.max_code;
    let max_length = desc.max_length;
    let mut bl_count = [0u16; 16];
    put(&mut tree.len, (N - 1) & node_of(heap.get(heap.max)), 0);
    let mut overflow = 0i32;
    for h in heap.max + 1..HEAP_SIZE {
        let n = node_of(heap.get(h));
        let mut bits = at(&tree.len, (N - 1) & usize::from(at(&tree.dad, (N - 1) & n))) + 1;
        if bits > max_length {
            bits = max_length;
            overflow += 1;
        }
        put(&mut tree.len, (N - 1) & n, bits);
        if n > max_code {
            continue;
        }
        add(&mut bl_count, usize::from(bits), 1);
        let xbits = match n.checked_sub(desc.extra_base) {
            Some(i) => usize::from(at(desc.extra, i)),
            None => 0,
        };
        let f = usize::from(at(&tree.freq, (N - 1) & n));
        lengths.opt = lengths.opt.wrapping_add(f * (usize::from(bits) + xbits));
        if desc.fixed != Fixed::None {
            lengths.stat = lengths.stat.wrapping_add(f * (desc.static_len(n) + xbits));
        }
    }
    if overflow == 0 {
        return bl_count;
    }
    loop {
        let mut bits = usize::from(max_length) - 1;
        while bits > 0 && at(&bl_count, bits) == 0 {
            bits -= 1;
        }
        add(&mut bl_count, bits, u16::MAX);
        add(&mut bl_count, bits + 1, 2);
        add(&mut bl_count, usize::from(max_length), u16::MAX);
        overflow -= 2;
        if overflow <= 0 {
            break;
        }
    }
    let mut h = HEAP_SIZE;
    for bits in (1..=max_length).rev() {
        let mut n = at(&bl_count, usize::from(bits));
        while n != 0 && h > 0 {
            h -= 1;
            let m = node_of(heap.get(h));
            if m > max_code {
                continue;
            }
            let old = at(&tree.len, (N - 1) & m);
            if old != bits {
                let f = usize::from(at(&tree.freq, (N - 1) & m));
                lengths.opt = lengths
                    .opt
                    .wrapping_add(usize::from(bits) * f)
                    .wrapping_sub(usize::from(old) * f);
                put(&mut tree.len, (N - 1) & m, bits);
            }
            n -= 1;
        }
    }
    bl_count
}

/// zlib's `gen_codes`: canonical codes from the bit lengths, bit-reversed.
fn gen_codes<const N: usize>(tree: &mut Tree<N>, max_code: usize, bl_count: &[u16; 16]) {
    let mut next_code = [0u16; 16];
    let mut code = 0u16;
    for bits in 1..16 {
        code = code.wrapping_add(at(bl_count, bits - 1)) << 1;
        put(&mut next_code, bits, code);
    }
    for n in 0..=max_code {
        let len = at(&tree.len, (N - 1) & n);
        if len == 0 || len > 15 {
            continue;
        }
        let next = at(&next_code, usize::from(len));
        put(
            &mut tree.code,
            n,
            next.reverse_bits() >> (16 - u32::from(len)),
        );
        add(&mut next_code, usize::from(len), 1);
    }
}

/// zlib's `scan_tree`: counts the bit-length codes that will send `tree`.
fn scan_tree<const N: usize, const B: usize>(bl: &mut Tree<B>, tree: &mut Tree<N>) {
    let max_code = tree.max_code;
    let mut prevlen: isize = -1;
    let mut nextlen = at(&tree.len, 0);
    let mut count = 0u16;
    let (mut max_count, mut min_count) = if nextlen == 0 { (138, 3) } else { (7, 4) };
    put(&mut tree.len, (N - 1) & (max_code + 1), 0xffff);
    let bump = |bl: &mut Tree<B>, i: usize, by: u16| add(&mut bl.freq, (B - 1) & i, by);
    for n in 0..=max_code {
        let curlen = nextlen;
        nextlen = at(&tree.len, (N - 1) & (n + 1));
        count += 1;
        if count < max_count && curlen == nextlen {
            continue;
        } else if count < min_count {
            bump(bl, usize::from(curlen), count);
        } else if curlen != 0 {
            if isize::from(curlen as i16) != prevlen {
                bump(bl, usize::from(curlen), 1);
            }
            bump(bl, REP_3_6, 1);
        } else if count <= 10 {
            bump(bl, REPZ_3_10, 1);
        } else {
            bump(bl, REPZ_11_138, 1);
        }
        count = 0;
        prevlen = isize::from(curlen as i16);
        (max_count, min_count) = if nextlen == 0 {
            (138, 3)
        } else if curlen == nextlen {
            (6, 3)
        } else {
            (7, 4)
        };
    }
}

/// Bits sent least significant first, as DEFLATE packs them.
struct Bits<'a> {
    out: &'a mut Vec<u8>,
    buf: u64,
    n: u32,
}

impl Bits<'_> {
    /// Appends the low `len` bits of `value` (at most 32 bits at a time).
    fn send(&mut self, value: u64, len: u32) {
        self.buf |= value << self.n;
        self.n += len;
        if self.n >= 32 {
            self.out.extend_from_slice(&(self.buf as u32).to_le_bytes());
            self.buf >>= 32;
            self.n -= 32;
        }
    }

    fn code<const N: usize>(&mut self, tree: &Tree<N>, symbol: usize) {
        self.send(
            u64::from(at(&tree.code, (N - 1) & symbol)),
            u32::from(at(&tree.len, (N - 1) & symbol)),
        );
    }

    /// Pads to a byte boundary with zero bits and writes out what is left.
    fn align(&mut self) {
        let bytes = self.n.div_ceil(8) as usize;
        self.out
            .extend_from_slice(self.buf.to_le_bytes().get(..bytes).unwrap_or_default());
        self.buf = 0;
        self.n = 0;
    }
}

/// zlib's `send_tree`: `tree`'s bit lengths in the bit-length code.
fn send_tree<const N: usize, const B: usize>(bits: &mut Bits<'_>, tree: &Tree<N>, bl: &Tree<B>) {
    let max_code = tree.max_code;
    let mut prevlen: isize = -1;
    let mut nextlen = at(&tree.len, 0);
    let mut count = 0u16;
    let (mut max_count, mut min_count) = if nextlen == 0 { (138, 3) } else { (7, 4) };
    for n in 0..=max_code {
        let curlen = nextlen;
        nextlen = at(&tree.len, (N - 1) & (n + 1));
        count += 1;
        if count < max_count && curlen == nextlen {
            continue;
        } else if count < min_count {
            while count > 0 {
                bits.code(bl, usize::from(curlen));
                count -= 1;
            }
        } else if curlen != 0 {
            if isize::from(curlen as i16) != prevlen {
                bits.code(bl, usize::from(curlen));
                count -= 1;
            }
            bits.code(bl, REP_3_6);
            bits.send(u64::from(count.wrapping_sub(3)), 2);
        } else if count <= 10 {
            bits.code(bl, REPZ_3_10);
            bits.send(u64::from(count.wrapping_sub(3)), 3);
        } else {
            bits.code(bl, REPZ_11_138);
            bits.send(u64::from(count.wrapping_sub(11)), 7);
        }
        count = 0;
        prevlen = isize::from(curlen as i16);
        (max_count, min_count) = if nextlen == 0 {
            (138, 3)
        } else if curlen == nextlen {
            (6, 3)
        } else {
            (7, 4)
        };
    }
}

/// A reusable compressor (one per thread): the hash table is cleared after
/// each input by resetting only the slots it used.
pub(crate) struct SmallDeflate {
    head: Box<[u16; HASH_SIZE]>,
    prev: Box<[u16; PREV_SIZE]>,
    /// The hash slots this input filled (to clear afterwards).
    touched: Box<[u16; PREV_SIZE]>,
    /// How many entries of `touched` are in use.
    touched_len: usize,
    /// The input followed by [`PAD`] zero bytes (nothing after them is read).
    window: Box<[u8; WINDOW_SIZE]>,
    /// The block's symbols: distance << 8 | (literal or length − 3); distance
    /// 0 for a literal.
    syms: Vec<u32>,
    /// Reused between trees and inputs (every entry read was written first).
    heap: Box<Heap>,
    /// The literal/length, distance and bit-length trees (taken out while
    /// in use).
    trees: Option<Box<Trees>>,
}

/// The three trees of a block.
struct Trees {
    l: Tree<L_ROOM>,
    d: Tree<D_ROOM>,
    bl: Tree<BL_ROOM>,
}

impl Default for Trees {
    fn default() -> Self {
        Self {
            l: Tree::new(),
            d: Tree::new(),
            bl: Tree::new(),
        }
    }
}

impl SmallDeflate {
    pub(crate) fn new() -> Self {
        Self {
            head: Box::new([0; HASH_SIZE]),
            prev: Box::new([0; PREV_SIZE]),
            touched: Box::new([0; PREV_SIZE]),
            touched_len: 0,
            window: Box::new([0; WINDOW_SIZE]),
            syms: Vec::with_capacity(MAX_INPUT),
            heap: Box::new(Heap {
                heap: [0; HEAP_CAP],
                len: 0,
                max: HEAP_SIZE,
            }),
            trees: Some(Box::default()),
        }
    }

    /// Appends the raw DEFLATE stream of `data` to `out`; `false` (with `out`
    /// as it was) if `data` is longer than [`MAX_INPUT`].
    pub(crate) fn compress(&mut self, data: &[u8], out: &mut Vec<u8>) -> bool {
        if data.len() > MAX_INPUT {
            return false;
        }
        let (Some(input), Some(pad)) = self
            .window
            .split_at_mut_checked(data.len())
            .map_or((None, None), |(a, b)| (Some(a), b.get_mut(..PAD)))
        else {
            return false;
        };
        input.copy_from_slice(data);
        pad.fill(0);
        self.syms.clear();
        // Position 0 never links (zlib leaves its link as it was; no search
        // reads it): keep it defined.
        put(self.prev.as_mut_slice(), 0, 0);
        // The trees are reused: only the leaves' frequencies need clearing
        // (zlib's `init_block`); every other field read is written first.
        let mut trees = self.trees.take().unwrap_or_default();
        let Trees { l, d, bl } = &mut *trees;
        for f in l.freq.iter_mut().take(L_CODES) {
            *f = 0;
        }
        for f in d.freq.iter_mut().take(D_CODES) {
            *f = 0;
        }
        for f in bl.freq.iter_mut().take(BL_CODES) {
            *f = 0;
        }
        self.lazy_match(data.len(), l, d);
        for &h in self.touched.iter().take(self.touched_len) {
            put(self.head.as_mut_slice(), usize::from(h), 0);
        }
        self.touched_len = 0;
        self.flush_block(data, l, d, bl, out);
        self.trees = Some(trees);
        true
    }

    /// Inserts the string at `s` (its third byte rolled into `ins_h`) and
    /// returns the previous head of its chain.
    fn insert(&mut self, ins_h: &mut usize, s: usize) -> usize {
        *ins_h = roll(*ins_h, at(self.window.as_slice(), (s + 2) & WINDOW_MASK));
        let h = *ins_h;
        let head = usize::from(at(self.head.as_slice(), h));
        if head != s {
            put(self.prev.as_mut_slice(), s & PREV_MASK, head as u16);
            put(self.head.as_mut_slice(), h, s as u16);
            if head == 0 {
                // At most one slot per inserted position: it fits.
                put(
                    self.touched.as_mut_slice(),
                    self.touched_len & PREV_MASK,
                    h as u16,
                );
                self.touched_len += 1;
            }
        }
        head
    }

    /// zlib's `deflate_slow` over the whole input, tallying the symbols.
    fn lazy_match(&mut self, len: usize, ltree: &mut Tree<L_ROOM>, dtree: &mut Tree<D_ROOM>) {
        let mut ins_h = 0;
        if len >= MIN_MATCH {
            ins_h = roll(
                usize::from(at(self.window.as_slice(), 0)),
                at(self.window.as_slice(), 1),
            );
        }
        let (mut strstart, mut lookahead) = (0usize, len);
        let (mut prev_length, mut match_start) = (0usize, 0usize);
        let mut match_available = false;
        put(&mut ltree.freq, END_BLOCK, 1);
        while lookahead > 0 {
            let hash_head = if lookahead > MIN_MATCH {
                self.insert(&mut ins_h, strstart)
            } else {
                0
            };
            let prev_match = match_start;
            let mut match_len = MIN_MATCH - 1;
            if hash_head != 0
                && hash_head < strstart
                && strstart - hash_head <= MAX_DIST
                && prev_length < MAX_LAZY
            {
                (match_len, match_start) =
                    self.longest_match(hash_head, strstart, lookahead, prev_length, match_start);
            }
            if prev_length >= MIN_MATCH && match_len <= prev_length {
                let max_insert = strstart + lookahead - MIN_MATCH;
                let dist = strstart.wrapping_sub(1).wrapping_sub(prev_match);
                let lc = prev_length - MIN_MATCH;
                self.syms.push((dist as u32) << 8 | lc as u32);
                let l = LITERALS + 1 + length_code(lc);
                add(&mut ltree.freq, l, 1);
                let d = dist_code(dist.wrapping_sub(1));
                add(&mut dtree.freq, d, 1);
                prev_length -= 1;
                lookahead = lookahead.saturating_sub(prev_length);
                let mov_fwd = prev_length.saturating_sub(1);
                if max_insert > strstart {
                    for s in strstart + 1..=strstart + mov_fwd.min(max_insert - strstart) {
                        self.insert(&mut ins_h, s);
                    }
                }
                prev_length = 0;
                match_available = false;
                strstart += mov_fwd + 1;
            } else {
                if match_available {
                    self.literal(strstart.wrapping_sub(1), ltree);
                }
                prev_length = match_len;
                match_available = true;
                strstart += 1;
                lookahead -= 1;
            }
        }
        if match_available {
            self.literal(strstart.wrapping_sub(1), ltree);
        }
    }

    fn literal(&mut self, at_pos: usize, ltree: &mut Tree<L_ROOM>) {
        let c = at(self.window.as_slice(), at_pos);
        self.syms.push(u32::from(c));
        add(&mut ltree.freq, usize::from(c), 1);
    }

    /// zlib-rs's `longest_match_slow`: the longest match for the string at
    /// `strstart` along the chain from `cur_match`, as `(length, start)`.
    fn longest_match(
        &self,
        mut cur_match: usize,
        strstart: usize,
        lookahead: usize,
        prev_length: usize,
        mut match_start: usize,
    ) -> (usize, usize) {
        let w = self.window.as_slice();
        let head = self.head.as_slice();
        let prev = self.prev.as_slice();
        let scan = w.get(strstart..).unwrap_or_default();
        let mut best_len = if prev_length > 0 {
            prev_length
        } else {
            MIN_MATCH - 1
        };
        let mut chain_length = MAX_CHAIN;
        if best_len >= GOOD_MATCH {
            chain_length >>= 2;
        }
        let limit_base = strstart.saturating_sub(MAX_DIST);
        let mut limit = limit_base;
        let mut match_offset = 0usize;
        let brk = |best_len: usize, match_start| (best_len.min(lookahead), match_start);

        if best_len >= MIN_MATCH {
            // Continuing a match: follow the chain of the string inside it
            // whose head is the most distant.
            let mut hash = roll(roll(0, at(scan, 1)), at(scan, 2));
            for (i, &b) in scan
                .get(3..=best_len)
                .unwrap_or_default()
                .iter()
                .enumerate()
            {
                hash = roll(hash, b);
                let pos = usize::from(at(head, hash));
                if pos < cur_match {
                    match_offset = i + 1;
                    cur_match = pos;
                }
            }
            limit = limit_base + match_offset;
            if cur_match <= limit {
                return brk(best_len, match_start);
            }
        }

        while cur_match < strstart {
            let candidate = cur_match.wrapping_sub(match_offset);
            let len = if at(w, candidate + best_len) == at(scan, best_len)
                && at(w, candidate) == at(scan, 0)
            {
                common_prefix(scan, w.get(candidate..).unwrap_or_default())
            } else {
                0
            };
            if len > best_len {
                match_start = candidate;
                if len >= lookahead {
                    return (lookahead, match_start);
                }
                best_len = len;
                if best_len >= NICE_MATCH {
                    return (best_len, match_start);
                }
                if len > MIN_MATCH && match_start + len < strstart {
                    // Switch to the most distant chain among the strings of
                    // the match, or that of its last three bytes.
                    cur_match = match_start;
                    match_offset = 0;
                    let mut next_pos = cur_match;
                    for i in 0..=len - MIN_MATCH {
                        let pos = usize::from(at(prev, (cur_match + i) & PREV_MASK));
                        if pos < next_pos {
                            if pos <= limit_base + i {
                                return brk(best_len, match_start);
                            }
                            next_pos = pos;
                            match_offset = i;
                        }
                    }
                    cur_match = next_pos;
                    let k = len - (MIN_MATCH + 1);
                    let hash = roll(roll(roll(0, at(scan, k)), at(scan, k + 1)), at(scan, k + 2));
                    let pos = usize::from(at(head, hash));
                    if pos < cur_match {
                        match_offset = k;
                        if pos <= limit_base + match_offset {
                            return brk(best_len, match_start);
                        }
                        cur_match = pos;
                    }
                    limit = limit_base + match_offset;
                    continue;
                }
            }
            chain_length -= 1;
            if chain_length > 0 {
                cur_match = usize::from(at(prev, cur_match & PREV_MASK));
                if cur_match > limit {
                    continue;
                }
            }
            return (best_len, match_start);
        }
        (best_len, match_start)
    }

    /// zlib's `zng_tr_flush_block` for the one, last block: stored, fixed or
    /// dynamic codes, whichever zlib would pick.
    fn flush_block(
        &mut self,
        data: &[u8],
        ltree: &mut Tree<L_ROOM>,
        dtree: &mut Tree<D_ROOM>,
        bl: &mut Tree<BL_ROOM>,
        out: &mut Vec<u8>,
    ) {
        let mut bits = Bits { out, buf: 0, n: 0 };
        if self.syms.is_empty() {
            // An empty final block with the fixed codes.
            bits.send(0b011, 3);
            let (code, len) = static_lcode(END_BLOCK);
            bits.send(code, len);
            bits.align();
            return;
        }
        let mut lengths = Lengths::default();
        let heap = &mut *self.heap;
        build_tree(ltree, &L_DESC, heap, &mut lengths);
        build_tree(dtree, &D_DESC, heap, &mut lengths);
        scan_tree(bl, ltree);
        scan_tree(bl, dtree);
        build_tree(bl, &BL_DESC, heap, &mut lengths);
        let mut max_blindex = BL_CODES - 1;
        while max_blindex >= 3 && at(&bl.len, usize::from(at(&BL_ORDER, max_blindex))) == 0 {
            max_blindex -= 1;
        }
        lengths.opt = lengths.opt.wrapping_add(3 * (max_blindex + 1) + 5 + 5 + 4);
        let mut opt_lenb = lengths.opt.wrapping_add(3 + 7) >> 3;
        let static_lenb = lengths.stat.wrapping_add(3 + 7) >> 3;
        if static_lenb <= opt_lenb {
            opt_lenb = static_lenb;
        }

        if data.len() + 4 <= opt_lenb {
            bits.send(0b001, 3);
            bits.align();
            let n = data.len() as u16;
            bits.out.extend_from_slice(&n.to_le_bytes());
            bits.out.extend_from_slice(&(!n).to_le_bytes());
            bits.out.extend_from_slice(data);
        } else if static_lenb == opt_lenb {
            bits.send(0b011, 3);
            for &sym in &self.syms {
                let (dist, lc) = ((sym >> 8) as usize, (sym & 0xff) as usize);
                if dist == 0 {
                    let (code, len) = static_lcode(lc);
                    bits.send(code, len);
                } else {
                    let code = length_code(lc);
                    let (c, l) = static_lcode(LITERALS + 1 + code);
                    bits.send(c, l);
                    send_extra(&mut bits, lc, code);
                    let d = dist - 1;
                    let dcode = dist_code(d);
                    bits.send(reverse(dcode, 5), 5);
                    send_dist_extra(&mut bits, d, dcode);
                }
            }
            let (code, len) = static_lcode(END_BLOCK);
            bits.send(code, len);
            bits.align();
        } else {
            bits.send(0b101, 3);
            let lcodes = ltree.max_code + 1;
            let dcodes = dtree.max_code + 1;
            bits.send((lcodes.wrapping_sub(257)) as u64, 5);
            bits.send((dcodes.wrapping_sub(1)) as u64, 5);
            bits.send((max_blindex + 1).wrapping_sub(4) as u64, 4);
            for &i in BL_ORDER.get(..=max_blindex).unwrap_or_default() {
                bits.send(u64::from(at(&bl.len, usize::from(i))), 3);
            }
            send_tree(&mut bits, ltree, bl);
            send_tree(&mut bits, dtree, bl);
            for &sym in &self.syms {
                let (dist, lc) = ((sym >> 8) as usize, (sym & 0xff) as usize);
                if dist == 0 {
                    bits.code(ltree, lc);
                } else {
                    let code = length_code(lc);
                    bits.code(ltree, LITERALS + 1 + code);
                    send_extra(&mut bits, lc, code);
                    let d = dist - 1;
                    let dcode = dist_code(d);
                    bits.code(dtree, dcode);
                    send_dist_extra(&mut bits, d, dcode);
                }
            }
            bits.code(ltree, END_BLOCK);
            bits.align();
        }
    }
}

fn send_extra(bits: &mut Bits<'_>, lc: usize, code: usize) {
    let extra = u32::from(at(&EXTRA_LBITS, code));
    if extra != 0 {
        bits.send((lc - base_length(code)) as u64, extra);
    }
}

fn send_dist_extra(bits: &mut Bits<'_>, d: usize, code: usize) {
    let extra = u32::from(at(&EXTRA_DBITS, code));
    if extra != 0 {
        bits.send((d - base_dist(code)) as u64, extra);
    }
}

/// How many leading bytes `a` and `b` share, at most [`MAX_MATCH`].
fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    let (a, b) = (
        a.get(..MAX_MATCH).unwrap_or_default(),
        b.get(..MAX_MATCH).unwrap_or_default(),
    );
    let mut n = 0;
    let (mut ca, mut cb) = (a.chunks_exact(8), b.chunks_exact(8));
    for (x, y) in ca.by_ref().zip(cb.by_ref()) {
        let (Ok(x), Ok(y)) = (<[u8; 8]>::try_from(x), <[u8; 8]>::try_from(y)) else {
            return n;
        };
        let diff = u64::from_le_bytes(x) ^ u64::from_le_bytes(y);
        if diff != 0 {
            return n + (diff.trailing_zeros() / 8) as usize;
        }
        n += 8;
    }
    n + ca
        .remainder()
        .iter()
        .zip(cb.remainder())
        .take_while(|(x, y)| x == y)
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_tables_match_rfc_1951() {
        // Length codes: 3 → 257, 10 → 264, 11 → 265 (+1 bit), 258 → 285.
        assert_eq!(length_code(0), 0);
        assert_eq!(length_code(7), 7);
        assert_eq!((length_code(8), base_length(8)), (8, 8));
        assert_eq!((length_code(9), length_code(10)), (8, 9));
        assert_eq!(length_code(254), 27);
        assert_eq!(base_length(27), 224);
        assert_eq!(length_code(255), 28);
        // Distance codes: 1 → 0, 5 → 4 (+1), 257 → 16, 32768 → 29.
        assert_eq!(dist_code(0), 0);
        assert_eq!((dist_code(4), dist_code(5), dist_code(6)), (4, 4, 5));
        assert_eq!((dist_code(256), base_dist(16)), (16, 256));
        assert_eq!((dist_code(32767), base_dist(29)), (29, 24576));
        for d in 0..32768 {
            let c = dist_code(d);
            assert!(base_dist(c) <= d && d - base_dist(c) < 1 << EXTRA_DBITS[c]);
        }
        for lc in 0..255 {
            let c = length_code(lc);
            assert!(base_length(c) <= lc && lc - base_length(c) < 1 << EXTRA_LBITS[c]);
        }
        assert_eq!(static_lcode(0), (0b0000_1100, 8));
        assert_eq!(static_lcode(256), (0, 7));
    }

    #[test]
    fn common_prefix_counts_up_to_a_full_match() {
        let a = [5u8; 300];
        assert_eq!(common_prefix(&a, &a), MAX_MATCH);
        let mut b = a;
        b[9] = 0;
        assert_eq!(common_prefix(&a, &b), 9);
        b[9] = 5;
        b[257] = 0;
        assert_eq!(common_prefix(&a, &b), 257);
    }
}
