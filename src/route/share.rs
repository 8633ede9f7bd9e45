//! Exact shares of new connections, as fractions: 1/3, not 0.333.
//!
//! kube-proxy's iptables probabilities 1/(n-i) multiply out to exactly 1/n per endpoint
//! (facts 5.1), so fractions are the truth; `f64` appears only at the edge (JSON, labels).

use std::cmp::Ordering;
use std::fmt;

/// A non-negative fraction in lowest terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Share {
    num: u128,
    den: u128,
}

fn gcd(mut a: u128, mut b: u128) -> u128 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

impl Share {
    pub const ZERO: Share = Share { num: 0, den: 1 };
    pub const ONE: Share = Share { num: 1, den: 1 };

    /// `num/den` in lowest terms; a zero denominator gives zero (never a panic).
    pub fn new(num: u128, den: u128) -> Self {
        if den == 0 || num == 0 {
            return Self::ZERO;
        }
        let divisor = gcd(num, den);
        Self { num: num / divisor, den: den / divisor }
    }

    pub fn numerator(self) -> u128 {
        self.num
    }

    pub fn denominator(self) -> u128 {
        self.den
    }

    pub fn is_zero(self) -> bool {
        self.num == 0
    }

    /// The share as a float, for JSON's `shareValue` and percentages.
    pub fn to_f64(self) -> f64 {
        self.num as f64 / self.den as f64
    }

    // Inherent `mul`/`add` rather than operator traits: they never panic on overflow and
    // read plainly at call sites (`weight.mul(share)`).
    #[allow(clippy::should_implement_trait)]
    /// Product of two shares (a node's weight times an endpoint's share on that node).
    pub fn mul(self, other: Share) -> Share {
        let g1 = gcd(self.num, other.den).max(1);
        let g2 = gcd(other.num, self.den).max(1);
        let num = (self.num / g1).checked_mul(other.num / g2);
        let den = (self.den / g2).checked_mul(other.den / g1);
        match (num, den) {
            (Some(num), Some(den)) => Share::new(num, den),
            _ => Share::approximate(self.to_f64() * other.to_f64()),
        }
    }

    #[allow(clippy::should_implement_trait)]
    /// Sum of two shares; exact unless the denominators' lcm overflows u128, in which case
    /// the nearest fraction with a 2^64 denominator stands in (never reached by real
    /// clusters: it needs hundreds of distinct co-prime pod counts).
    pub fn add(self, other: Share) -> Share {
        let g = gcd(self.den, other.den).max(1);
        let den = (self.den / g).checked_mul(other.den);
        let lhs = den.and_then(|_| self.num.checked_mul(other.den / g));
        let rhs = den.and_then(|_| other.num.checked_mul(self.den / g));
        match (den, lhs, rhs) {
            (Some(den), Some(lhs), Some(rhs)) => match lhs.checked_add(rhs) {
                Some(num) => Share::new(num, den),
                None => Share::approximate(self.to_f64() + other.to_f64()),
            },
            _ => Share::approximate(self.to_f64() + other.to_f64()),
        }
    }

    fn approximate(value: f64) -> Share {
        let den: u128 = 1 << 64;
        Share::new((value.max(0.0) * den as f64).round() as u128, den)
    }

    /// The percentage with one decimal, as the page's table shows it (`33.3%`).
    pub fn percent(self) -> String {
        format!("{:.1}%", self.to_f64() * 100.0)
    }
}

impl fmt::Display for Share {
    /// `1/3`, `1/2`, and `1` or `0` for whole numbers.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_decimal(f, self.num)?;
        if self.den != 1 {
            f.write_str("/")?;
            write_decimal(f, self.den)?;
        }
        Ok(())
    }
}

/// `n` in decimal digits, as `{}` writes it. By hand: core's `u128` `Display` is about 1.5 KB
/// of the page's code, and shares are the only `u128` the page prints.
fn write_decimal(f: &mut fmt::Formatter<'_>, mut n: u128) -> fmt::Result {
    // u128::MAX has 39 digits.
    let mut digits = [b'0'; 39];
    let mut len = 0;
    for slot in digits.iter_mut().rev() {
        *slot = b'0' + (n % 10) as u8;
        n /= 10;
        len += 1;
        if n == 0 {
            break;
        }
    }
    let text = digits.get(digits.len() - len..).and_then(|d| std::str::from_utf8(d).ok());
    f.write_str(text.unwrap_or_default())
}

impl PartialOrd for Share {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Share {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self.num.checked_mul(other.den), other.num.checked_mul(self.den)) {
            (Some(lhs), Some(rhs)) => lhs.cmp(&rhs),
            _ => self.to_f64().total_cmp(&other.to_f64()),
        }
    }
}

impl std::iter::Sum for Share {
    fn sum<I: Iterator<Item = Share>>(iter: I) -> Share {
        iter.fold(Share::ZERO, Share::add)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_are_exact_fractions() {
        let third = Share::new(1, 3);
        assert_eq!(third.to_string(), "1/3");
        assert_eq!([third, third, third].into_iter().sum::<Share>(), Share::ONE);
        assert_eq!(Share::new(1, 2).mul(Share::new(1, 2)).to_string(), "1/4");
        assert_eq!(Share::new(2, 4), Share::new(1, 2));
        assert_eq!(third.percent(), "33.3%");
        assert_eq!(Share::new(1, 0), Share::ZERO);
        assert!(Share::new(1, 4) < Share::new(1, 3));
    }

    #[test]
    fn shares_print_their_numbers_as_core_does() {
        for n in [0, 1, 9, 10, 99, 100, 12345, u128::from(u64::MAX), u128::MAX - 1] {
            assert_eq!(Share { num: n, den: 1 }.to_string(), n.to_string());
            let over_n = if n == 1 { "7".to_string() } else { format!("7/{n}") };
            assert_eq!(Share { num: 7, den: n }.to_string(), over_n);
        }
    }
}
