//! IP networks: the CIDRs of podCIDR, the cluster CIDR and loadBalancerSourceRanges; and
//! addresses as text ([`Ip`], [`Socket`]).

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::str::FromStr;

/// An address written exactly as std's `Display` writes it (`10.96.0.1`; RFC 5952 for IPv6,
/// `::ffff:a.b.c.d` for IPv4-mapped ones), by code of our own: std's formatters for
/// `Ipv4Addr`, `Ipv6Addr`, `IpAddr` and `SocketAddr` cost the page's wasm 4.7 KB before
/// wasm-opt (these 0.9 KB), so every address svcroute prints goes through this or
/// [`Socket`], and a test holds both to std's output.
#[derive(Clone, Copy)]
pub struct Ip(pub IpAddr);

/// A socket address written as std's `Display` writes it: `a.b.c.d:port`, `[v6]:port`, and
/// `[v6%scope]:port` for a scope id (never set by svcroute, written for completeness).
#[derive(Clone, Copy)]
pub struct Socket(pub SocketAddr);

impl fmt::Display for Ip {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = Text::default();
        push_ip(&mut out, self.0);
        f.pad(out.as_str())
    }
}

impl fmt::Display for Socket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = Text::default();
        match self.0 {
            SocketAddr::V4(addr) => push_v4(&mut out, *addr.ip()),
            SocketAddr::V6(addr) => {
                out.push(b'[');
                push_ip(&mut out, IpAddr::V6(*addr.ip()));
                if addr.scope_id() != 0 {
                    out.push(b'%');
                    push_decimal(&mut out, addr.scope_id());
                }
                out.push(b']');
            }
        }
        out.push(b':');
        push_decimal(&mut out, u32::from(self.0.port()));
        f.pad(out.as_str())
    }
}

/// `ip` as std writes it without width or precision.
/// An address's text, built on the stack: the route writes addresses for every hop of every
/// path, and a heap string each time made explaining a large cluster a quarter slower.
/// The longest text is a scoped IPv6 socket address, under 64 bytes.
struct Text {
    bytes: [u8; 64],
    len: usize,
}

impl Default for Text {
    fn default() -> Text {
        Text { bytes: [0; 64], len: 0 }
    }
}

impl Text {
    fn push(&mut self, byte: u8) {
        if let Some(slot) = self.bytes.get_mut(self.len) {
            *slot = byte;
            self.len += 1;
        }
    }

    fn push_str(&mut self, text: &str) {
        text.bytes().for_each(|byte| self.push(byte));
    }

    fn as_str(&self) -> &str {
        // Only ASCII is pushed.
        std::str::from_utf8(self.bytes.get(..self.len).unwrap_or_default()).unwrap_or_default()
    }
}

fn push_ip(out: &mut Text, ip: IpAddr) {
    let v6 = match ip {
        IpAddr::V4(v4) => return push_v4(out, v4),
        IpAddr::V6(v6) => v6,
    };
    if let Some(v4) = v6.to_ipv4_mapped() {
        out.push_str("::ffff:");
        return push_v4(out, v4);
    }
    let segments = v6.segments();
    // The first longest run of zero segments, compressed to `::` when longer than one.
    let (mut start, mut len, mut run) = (0, 0, 0);
    for (i, &segment) in segments.iter().enumerate() {
        run = if segment == 0 { run + 1 } else { 0 };
        if run > len {
            (start, len) = (i + 1 - run, run);
        }
    }
    let mut i = 0;
    while i < 8 {
        if len > 1 && i == start {
            out.push_str("::");
            i += len;
            continue;
        }
        if i > 0 && !(len > 1 && i == start + len) {
            out.push(b':');
        }
        push_digits(out, u32::from(segments[i]), 16);
        i += 1;
    }
}

fn push_v4(out: &mut Text, ip: Ipv4Addr) {
    for (i, octet) in ip.octets().into_iter().enumerate() {
        if i > 0 {
            out.push(b'.');
        }
        push_decimal(out, u32::from(octet));
    }
}

fn push_decimal(out: &mut Text, n: u32) {
    push_digits(out, n, 10);
}

