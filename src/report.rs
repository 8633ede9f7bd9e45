//! The explain table people read: outcome, reason, every path with its hops and rewrites.
