//! zlib (RFC 1950) around deflate (RFC 1951), just what permalinks need, written out instead
//! of a general crate for the page's size: about 11 KB of wasm code before wasm-opt, where
//! miniz_oxide and the code inlined from it took about 27 KB.
//!
//! [`compress`] finds matches with a hash chain and one step of lazy matching, then writes
//! each run of tokens as a fixed or a dynamic Huffman block, whichever is shorter.
//! [`decompress`] reads stored, fixed and dynamic blocks, so links written by miniz_oxide still
//! open. It follows puff.c (zlib's reference inflater): codes decode bit by bit from the count
//! of codes per length, no lookup tables. Every read is checked, so damaged or hostile input is
//! an error value, never a panic, and output stops at the caller's limit before it is allocated.

/// Why [`decompress`] gives up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum InflateError {
    /// The output would pass the limit.
    TooLarge,
    /// Not a valid zlib stream: cut short, altered, or never one.
    Damaged,
}

use InflateError::{Damaged, TooLarge};

/// Base match length of length codes 257..=285, and their extra bits (RFC 1951 §3.2.5).
const LENGTH_BASE: [u16; 29] = [
    3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131,
    163, 195, 227, 258,
];
const LENGTH_EXTRA: [u8; 29] =
    [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
/// Base distance of distance codes 0..=29, and their extra bits.
const DIST_BASE: [u16; 30] = [
    1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537,
    2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577,
];
const DIST_EXTRA: [u8; 30] = [
    0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13,
    13,
];
/// The order in which a dynamic block lists the code lengths of the code length alphabet.
const CLEN_ORDER: [usize; 19] = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

/// Code lengths of the fixed literal/length code (RFC 1951 §3.2.6).
fn fixed_lengths() -> [u8; 288] {
    let mut lens = [8; 288];
    lens[144..256].fill(9);
    lens[256..280].fill(7);
    lens
}

/// Adler-32 of `data` (RFC 1950 §8.2); 5552 bytes is the most that cannot overflow `b`.
fn adler32(data: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    for chunk in data.chunks(5552) {
        for &byte in chunk {
            a += u32::from(byte);
            b += a;
        }
        a %= 65521;
        b %= 65521;
    }
    (b << 16) | a
}

// ---------------------------------------------------------------- compress

/// The farthest back a match may start, and the longest one (RFC 1951 §3.2.5).
const WINDOW: usize = 32768;
const MAX_MATCH: usize = 258;
/// How many earlier positions a match search tries: plenty for a few KB of manifests, and
/// bounded for a pasted megabyte.
const MAX_CHAIN: usize = 256;
/// Tokens per block: each block gets its own Huffman codes.
const BLOCK_TOKENS: usize = 16384;
const HASH_BITS: u32 = 15;

/// The zlib stream of `data`. The same input always gives the same bytes.
pub(crate) fn compress(data: &[u8]) -> Vec<u8> {
    // CM 8 (deflate), CINFO 7 (32 KB window); FLEVEL 3 (maximum), check bits to a multiple of 31.
    let mut out = Bits { bytes: vec![0x78, 0xda], acc: 0, n: 0, count: 0, dry: false };
    let mut chain =
        Chain { head: vec![usize::MAX; 1 << HASH_BITS], prev: vec![0; WINDOW], next: 0 };
    let mut tokens: Vec<(u16, u16)> = Vec::new();
    let mut pos = 0;
    let mut lookahead = None;
    while let Some(&byte) = data.get(pos) {
        let (mut len, mut dist) = lookahead.take().unwrap_or_else(|| chain.search(data, pos));
        // Lazy matching: a longer match one byte later wins over this one.
        if (3..MAX_MATCH).contains(&len) {
            let next = chain.search(data, pos + 1);
            if next.0 > len {
                (len, dist) = (0, 0);
                lookahead = Some(next);
            }
        }
        if len >= 3 {
            tokens.push((len as u16, dist as u16));
            pos += len;
        } else {
            tokens.push((u16::from(byte), 0));
            pos += 1;
        }
        if tokens.len() == BLOCK_TOKENS {
            write_block(&mut out, &tokens, false);
            tokens.clear();
        }
    }
    write_block(&mut out, &tokens, true);
    out.put(0, (8 - out.n % 8) % 8);
    out.bytes.extend_from_slice(&adler32(data).to_be_bytes());
    out.bytes
}

/// Bits written least significant first (RFC 1951 §3.1.1). A `dry` writer only counts them,
/// to price a block before writing it.
struct Bits {
    bytes: Vec<u8>,
    acc: u32,
    n: u32,
    count: usize,
    dry: bool,
}

impl Bits {
    fn put(&mut self, value: u32, n: u32) {
        self.count += n as usize;
        if self.dry {
            return;
        }
        self.acc |= value << self.n;
        self.n += n;
        while self.n >= 8 {
            self.bytes.push(self.acc as u8);
            self.acc >>= 8;
            self.n -= 8;
        }
    }
}

/// Earlier positions by the hash of their first three bytes: `head` holds the latest position
/// per hash, `prev` the one before it with the same hash, for the last [`WINDOW`] positions.
struct Chain {
    head: Vec<usize>,
    prev: Vec<usize>,
    /// Positions before this one are in the chains.
    next: usize,
}

impl Chain {
    fn hash(data: &[u8], pos: usize) -> Option<usize> {
        let three = data.get(pos..pos + 3)?;
        let key = three.iter().fold(0u32, |key, &b| (key << 8) | u32::from(b));
        Some((key.wrapping_mul(0x9e37_79b1) >> (32 - HASH_BITS)) as usize)
    }

    /// The longest earlier match for the bytes at `pos`, as (length, distance), after adding
    /// every position before `pos` to the chains. A length under 3 means none.
    fn search(&mut self, data: &[u8], pos: usize) -> (usize, usize) {
        while self.next < pos {
            if let Some(hash) = Self::hash(data, self.next) {
                self.prev[self.next % WINDOW] = self.head[hash];
                self.head[hash] = self.next;
            }
            self.next += 1;
        }
        let Some(hash) = Self::hash(data, pos) else { return (0, 0) };
        let ahead = &data[pos..data.len().min(pos + MAX_MATCH)];
        let (mut best, mut candidate) = ((0, 0), self.head[hash]);
        for _ in 0..MAX_CHAIN {
            let Some(dist) = pos.checked_sub(candidate).filter(|&d| d > 0 && d <= WINDOW) else {
                break;
            };
            let len = ahead.iter().zip(&data[candidate..]).take_while(|(a, b)| a == b).count();
            if len > best.0 {
                best = (len, dist);
                if len == ahead.len() {
                    break;
                }
            }
            candidate = self.prev[candidate % WINDOW];
        }
        best
    }
}

/// The code symbol of a value from a base table (length or distance), its extra bits' value
/// and count.
fn symbol(base: &[u16], extra: &[u8], value: u16) -> (usize, u32, u32) {
    let sym = base.iter().rposition(|&b| b <= value).unwrap_or(0);
    (sym, u32::from(value - base[sym]), u32::from(extra[sym]))
}

/// Writes `tokens` (literal bytes with distance 0, else length and distance) as one block, with
/// the fixed codes or its own, whichever takes fewer bits.
fn write_block(out: &mut Bits, tokens: &[(u16, u16)], last: bool) {
    let mut lit_freq = [0u32; 286];
    let mut dist_freq = [0u32; 30];
    lit_freq[256] = 1;
    for &(value, dist) in tokens {
        if dist == 0 {
            lit_freq[usize::from(value)] += 1;
        } else {
            lit_freq[257 + symbol(&LENGTH_BASE, &LENGTH_EXTRA, value).0] += 1;
            dist_freq[symbol(&DIST_BASE, &DIST_EXTRA, dist).0] += 1;
        }
    }
    let lit = huffman_lengths(&lit_freq, 15);
    let dist = huffman_lengths(&dist_freq, 15);
    let n_lit = 257.max(lit.iter().rposition(|&l| l > 0).unwrap_or(0) + 1);
    let n_dist = 1.max(dist.iter().rposition(|&l| l > 0).unwrap_or(0) + 1);
    let runs = run_lengths(&[&lit[..n_lit], &dist[..n_dist]].concat());
    let mut clen_freq = [0u32; 19];
    for &(sym, _, _) in &runs {
        clen_freq[usize::from(sym)] += 1;
    }
    let clen = huffman_lengths(&clen_freq, 7);
    let n_clen = 4.max(CLEN_ORDER.iter().rposition(|&s| clen[s] > 0).unwrap_or(0) + 1);
    let fixed = fixed_lengths();
    let write_dynamic = |out: &mut Bits| {
        out.put(2, 2);
        out.put((n_lit - 257) as u32, 5);
        out.put((n_dist - 1) as u32, 5);
        out.put((n_clen - 4) as u32, 4);
        for &sym in &CLEN_ORDER[..n_clen] {
            out.put(u32::from(clen[sym]), 3);
        }
        let codes = canonical_codes(&clen);
        for &(sym, value, n_extra) in &runs {
            let sym = usize::from(sym);
            out.put(codes[sym], u32::from(clen[sym]));
            out.put(u32::from(value), u32::from(n_extra));
        }
        write_tokens(out, tokens, &lit, &dist);
    };
    let mut dry = Bits { bytes: Vec::new(), acc: 0, n: 0, count: 0, dry: true };
    write_dynamic(&mut dry);
    let dynamic_bits = dry.count;
    dry.count = 0;
    write_tokens(&mut dry, tokens, &fixed, &[5; 30]);
    out.put(u32::from(last), 1);
    if dry.count + 2 <= dynamic_bits {
        out.put(1, 2);
        write_tokens(out, tokens, &fixed, &[5; 30]);
    } else {
        write_dynamic(out);
    }
}

/// Writes the tokens and the end of block with the given literal/length and distance codes.
fn write_tokens(out: &mut Bits, tokens: &[(u16, u16)], lit: &[u8], dist: &[u8]) {
    let (lit_codes, dist_codes) = (canonical_codes(lit), canonical_codes(dist));
    let put_sym = |out: &mut Bits, codes: &[u32], lens: &[u8], sym: usize| {
        out.put(codes[sym], u32::from(lens[sym]));
    };
    for &(value, distance) in tokens {
        if distance == 0 {
            put_sym(out, &lit_codes, lit, usize::from(value));
        } else {
            let (sym, extra, n_extra) = symbol(&LENGTH_BASE, &LENGTH_EXTRA, value);
            put_sym(out, &lit_codes, lit, 257 + sym);
            out.put(extra, n_extra);
            let (sym, extra, n_extra) = symbol(&DIST_BASE, &DIST_EXTRA, distance);
            put_sym(out, &dist_codes, dist, sym);
            out.put(extra, n_extra);
        }
    }
    put_sym(out, &lit_codes, lit, 256);
}

/// Huffman code lengths for `freq`, none longer than `limit`. When the optimal tree is too
/// deep, the frequencies are halved (keeping every used symbol) until it fits: simple, and
/// rare for the text in a permalink. At least two symbols get a code, so the code is complete
/// (RFC 1951 leaves a one-code set to the decoder's goodwill).
fn huffman_lengths(freq: &[u32], limit: u8) -> Vec<u8> {
    let n = freq.len();
    let mut weight = freq.to_vec();
    let mut used = weight.iter().filter(|&&w| w > 0).count();
    for w in weight.iter_mut().take(2) {
        if used < 2 && *w == 0 {
            (*w, used) = (1, used + 1);
        }
    }
    loop {
        // Nodes 0..n are the symbols, then one per merge of the two lightest nodes left;
        // a merged node's weight drops to 0.
        let mut node = weight.clone();
        let mut parent = vec![usize::MAX; 2 * n];
        for merged in n..n + used - 1 {
            let (mut a, mut b) = (usize::MAX, usize::MAX);
            for i in 0..merged {
                if node[i] > 0 && (a == usize::MAX || node[i] < node[a]) {
                    (a, b) = (i, a);
                } else if node[i] > 0 && (b == usize::MAX || node[i] < node[b]) {
                    b = i;
                }
            }
            (parent[a], parent[b]) = (merged, merged);
            node.push(node[a] + node[b]);
            (node[a], node[b]) = (0, 0);
        }
        let mut lens = vec![0u8; n];
        for (sym, len) in lens.iter_mut().enumerate() {
            let mut up = parent[sym];
            while up != usize::MAX {
                (*len, up) = (len.saturating_add(1), parent[up]);
            }
        }
        if lens.iter().all(|&l| l <= limit) {
            return lens;
        }
        for w in weight.iter_mut().filter(|w| **w > 0) {
            *w = w.div_ceil(2);
        }
    }
}

/// The canonical codes for code lengths (RFC 1951 §3.2.2), bit-reversed for writing.
fn canonical_codes(lens: &[u8]) -> Vec<u32> {
    let mut count = [0u32; 16];
    for &len in lens {
        count[usize::from(len)] += 1;
    }
    let mut next = [0u32; 16];
    for bits in 2..16 {
        next[bits] = (next[bits - 1] + count[bits - 1]) << 1;
    }
    let mut codes = vec![0; lens.len()];
    for (code, &len) in codes.iter_mut().zip(lens).filter(|(_, &len)| len > 0) {
        let len = usize::from(len);
        *code = u32::from((next[len] as u16).reverse_bits() >> (16 - len));
        next[len] += 1;
    }
    codes
}

/// The code lengths of a dynamic block as code length symbols (RFC 1951 §3.2.7): 0..=15 as
/// is, 16 repeats the previous length 3..=6 times, 17 and 18 write 3..=10 and 11..=138 zeros.
/// Each is (symbol, extra bits' value, their count).
fn run_lengths(lens: &[u8]) -> Vec<(u8, u8, u8)> {
    let mut runs = Vec::new();
    let mut i = 0;
    while let Some(&len) = lens.get(i) {
        let run = lens[i..].iter().take_while(|&&l| l == len).count();
        let (item, used) = match (len, run) {
            (0, 11..) => ((18, run.min(138) - 11, 7), run.min(138)),
            (0, 3..) => ((17, run - 3, 3), run),
            (_, 3..) if i > 0 && lens[i - 1] == len => ((16, run.min(6) - 3, 2), run.min(6)),
            _ => ((len, 0, 0), 1),
        };
        runs.push((item.0, item.1 as u8, item.2));
        i += used;
    }
    runs
}

// ---------------------------------------------------------------- decompress

/// The bytes of the zlib stream `data`, refused as [`TooLarge`] as soon as they would pass
/// `limit` (nothing beyond `limit` is allocated), and as [`Damaged`] if the stream is not
/// exactly one valid zlib stream with a matching Adler-32.
pub(crate) fn decompress(data: &[u8], limit: usize) -> Result<Vec<u8>, InflateError> {
    let (&[cmf, flg], body) = data.split_first_chunk::<2>().ok_or(Damaged)?;
    // Deflate with at most a 32 KB window, check bits right, no preset dictionary.
    let check = ((u16::from(cmf) << 8) | u16::from(flg)) % 31;
    if cmf & 0x0f != 8 || cmf >> 4 > 7 || check != 0 || flg & 0x20 != 0 {
        return Err(Damaged);
    }
    let mut input = Input { data: body, pos: 0, acc: 0, n: 0 };
    let mut out = Vec::new();
    loop {
        let last = input.bits(1)?;
        match input.bits(2)? {
            0 => stored(&mut input, &mut out, limit)?,
            1 => {
                let lit = Huffman::new(&fixed_lengths())?;
                codes(&mut input, &mut out, limit, &lit, &Huffman::new(&[5; 32])?)?;
            }
            2 => dynamic(&mut input, &mut out, limit)?,
            _ => return Err(Damaged),
        }
        if last == 1 {
            break;
        }
    }
    // The trailer starts at the next byte boundary: the bits left in `acc` are padding.
    let trailer = input.data.get(input.pos..).ok_or(Damaged)?;
    if trailer != adler32(&out).to_be_bytes() {
        return Err(Damaged);
    }
    Ok(out)
}

/// The deflate bits being read, least significant first; `acc` never holds a whole unread byte
/// after a read, so dropping it aligns to the next byte.
struct Input<'a> {
    data: &'a [u8],
    pos: usize,
    acc: u32,
    n: u32,
}

