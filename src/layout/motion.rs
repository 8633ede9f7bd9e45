//! Where a packet is at a given moment: the page's animation and its "step" control ask
//! this module, with time as an argument (the core has no clock).
//!
//! A connection travels its path's wire one hop per unit of progress: progress 0.5 is half
//! way along the first hop, 1.0 the end of the first hop (where the next hop's rewrites,
//! if any, apply), `n_hops` the end of the path.

use super::scene::{Point, Wire};
use crate::route::{Hop, Packet};

/// A packet in flight, as the page draws it.
#[derive(Debug, Clone, PartialEq)]
pub struct PacketPosition {
    pub at: Point,
    /// The hop it is on (index into the path's hops).
    pub hop_idx: usize,
    /// The addresses on this hop's wire.
    pub packet: Packet,
    /// True on a hop whose start rewrote the packet (DNAT or SNAT just happened).
    pub is_rewritten: bool,
}

/// The point `fraction` (0..=1) of the way along a polyline, by length.
pub fn point_along(points: &[Point], fraction: f64) -> Option<Point> {
    let first = *points.first()?;
    let total: f64 = points.windows(2).map(|pair| pair[0].distance(pair[1])).sum();
    if total <= f64::EPSILON {
        return Some(first);
    }
    let mut remaining = fraction.clamp(0.0, 1.0) * total;
    for pair in points.windows(2) {
        let length = pair[0].distance(pair[1]);
        if remaining <= length && length > 0.0 {
            let t = remaining / length;
            return Some(Point::new(
                pair[0].x + (pair[1].x - pair[0].x) * t,
                pair[0].y + (pair[1].y - pair[0].y) * t,
            ));
        }
        remaining -= length;
    }
    points.last().copied()
}

/// Where a packet of `wire` (with the path's `hops`) is at `progress` hops, or `None` once it
/// has arrived (progress beyond the last hop) or before it starts.
pub fn packet_at(wire: &Wire, hops: &[Hop], progress: f64) -> Option<PacketPosition> {
    if !(0.0..hops.len() as f64).contains(&progress) {
        return None;
    }
    let hop_idx = (progress.floor() as usize).min(hops.len().saturating_sub(1));
    let hop = hops.get(hop_idx)?;
    let points = wire.hops.get(hop_idx)?;
    let at = point_along(points, progress - hop_idx as f64)?;
    Some(PacketPosition { at, hop_idx, packet: hop.after, is_rewritten: !hop.rewrites.is_empty() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn point_along_walks_by_length() {
        let points = [Point::new(0.0, 0.0), Point::new(10.0, 0.0), Point::new(10.0, 30.0)];
        assert_eq!(point_along(&points, 0.0), Some(Point::new(0.0, 0.0)));
        assert_eq!(point_along(&points, 0.25), Some(Point::new(10.0, 0.0)));
        assert_eq!(point_along(&points, 1.0), Some(Point::new(10.0, 30.0)));
        assert_eq!(point_along(&[], 0.5), None);
    }
}
