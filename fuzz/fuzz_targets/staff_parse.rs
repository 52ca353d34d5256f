//! `api::excel::staff_import::parse_staff` against the demo site (data/demo), today fixed at
//! 2026-03-15 so runs are reproducible.
#![no_main]

use std::path::Path;
use std::sync::OnceLock;

use api::excel::staff_import::parse_staff;
use chrono::NaiveDate;
use libfuzzer_sys::fuzz_target;
use scheduler::Site;

fn site() -> &'static Site {
    static SITE: OnceLock<Site> = OnceLock::new();
    SITE.get_or_init(|| {
        api::reference::load_site(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../data/demo"))
            .expect("demo site")
    })
}

fuzz_target!(|data: &[u8]| {
    let today = NaiveDate::from_ymd_opt(2026, 3, 15).expect("date");
    let _ = parse_staff(data, site(), today);
});