impl Input<'_> {
    /// The next `n` (at most 16) bits.
    fn bits(&mut self, n: u32) -> Result<u32, InflateError> {
        while self.n < n {
            let byte = *self.data.get(self.pos).ok_or(Damaged)?;
            self.pos += 1;
            self.acc |= u32::from(byte) << self.n;
            self.n += 8;
        }
        let value = self.acc & ((1 << n) - 1);
        self.acc >>= n;
        self.n -= n;
        Ok(value)
    }
}

/// Makes room for `extra` more bytes of output, or refuses them past `limit`. Growth doubles
/// but never beyond `limit`, so a bomb costs at most `limit` bytes.
fn room(out: &mut Vec<u8>, extra: usize, limit: usize) -> Result<(), InflateError> {
    let needed = out.len().checked_add(extra).filter(|&n| n <= limit).ok_or(TooLarge)?;
    if needed > out.capacity() {
        let target = needed.max(out.capacity().saturating_mul(2)).max(1024).min(limit);
        out.reserve_exact(target - out.len());
    }
    Ok(())
}

/// A stored block (RFC 1951 §3.2.4): LEN, its complement NLEN, then LEN bytes as they are.
fn stored(input: &mut Input, out: &mut Vec<u8>, limit: usize) -> Result<(), InflateError> {
    (input.acc, input.n) = (0, 0);
    let len = input.bits(16)?;
    if input.bits(16)? != len ^ 0xffff {
        return Err(Damaged);
    }
    let len = len as usize;
    let bytes = input.data.get(input.pos..).and_then(|rest| rest.get(..len)).ok_or(Damaged)?;
    room(out, len, limit)?;
    out.extend_from_slice(bytes);
    input.pos += len;
    Ok(())
}

