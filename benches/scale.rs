//! Scale benchmark: figures, not pass/fail.

fn main() {}
