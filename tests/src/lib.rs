//! Acceptance tests live in `tests/tests/`; this library holds what they share: the
//! independent corpus of vendor attendance exports ([`vendor`]).

pub mod vendor;