/// A canonical Huffman code for decoding: how many codes have each length, and the symbols
/// in code order (RFC 1951 §3.2.2).
struct Huffman {
    count: [u16; 16],
    symbols: Vec<u16>,
    /// Code space left unused, in units of 2^-15: 0 for a complete code.
    left: i32,
}

impl Huffman {
    /// The code for these lengths, or [`Damaged`] if it is over-subscribed.
    fn new(lens: &[u8]) -> Result<Huffman, InflateError> {
        let mut count = [0u16; 16];
        for &len in lens {
            *count.get_mut(usize::from(len)).ok_or(Damaged)? += 1;
        }
        let mut left = 1i32;
        let mut offset = [0u16; 16];
        for len in 1..16 {
            left = (left << 1) - i32::from(count[len]);
            if left < 0 {
                return Err(Damaged);
            }
            offset[len] = if len == 1 { 0 } else { offset[len - 1] + count[len - 1] };
        }
        let mut symbols = vec![0; lens.len()];
        for (sym, &len) in lens.iter().enumerate().filter(|&(_, &len)| len > 0) {
            let slot = offset.get_mut(usize::from(len)).ok_or(Damaged)?;
            *symbols.get_mut(usize::from(*slot)).ok_or(Damaged)? = sym as u16;
            *slot += 1;
        }
        Ok(Huffman { count, symbols, left })
    }