/// `n` in base 10 or 16 (lowercase), without leading zeros.
fn push_digits(out: &mut Text, mut n: u32, base: u32) {
    let mut digits = [0u8; 10];
    let mut start = digits.len();
    loop {
        start -= 1;
        if let (Some(slot), Some(digit)) = (digits.get_mut(start), char::from_digit(n % base, base))
        {
            *slot = digit as u8;
        }
        n /= base;
        if n == 0 || start == 0 {
            break;
        }
    }
    digits.get(start..).unwrap_or_default().iter().for_each(|&byte| out.push(byte));
}

/// Parses an address exactly as `text.parse::<IpAddr>()` does, by code of our own: std's
/// parser costs the page's wasm 3.5 KB before wasm-opt. As std: four decimal octets without
/// leading zeros, or up to eight groups of one to four hex digits with at most one `::` and
/// an optional dotted IPv4 tail; nothing else before or after. A test holds it to std.
pub fn parse_ip(text: &str) -> Option<IpAddr> {
    let bytes = text.as_bytes();
    let mut at = 0;
    let ip = match read_v4(bytes, &mut at) {
        Some(v4) => IpAddr::V4(v4),
        None => IpAddr::V6(read_v6(bytes, &mut at)?),
    };
    (at == bytes.len()).then_some(ip)
}

/// Consumes `byte` at `at` if it is there.
fn eat(bytes: &[u8], at: &mut usize, byte: u8) -> bool {
    let found = bytes.get(*at) == Some(&byte);
    *at += usize::from(found);
    found
}

/// At most `max_digits` digits of `radix` (more is no number); a leading zero only when
/// `zero_prefix` or alone. On failure `at` is where it was, as after all the readers below.
fn read_number(
    bytes: &[u8],
    at: &mut usize,
    radix: u32,
    max_digits: usize,
    zero_prefix: bool,
) -> Option<u32> {
    let start = *at;
    let mut value = 0;
    while let Some(digit) = bytes.get(*at).and_then(|&b| char::from(b).to_digit(radix)) {
        value = value * radix + digit;
        *at += 1;
        if *at - start > max_digits {
            *at = start;
            return None;
        }
    }
    let count = *at - start;
    if count == 0 || (!zero_prefix && count > 1 && bytes[start] == b'0') {
        *at = start;
        return None;
    }
    Some(value)
}

fn read_v4(bytes: &[u8], at: &mut usize) -> Option<Ipv4Addr> {
    let start = *at;
    let mut octets = [0u8; 4];
    for (i, octet) in octets.iter_mut().enumerate() {
        let number = if i == 0 || eat(bytes, at, b'.') {
            read_number(bytes, at, 10, 3, false)
        } else {
            None
        };
        match number.and_then(|n| u8::try_from(n).ok()) {
            Some(n) => *octet = n,
            None => {
                *at = start;
                return None;
            }
        }
    }
    Some(Ipv4Addr::from(octets))
}

/// Fills `groups` from the front, each after a `:` but the first; an IPv4 tail fills two
/// (and ends the run) when at least two are left. How many were filled, and whether the
/// IPv4 tail was read.
fn read_groups(bytes: &[u8], at: &mut usize, groups: &mut [u16]) -> (usize, bool) {
    let limit = groups.len();
    for i in 0..limit {
        let start = *at;
        if i + 1 < limit {
            if i == 0 || eat(bytes, at, b':') {
                if let Some(v4) = read_v4(bytes, at) {
                    let [a, b, c, d] = v4.octets();
                    groups[i] = u16::from_be_bytes([a, b]);
                    groups[i + 1] = u16::from_be_bytes([c, d]);
                    return (i + 2, true);
                }
            }
            *at = start;
        }
        let group =
            if i == 0 || eat(bytes, at, b':') { read_number(bytes, at, 16, 4, true) } else { None };
        match group {
            Some(group) => groups[i] = group as u16,
            None => {
                *at = start;
                return (i, false);
            }
        }
    }
    (limit, false)
}

fn read_v6(bytes: &[u8], at: &mut usize) -> Option<Ipv6Addr> {
    let mut head = [0u16; 8];
    let (head_len, head_v4) = read_groups(bytes, at, &mut head);
    if head_len == 8 {
        return Some(Ipv6Addr::from(head));
    }
    // No IPv4 part before a `::`, and `::` stands for at least one zero group.
    if head_v4 || !(eat(bytes, at, b':') && eat(bytes, at, b':')) {
        return None;
    }
    let mut tail = [0u16; 7];
    let (tail_len, _) = read_groups(bytes, at, &mut tail[..7 - head_len]);
    head[8 - tail_len..].copy_from_slice(&tail[..tail_len]);
    Some(Ipv6Addr::from(head))
}

