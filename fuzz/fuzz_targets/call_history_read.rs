//! `api::excel::call_history::read`: the call history (workbook or CSV) for the forecast.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = api::excel::call_history::read(data);
});