    /// Complete, or (as zlib allows for literal/length and distance codes) a single code of
    /// one bit, or with `none_ok` no codes at all.
    fn usable(&self, none_ok: bool) -> bool {
        let single = self.count[1] == 1 && self.left == 1 << 14;
        self.left == 0 || single || (none_ok && self.left == 1 << 15)
    }

    /// The next symbol: codes are read one bit at a time, most significant bit first.
    fn decode(&self, input: &mut Input) -> Result<usize, InflateError> {
        let (mut code, mut first, mut index) = (0i32, 0i32, 0i32);
        for &count in &self.count[1..] {
            code |= input.bits(1)? as i32;
            let count = i32::from(count);
            if code - count < first {
                let sym = usize::try_from(index + code - first).map_err(|_| Damaged)?;
                return self.symbols.get(sym).map(|&s| usize::from(s)).ok_or(Damaged);
            }
            index += count;
            first = (first + count) << 1;
            code <<= 1;
        }
        Err(Damaged)
    }
}

/// A dynamic block's header (RFC 1951 §3.2.7): the code length code, then with it the
/// literal/length and distance code lengths; then its data.
fn dynamic(input: &mut Input, out: &mut Vec<u8>, limit: usize) -> Result<(), InflateError> {
    let n_lit = input.bits(5)? as usize + 257;
    let n_dist = input.bits(5)? as usize + 1;
    let n_clen = input.bits(4)? as usize + 4;
    if n_lit > 286 || n_dist > 30 {
        return Err(Damaged);
    }
    let mut clen_lens = [0u8; 19];
    for &sym in CLEN_ORDER.get(..n_clen).ok_or(Damaged)? {
        *clen_lens.get_mut(sym).ok_or(Damaged)? = input.bits(3)? as u8;
    }
    let clen = Huffman::new(&clen_lens)?;
    if clen.left != 0 {
        return Err(Damaged);
    }
    let mut lens = vec![0u8; n_lit + n_dist];
    let mut i = 0;
    while i < lens.len() {
        let (len, repeat) = match clen.decode(input)? {
            sym @ 0..=15 => (sym as u8, 1),
            16 => (*lens.get(i.wrapping_sub(1)).ok_or(Damaged)?, 3 + input.bits(2)?),
            17 => (0, 3 + input.bits(3)?),
            18 => (0, 11 + input.bits(7)?),
            _ => return Err(Damaged),
        };
        let end = i + repeat as usize;
        lens.get_mut(i..end).ok_or(Damaged)?.fill(len);
        i = end;
    }
    let (lit_lens, dist_lens) = lens.split_at(n_lit);
    let lit = Huffman::new(lit_lens)?;
    let dist = Huffman::new(dist_lens)?;
    if lit_lens.get(256) == Some(&0) || !lit.usable(false) || !dist.usable(true) {
        return Err(Damaged);
    }
    codes(input, out, limit, &lit, &dist)
}