/// An IP network such as `10.244.0.0/16`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Cidr {
    pub addr: IpAddr,
    pub prefix: u8,
}

impl Cidr {
    /// Whether `ip` lies inside this network (never across address families).
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.addr, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = if self.prefix == 0 {
                    0
                } else {
                    u32::MAX << (32 - u32::from(self.prefix.min(32)))
                };
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = if self.prefix == 0 {
                    0
                } else {
                    u128::MAX << (128 - u32::from(self.prefix.min(128)))
                };
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

impl FromStr for Cidr {
    type Err = ();

    /// Parses `a.b.c.d/n` or `x::y/n` as Go's `net.ParseCIDR` does: the prefix is required.
    fn from_str(text: &str) -> Result<Self, ()> {
        let (addr, prefix) = text.split_once('/').ok_or(())?;
        let addr = parse_ip(addr).ok_or(())?;
        if prefix.is_empty() || !prefix.bytes().all(|b| b.is_ascii_digit()) || prefix.len() > 3 {
            return Err(());
        }
        let prefix: u8 = prefix.parse().map_err(|_| ())?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        if prefix > max {
            return Err(());
        }
        Ok(Self { addr, prefix })
    }
}

impl fmt::Display for Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", Ip(self.addr), self.prefix)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contains_respects_the_prefix() {
        let cidr: Cidr = "10.244.1.0/24".parse().unwrap();
        assert!(cidr.contains("10.244.1.90".parse().unwrap()));
        assert!(!cidr.contains("10.244.2.1".parse().unwrap()));
        let all: Cidr = "0.0.0.0/0".parse().unwrap();
        assert!(all.contains("203.0.113.10".parse().unwrap()));
        assert!("10.0.0.0/33".parse::<Cidr>().is_err());
        assert!("10.0.0.0".parse::<Cidr>().is_err());
    }

    /// std's `Display` is the oracle: [`Ip`] and [`Socket`] must write every address as it
    /// does, or the page's text and the CLI's goldens would change with this code. Segments
    /// are drawn mostly from 0, 1 and 0xffff so that zero runs of every length and place,
    /// ties between runs, IPv4-mapped and IPv4-compatible forms all occur, and width,
    /// alignment and precision go through `pad` as std's do.
    #[test]
    fn ip_and_socket_are_written_as_std_writes_them() {
        use std::net::{Ipv6Addr, SocketAddrV6};
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut checked = 0;
        for _ in 0..200_000 {
            let r = next();
            let segment = |k: u64| match (r >> (k * 3)) & 7 {
                0..=3 => 0,
                4 => 1,
                5 => 0xffff,
                _ => (r >> (k * 7 + 8)) as u16,
            };
            let mut segments = [0u16; 8];
            for (k, s) in segments.iter_mut().enumerate() {
                *s = segment(k as u64);
            }
            if r >> 60 == 0 {
                // IPv4-mapped and IPv4-compatible forms.
                segments[..5].fill(0);
                segments[5] = if r >> 59 & 1 == 0 { 0xffff } else { 0 };
            }
            let v6 = Ipv6Addr::from(segments);
            let v4 = Ipv4Addr::from((next() >> 32) as u32);
            let port = (next() >> 48) as u16;
            let scope = if next() % 4 == 0 { (next() >> 32) as u32 } else { 0 };
            for ip in [IpAddr::V6(v6), IpAddr::V4(v4)] {
                assert_eq!(Ip(ip).to_string(), ip.to_string());
                assert_eq!(
                    format!("{:>42}|{:<9.5}", Ip(ip), Ip(ip)),
                    format!("{ip:>42}|{ip:<9.5}")
                );
                let socket = SocketAddr::new(ip, port);
                assert_eq!(Socket(socket).to_string(), socket.to_string());
                assert_eq!(format!("{:^50}", Socket(socket)), format!("{socket:^50}"));
                checked += 1;
            }
            let scoped = SocketAddr::V6(SocketAddrV6::new(v6, port, 0, scope));
            assert_eq!(Socket(scoped).to_string(), scoped.to_string());
        }
        for text in
            ["::", "::1", "1::", "0:0:1::", "1:0:0:1:0:0:1:0", "::ffff:0.0.0.0", "::0.0.0.1"]
        {
            let ip: IpAddr = text.parse().unwrap();
            assert_eq!(Ip(ip).to_string(), ip.to_string());
        }
        for ip in [Ipv4Addr::UNSPECIFIED, Ipv4Addr::BROADCAST, Ipv4Addr::new(10, 0, 100, 9)] {
            assert_eq!(Ip(IpAddr::V4(ip)).to_string(), ip.to_string());
        }
        assert_eq!(checked, 400_000);
    }

    /// std's `parse::<IpAddr>` is the oracle: [`parse_ip`] must accept exactly what it
    /// accepts, as the same address. Valid addresses in every spelling (compressed, full,
    /// upper case, with an IPv4 tail) are cut, grown and bent at one random place, and random
    /// strings of the characters that matter are tried too; the counts at the end make sure
    /// both answers were reached often.
    #[test]
    fn parse_ip_accepts_what_std_accepts() {
        use std::net::Ipv6Addr;
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        const CHARS: &[u8] = b"0123456789abcdefABCDEFg:.:.:. 0000";
        let (mut valid, mut invalid) = (0, 0);
        let mut check = |text: &str| {
            let expected = text.parse::<IpAddr>().ok();
            assert_eq!(parse_ip(text), expected, "{text:?}");
            if expected.is_some() {
                valid += 1;
            } else {
                invalid += 1;
            }
        };
        for _ in 0..150_000 {
            let r = next();
            let mut segments = [0u16; 8];
            for (k, s) in segments.iter_mut().enumerate() {
                *s = match (r >> (k * 3)) & 7 {
                    0..=3 => 0,
                    4 => (r >> (k * 5 + 24)) as u16 & 0xf,
                    _ => (r >> (k * 7 + 8)) as u16,
                };
            }
            let v6 = Ipv6Addr::from(segments);
            let v4 = Ipv4Addr::from((next() >> 32) as u32);
            let mut text = match r >> 61 {
                0 | 1 => v4.to_string(),
                2 => v6.to_string(),
                3 => v6.to_string().to_uppercase(),
                4 => segments.map(|s| format!("{s:x}")).join(":"),
                5 => segments.map(|s| format!("{s:04x}")).join(":"),
                // An IPv4 tail after a compressed or a full head.
                6 => {
                    format!("{}:{v4}", Ipv6Addr::from([segments[0], segments[1], 0, 0, 0, 0, 0, 0]))
                        .replacen(":::", "::", 1)
                }
                _ => format!(
                    "{}:{v4}",
                    segments[..6].iter().map(|s| format!("{s:x}")).collect::<Vec<_>>().join(":")
                ),
            }
            .into_bytes();
            check(std::str::from_utf8(&text).unwrap());
            let at = (next() % (text.len() as u64 + 1)) as usize;
            let byte = CHARS[(next() % CHARS.len() as u64) as usize];
            match next() % 3 {
                0 if at < text.len() => {
                    text.remove(at);
                }
                1 if at < text.len() => text[at] = byte,
                _ => text.insert(at, byte),
            }
            check(std::str::from_utf8(&text).unwrap());
            let random: Vec<u8> =
                (0..next() % 24).map(|_| CHARS[(next() % CHARS.len() as u64) as usize]).collect();
            check(std::str::from_utf8(&random).unwrap());
        }
        for text in [
            "",
            ":",
            "::",
            ":::",
            "::1",
            "1::",
            "::ffff:1.2.3.4",
            "1.2.3.4::",
            "::1.2.3.4",
            "1:2:3:4:5:6:7:8:9",
            "1:2:3:4:5:6:1.2.3.4",
            "1:2:3:4:5:6:7:1.2.3.4",
            "01.2.3.4",
            "0.0.0.0",
            "256.1.1.1",
            "1.2.3",
            "1.2.3.4.5",
            "12345::",
            "0000:0::",
            "1:1.2.3.4::",
            "1:1.2.3.4::5",
            "::1:1.2.3.4",
            "1::2:3:4:5:6:1.2.3.4",
        ] {
            check(text);
        }
        assert!(valid > 50_000 && invalid > 50_000, "{valid} valid, {invalid} invalid");
    }
}
