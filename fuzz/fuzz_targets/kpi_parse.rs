//! `api::excel::kpi_import::parse` for 2026-03 with the demo site's staff (data/demo).
#![no_main]

use std::path::Path;
use std::sync::OnceLock;

use api::excel::kpi_import::parse;
use api::excel::rows::StaffEntry;
use libfuzzer_sys::fuzz_target;

fn staff() -> &'static [StaffEntry] {
    static STAFF: OnceLock<Vec<StaffEntry>> = OnceLock::new();
    STAFF.get_or_init(|| {
        let site =
            api::reference::load_site(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../data/demo"))
                .expect("demo site");
        site.employees
            .iter()
            .map(|e| StaffEntry {
                id: e.id.clone(),
                name: e.name.clone(),
            })
            .collect()
    })
}

fuzz_target!(|data: &[u8]| {
    let _ = parse(data, "upload.xlsx", staff(), 2026, 3);
});