/// The data of a Huffman block: literals and (length, distance) copies up to end of block.
fn codes(
    input: &mut Input,
    out: &mut Vec<u8>,
    limit: usize,
    lit: &Huffman,
    dist: &Huffman,
) -> Result<(), InflateError> {
    loop {
        let sym = lit.decode(input)?;
        if let Ok(byte) = u8::try_from(sym) {
            room(out, 1, limit)?;
            out.push(byte);
            continue;
        }
        let Some(sym) = sym.checked_sub(257) else { return Ok(()) }; // 256: end of block
        let len = read_value(input, &LENGTH_BASE, &LENGTH_EXTRA, sym)?;
        let dist_sym = dist.decode(input)?;
        let distance = read_value(input, &DIST_BASE, &DIST_EXTRA, dist_sym)?;
        let start = out.len().checked_sub(distance).ok_or(Damaged)?;
        room(out, len, limit)?;
        for from in start..start + len {
            let byte = *out.get(from).ok_or(Damaged)?;
            out.push(byte);
        }
    }
}

/// A length or distance: the base for `sym` plus its extra bits. Symbols past the table
/// (lengths 286 and 287, distances 30 and 31) exist in the fixed code but are invalid.
fn read_value(
    input: &mut Input,
    base: &[u16],
    extra: &[u8],
    sym: usize,
) -> Result<usize, InflateError> {
    let (&base, &n_extra) = base.get(sym).zip(extra.get(sym)).ok_or(Damaged)?;
    Ok(usize::from(base) + input.bits(u32::from(n_extra))? as usize)
}

