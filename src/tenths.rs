//! Numbers with one decimal, as `format!("{:.1}", x)` writes them, for SVG coordinates and
//! percentages.
//!
//! Written by hand because core's fixed-precision float formatting (Grisu's and Dragon4's
//! exact modes with their big-number arithmetic) is several kilobytes of the page's wasm.
//! The result is the same string, digit for digit: `x` is exactly `m × 2^e`, so `10x` is
//! rounded from integers, half to even as core does.

use std::fmt;

/// Formats its number as `{:.1}` does: `12.3`, `-0.0`, `NaN`, `inf`.
///
/// ```
/// use svcroute::tenths::Tenths;
/// assert_eq!(Tenths(33.333).to_string(), format!("{:.1}", 33.333));
/// assert_eq!(Tenths(0.25).to_string(), "0.2");
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Tenths(pub f64);

impl fmt::Display for Tenths {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let x = self.0;
        if x.is_nan() {
            return f.write_str("NaN");
        }
        if x.is_sign_negative() {
            f.write_str("-")?;
        }
        if x.is_infinite() {
            return f.write_str("inf");
        }
        let tenths = round_tenths(x.abs());
        write!(f, "{}.{}", tenths / 10, tenths % 10)
    }
}

/// `10 × x` rounded to an integer, half to even, for a finite `x ≥ 0`; saturates far beyond
/// any coordinate or percentage (about 1.8e18).
fn round_tenths(x: f64) -> u64 {
    let bits = x.to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i32;
    let fraction = bits & ((1 << 52) - 1);
    // x = mantissa × 2^exponent, exactly.
    let (mantissa, exponent) =
        if biased == 0 { (fraction, -1074) } else { (fraction | 1 << 52, biased - 1075) };
    let scaled = u128::from(mantissa) * 10;
    let tenths = if exponent >= 0 {
        if exponent > 64 {
            u128::MAX
        } else {
            scaled << exponent
        }
    } else {
        let shift = exponent.unsigned_abs();
        if shift > 120 {
            // Below 2^-60: far under half a tenth.
            0
        } else {
            let quotient = scaled >> shift;
            let remainder = scaled & ((1 << shift) - 1);
            let half = 1 << (shift - 1);
            let round_up = remainder > half || (remainder == half && quotient & 1 == 1);
            quotient + u128::from(round_up)
        }
    };
    u64::try_from(tenths).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn same(x: f64) {
        assert_eq!(Tenths(x).to_string(), format!("{x:.1}"), "{x:e} ({:#x})", x.to_bits());
    }

    #[test]
    fn writes_what_core_writes_for_ties_signs_and_specials() {
        for x in [
            0.0,
            -0.0,
            0.05,
            0.15,
            0.25,
            0.35,
            0.45,
            -0.25,
            -0.04,
            0.95,
            9.95,
            99.95,
            1.0 / 3.0,
            2.0 / 3.0,
            33.349999,
            66.65,
            100.0,
            12.25,
            1e-300,
            5e-324,
            -5e-324,
            1e15,
            123456.75,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::MIN_POSITIVE,
            0.1,
            0.7,
            1e17 + 0.5,
        ] {
            same(x);
        }
    }

    #[test]
    fn writes_what_core_writes_for_a_million_numbers() {
        // Coordinates and percentages: multiples of small fractions, ties included, and
        // random bit patterns across the range where tenths fit.
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for idx in 0..400_000 {
            same(f64::from(idx) / 8.0);
            same(f64::from(idx) / 3.0 - 5000.0);
            let bits = next();
            let x = f64::from_bits(bits);
            if x.is_finite() && x.abs() < 1e17 {
                same(x);
            }
            same((next() % 1_000_000) as f64 / 1000.0);
        }
    }
}
