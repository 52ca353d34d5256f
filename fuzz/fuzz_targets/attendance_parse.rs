//! `api::excel::attendance::parse` for 2026-03 against the demo site (data/demo).
#![no_main]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use api::excel::attendance::{parse, ImportContext};
use libfuzzer_sys::fuzz_target;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn ctx() -> &'static ImportContext {
    static CTX: OnceLock<ImportContext> = OnceLock::new();
    CTX.get_or_init(|| {
        let root = repo();
        ImportContext::of_site(
            2026,
            3,
            &api::reference::load_site(&root.join("data/demo")).expect("demo site"),
            api::reference::load_attendance_policy(&root.join("data")).expect("policy"),
        )
    })
}

fuzz_target!(|data: &[u8]| {
    let _ = parse(data, ctx());
});