#[cfg(test)]
mod tests {
    //! miniz_oxide, which wrote every link before this module, is the oracle both ways.

    use super::*;
    use miniz_oxide::{deflate::compress_to_vec_zlib, inflate::decompress_to_vec_zlib};

    /// Bytes from a seeded xorshift: the same every run.
    fn noise(seed: u64, n: usize) -> Vec<u8> {
        let mut x = seed;
        (0..n)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x as u8
            })
            .collect()
    }

    /// Words picked by the noise: text with matches near and far.
    fn words(seed: u64, n_words: usize) -> Vec<u8> {
        let words = ["kind", "Service", "port", "8080", "name", "kiada", "-", "\n", "  ", ": "];
        noise(seed, n_words).iter().flat_map(|b| words[usize::from(b % 10)].bytes()).collect()
    }

    fn inputs() -> Vec<Vec<u8>> {
        let mut inputs: Vec<Vec<u8>> = crate::presets::PRESETS
            .iter()
            .map(|preset| super::super::to_text(&preset.scenario()).into_bytes())
            .collect();
        let far = noise(1, 32768);
        let (a, b) = (words(2, 8000), words(3, 8000));
        inputs.extend([
            Vec::new(),
            vec![b'x'],
            noise(4, 70_000),
            vec![0; 100_000],
            b"abc".repeat(5000),
            [&far[..], &far[..1000]].concat(), // a match at exactly 32768 bytes back
            [&a[..], &b[..], &a[..], &words(5, 4000), &b[..]].concat(), // 70 KB, matches 20-40 KB back
        ]);
        inputs
    }

    #[test]
    fn ours_inflates_with_miniz_and_round_trips() {
        for input in inputs() {
            let ours = compress(&input);
            assert_eq!(compress(&input), ours, "deterministic");
            assert_eq!(decompress_to_vec_zlib(&ours).ok(), Some(input.clone()), "{}", input.len());
            assert_eq!(decompress(&ours, input.len()), Ok(input.clone()));
        }
        let far = noise(1, 32768);
        let repeated = compress(&[&far[..], &far[..1000]].concat()).len();
        assert!(repeated < compress(&far).len() + 50, "the copy 32768 bytes back is matched");
    }

    #[test]
    fn miniz_streams_at_every_level_inflate() {
        for input in inputs() {
            for level in [0, 1, 6, 9] {
                let theirs = compress_to_vec_zlib(&input, level);
                assert_eq!(decompress(&theirs, usize::MAX), Ok(input.clone()), "level {level}");
            }
        }
    }

    #[test]
    fn cut_or_flipped_streams_are_damaged_and_never_panic() {
        let text = super::super::to_text(&crate::presets::default_scenario()).into_bytes();
        let streams = [
            compress(&text),                       // dynamic blocks
            compress(b"hello, hello, hello!"),     // a fixed block
            compress_to_vec_zlib(&text[..300], 0), // a stored block
        ];
        for (stream, block_type) in streams.iter().zip([2, 1, 0]) {
            assert_eq!(stream[2] >> 1 & 3, block_type);
            for len in 0..stream.len() {
                assert_eq!(decompress(&stream[..len], usize::MAX), Err(Damaged), "cut to {len}");
            }
            for idx in 0..stream.len() {
                for flip in [0x01, 0x10, 0x80, 0xff] {
                    let mut flipped = stream.clone();
                    flipped[idx] ^= flip;
                    if let Err(error) = decompress(&flipped, 1 << 20) {
                        assert_eq!(error, Damaged, "byte {idx} ^ {flip}");
                    }
                }
            }
            let mut longer = stream.clone();
            longer.push(0);
            assert_eq!(decompress(&longer, usize::MAX), Err(Damaged), "bytes after the trailer");
        }
    }

    #[test]
    fn output_stops_at_the_limit_without_allocating_past_it() {
        let zeros = compress(&[0; 5000]);
        assert_eq!(decompress(&zeros, 5000).map(|out| out.capacity() <= 5000), Ok(true));
        assert_eq!(decompress(&zeros, 4999), Err(TooLarge));
        assert_eq!(decompress(&compress_to_vec_zlib(&[7; 5000], 0), 4999), Err(TooLarge));
        assert_eq!(decompress(&compress(b""), 0), Ok(Vec::new()));
    }

    #[test]
    fn code_lengths_stay_within_the_limit_and_fill_the_code_space() {
        let fibonacci: Vec<u32> = (0..40)
            .scan((1, 1), |(a, b), _| {
                (*a, *b) = (*b, *a + *b);
                Some(*a)
            })
            .collect();
        for (freq, limit) in
            [(&fibonacci[..], 15), (&fibonacci[..19], 7), (&[0; 30], 15), (&[0, 0, 9], 7)]
        {
            let lens = huffman_lengths(freq, limit);
            let kraft: u32 = lens.iter().filter(|&&l| l > 0).map(|&l| 1 << (15 - l)).sum();
            assert_eq!((lens.iter().max() <= Some(&limit), kraft), (true, 1 << 15), "{lens:?}");
        }
    }

    /// A zlib stream of hand-written deflate bits, with the Adler-32 of `output`: were the
    /// bits read as valid, the checksum would pass.
    fn stream(output: &[u8], write: impl Fn(&mut Bits)) -> Vec<u8> {
        let mut out = Bits { bytes: vec![0x78, 0x01], acc: 0, n: 0, count: 0, dry: false };
        write(&mut out);
        out.put(0, (8 - out.n % 8) % 8);
        out.bytes.extend_from_slice(&adler32(output).to_be_bytes());
        out.bytes
    }

    /// A dynamic block that is only an end of block, with code lengths `eob` for it (its
    /// code's only one) and (symbol 18, 1, 2) for the code length code, and `n_lit` (257, or
    /// 268 and up) literal/length code lengths.
    fn only_end_of_block(eob: u8, clen_lens: (u8, u8, u8), n_lit: u32) -> Vec<u8> {
        stream(b"", |out| {
            out.put(0b101, 3); // BFINAL, dynamic
            out.put(n_lit - 257, 5);
            out.put(0, 5); // 1 distance code
            out.put(14, 4); // 18 code length codes, up to symbol 1 in CLEN_ORDER
            let mut clen = [0u8; 19];
            (clen[18], clen[1], clen[2]) = clen_lens;
            for sym in &CLEN_ORDER[..18] {
                out.put(u32::from(clen[*sym]), 3);
            }
            let codes = canonical_codes(&clen);
            let put = |out: &mut Bits, sym: usize| out.put(codes[sym], u32::from(clen[sym]));
            put(out, 18);
            out.put(127, 7); // 138 zeros
            put(out, 18);
            out.put(107, 7); // 118 zeros: literals 0..=255 have no code
            put(out, usize::from(eob)); // end of block
            if n_lit > 257 {
                put(out, 18);
                out.put(n_lit - 257 - 11, 7); // no code for lengths 3 and up
            }
            put(out, 1); // the one distance code
            out.put(0, u32::from(eob)); // end of block
        })
    }

    #[test]
    fn malformed_streams_are_damaged() {
        let damaged =
            |data: &[u8]| assert_eq!(decompress(data, 1 << 20), Err(Damaged), "{data:x?}");
        damaged(&stream(b"", |out| out.put(0b111, 3))); // block type 3
        let fixed = canonical_codes(&fixed_lengths());
        damaged(&stream(b"aaaa", |out| {
            out.put(0b011, 3); // BFINAL, fixed
            out.put(fixed[usize::from(b'a')], 8);
            out.put(fixed[257], 7); // length 3...
            out.put(0b10000, 5); // ...at distance 2, one byte past the start
            out.put(fixed[256], 7);
        }));
        damaged(&stream(b"", |out| {
            out.put(0b001, 3); // stored
            out.put(0, 5);
            out.put(0x0001_0000, 32); // LEN 0, NLEN 1: not its complement
        }));
        for clen in [[1, 1, 1, 0], [0; 4]] {
            damaged(&stream(b"", |out| {
                out.put(0b101, 3);
                out.put(0, 14); // 257 + 1 codes, 4 code length codes
                clen.iter().for_each(|&len| out.put(len, 3)); // over-subscribed, none
            }));
        }
        // One literal/length code of one bit is allowed (zlib and miniz_oxide read it).
        for n_lit in [257, 286] {
            let one_code = only_end_of_block(1, (1, 2, 2), n_lit);
            assert_eq!(decompress(&one_code, 0), Ok(Vec::new()));
            assert_eq!(decompress_to_vec_zlib(&one_code).ok(), Some(Vec::new()));
        }
        damaged(&only_end_of_block(1, (1, 2, 2), 287)); // literal/length codes 286 and 287
        damaged(&only_end_of_block(2, (1, 2, 2), 257)); // incomplete: 3/4 of the space unused
        damaged(&only_end_of_block(1, (2, 2, 2), 257)); // an incomplete code length code
        let ok = compress(b"zlib");
        damaged(&[&[0x78, 0x9d], &ok[2..]].concat()); // check bits wrong
        damaged(&[&[0x78, 0xbb], &ok[2..]].concat()); // a preset dictionary
        damaged(&[&[0x88, 0x98], &ok[2..]].concat()); // a 64 KB window
        damaged(&[&[0x79, 0x18], &ok[2..]].concat()); // method 9, not deflate
        damaged(&[&ok[..ok.len() - 1], &[ok[ok.len() - 1] ^ 1]].concat()); // Adler-32 wrong
    }
}
