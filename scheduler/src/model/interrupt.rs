//! Stopping HiGHS from another thread (取消排班).
//!
//! The `highs` crate does not wrap HiGHS's callbacks, so this file holds the crate's only
//! `unsafe` code: it registers a C callback through `highs-sys` (the same HiGHS build the
//! `highs` crate links) that HiGHS calls at its interrupt points: in the MIP search, the
//! simplex and the interior-point method. It reads the caller's flag and asks HiGHS to stop
//! when it is raised; HiGHS then ends with status "interrupted" and keeps its best solution,
//! which `run` reports like a time limit.

// The workspace denies unsafe code; this module is the one exception (see Cargo.toml).
#![allow(unsafe_code)]

use std::ffi::{c_char, c_int, c_void};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use highs_sys::{
    kHighsCallbackIpmInterrupt, kHighsCallbackMipInterrupt, kHighsCallbackSimplexInterrupt,
    HighsCallbackDataIn, HighsCallbackDataOut, Highs_setCallback, Highs_startCallback,
};

/// HiGHS's callback: raise `user_interrupt` when the flag behind `user_data` is set.
///
/// # Safety
/// `user_data` is the `AtomicBool` given to [`watch`], alive for the whole solve (the caller
/// holds its `Arc` until `try_solve` returns); `data_in` is HiGHS's own, valid during the call.
unsafe extern "C" fn on_interrupt_point(
    _kind: c_int,
    _message: *const c_char,
    _data_out: *const HighsCallbackDataOut,
    data_in: *mut HighsCallbackDataIn,
    user_data: *mut c_void,
) {
    if data_in.is_null() || user_data.is_null() {
        return;
    }
    // SAFETY: see the function's contract above.
    let flag = unsafe { &*(user_data as *const AtomicBool) };
    if flag.load(Ordering::Relaxed) {
        // SAFETY: HiGHS passes a valid, writable block for the duration of the call.
        unsafe { (*data_in).user_interrupt = 1 };
    }
}

/// Makes `model`'s next solve stop when `flag` is raised. The flag must outlive the solve:
/// `solve_job` owns the options (and so the `Arc`) until `try_solve` has returned.
pub(super) fn watch(model: &mut highs::Model, flag: &Arc<AtomicBool>) {
    let highs = model.as_mut_ptr();
    let user_data = Arc::as_ptr(flag) as *mut c_void;
    // SAFETY: `highs` is the live HiGHS instance owned by `model`; the callback matches
    // HiGHS's C signature; `user_data` stays valid for the solve (see above). The return
    // codes only say whether the callback kind exists in this HiGHS version: without it the
    // solve runs to its time limit, as before.
    unsafe {
        Highs_setCallback(highs, Some(on_interrupt_point), user_data);
        for kind in [
            kHighsCallbackMipInterrupt,
            kHighsCallbackSimplexInterrupt,
            kHighsCallbackIpmInterrupt,
        ] {
            Highs_startCallback(highs, kind);
        }
    }
}
