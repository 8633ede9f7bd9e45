//! A seeded simulation of new connections over an explanation's paths: the sequence the
//! page animates, and counts that converge to the exact shares.
//!
//! Self-contained PRNG (SplitMix64): no `rand` crate and no global RNG, so a seed gives the
//! same sequence everywhere, natively and in wasm.

use super::{Explanation, Outcome, Share};

/// SplitMix64 (Steele, Lea, Flood 2014): tiny, fast, and good enough to pick paths.
#[derive(Debug, Clone)]
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    pub fn new(seed: u64) -> Self {
        Self { state: seed }
    }

    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A uniform integer in `0..bound` (`bound > 0`), without modulo bias (rejection).
    pub fn below(&mut self, bound: u64) -> u64 {
        if bound <= 1 {
            return 0;
        }
        let zone = u64::MAX - (u64::MAX % bound);
        loop {
            let value = self.next_u64();
            if value < zone {
                return value % bound;
            }
        }
    }
}

fn gcd(mut a: u128, mut b: u128) -> u128 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// Picks a path index with probability equal to its exact share.
#[derive(Debug, Clone)]
struct Picker {
    /// Cumulative numerators over `denominator`, when every share fits a u64 denominator.
    cumulative: Vec<u64>,
    denominator: u64,
    /// Fallback for shares whose common denominator overflows: cumulative floats.
    cumulative_f64: Vec<f64>,
}

impl Picker {
    fn new(shares: &[Share]) -> Self {
        let lcm = shares.iter().try_fold(1u128, |lcm, share| {
            let den = share.denominator();
            let lcm = (lcm / gcd(lcm, den).max(1)).checked_mul(den)?;
            (lcm <= u128::from(u64::MAX)).then_some(lcm)
        });
        let mut cumulative = Vec::new();
        let mut denominator = 0;
        if let Some(lcm) = lcm {
            let mut total: u128 = 0;
            for share in shares {
                total += share.numerator() * (lcm / share.denominator().max(1));
                cumulative.push(u64::try_from(total).unwrap_or(u64::MAX));
            }
            denominator = u64::try_from(lcm).unwrap_or(u64::MAX);
        }
        let mut total = 0.0;
        let mut cumulative_f64 = Vec::with_capacity(shares.len());
        for share in shares {
            total += share.to_f64();
            cumulative_f64.push(total);
        }
        Self { cumulative, denominator, cumulative_f64 }
    }

    fn pick(&self, rng: &mut SplitMix64) -> usize {
        if self.denominator > 0 {
            let value = rng.below(self.denominator);
            // Cumulative bounds are sorted: binary search keeps a draw O(log paths).
            return self
                .cumulative
                .partition_point(|&bound| bound <= value)
                .min(self.cumulative.len().saturating_sub(1));
        }
        let value = (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
        self.cumulative_f64
            .iter()
            .position(|&bound| value < bound)
            .unwrap_or(self.cumulative_f64.len().saturating_sub(1))
    }
}

/// The path index of each new connection, in order, for `seed`: the page animates exactly
/// this sequence. Empty when the explanation has no path.
///
/// When paths are omitted (`expl.omitted_paths > 0`), a connection that takes one of them
/// is drawn with their exact total share `expl.omitted_share` and yields `expl.paths.len()`,
/// an index past the listed paths: the draw stays the full distribution, and listed paths
/// keep their exact frequencies. The omitted paths are all through nodes not listed (or, when
/// one node alone has more than `MAX_PATHS` paths, through that node's later pods), so
/// affinity's per-node stickiness is not tracked for them.
///
/// Each connection first lands where the load balancer (or the client) sends it and is then
/// placed by kube-proxy's random choice, which together is a draw by the paths' exact
/// shares. With `sessionAffinity: ClientIP` the one client IP sticks: once a node has sent
/// it to an endpoint, that node's later connections go to the same endpoint (facts 5.5;
/// the affinity timeout is taken as never expiring during the simulation).
pub fn connections(expl: &Explanation, seed: u64) -> impl Iterator<Item = usize> + '_ {
    let mut shares: Vec<Share> = Vec::with_capacity(expl.paths.len() + 1);
    for path in &expl.paths {
        shares.push(path.share);
    }
    if !expl.omitted_share.is_zero() {
        shares.push(expl.omitted_share);
    }
    let picker = Picker::new(&shares);
    let mut rng = SplitMix64::new(seed);
    let has_affinity = expl.session_affinity_timeout.is_some();
    // The endpoint each node sticks to: (via node, path index), sorted by node.
    let mut sticky: Vec<(Option<&str>, usize)> = Vec::new();
    let n_paths = expl.paths.len();
    std::iter::from_fn(move || {
        if n_paths == 0 {
            return None;
        }
        let picked = picker.pick(&mut rng);
        let Some(path) = expl.paths.get(picked) else {
            // The bucket of the omitted paths.
            return Some(n_paths);
        };
        if !has_affinity || path.outcome != Outcome::Delivered {
            return Some(picked);
        }
        Some(*crate::sort::sorted_entry(&mut sticky, path.via_node.as_deref(), || picked))
    })
}

/// How many of `n` new connections take each path (indexed like `expl.paths`). Connections
/// through omitted paths are in no count: the counts then sum to less than `n`.
pub fn simulate(expl: &Explanation, seed: u64, n: usize) -> Vec<u64> {
    let mut counts = vec![0u64; expl.paths.len()];
    for index in connections(expl, seed).take(n) {
        if let Some(count) = counts.get_mut(index) {
            *count += 1;
        }
    }
    counts
}
