//! `api::excel::guard::check`: the structural pre-check every upload passes first.
#![no_main]

use api::excel::guard::{check, Limits};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = check(data, &Limits::default());
});
