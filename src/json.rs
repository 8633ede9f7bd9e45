//! The stable JSON contract of `svcroute explain --format json`: its own camelCase types,
//! not the model's, so that the model can change without breaking pipelines.
