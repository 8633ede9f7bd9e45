//! The one native integration test binary.
