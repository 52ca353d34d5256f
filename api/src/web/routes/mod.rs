//! The routes, one file per area. Each handler extracts its request ([`super::extract`]),
//! makes one call into the month pipeline or the store, and renders a page or JSON.

use std::sync::Arc;

use axum::Router;

use super::App;

/// Attendance: upload, preview, confirm; the JSON import.
pub mod attendance;
/// The audit log.
pub mod audit;
/// Log-in, log-out, `/api/me`, the OpenAPI document.
pub mod auth;
/// The purchaser's compliance page, JSON and workbook.
pub mod compliance;
/// Corrections of approved months (attendance, KPI).
pub mod corrections;
/// Differences between roster and attendance, for HR to confirm.
pub mod differences;
/// The exports page and the month's workbooks.
pub mod exports;
/// The overview.
pub mod home;
/// Payroll runs (draft, review, approve) and their workbooks.
pub mod payroll;
/// Repair of a published month after events (leavers, joiners, approved leave).
pub mod repair;
/// The periodic reports and the policy documents: pages, downloads, JSON.
pub mod reports;
/// The request book: leave and swap requests, approved or rejected.
pub mod requests;
/// The roster pages (generate, grid, edit with the validator's verdict, publish).
pub mod roster;
/// Staff: hiring criteria and the replacement tracker.
pub mod staff;
/// Staff changes: add, edit, deactivate, import.
pub mod staff_edit;

/// Every route.
pub fn router() -> Router<Arc<App>> {
    Router::new()
        .merge(home::routes())
        .merge(auth::routes())
        .merge(attendance::routes())
        .merge(exports::routes())
        .merge(audit::routes())
        .merge(roster::routes())
        .merge(repair::routes())
        .merge(requests::routes())
        .merge(payroll::routes())
        .merge(compliance::routes())
        .merge(staff::routes())
        .merge(staff_edit::routes())
        .merge(differences::routes())
        .merge(reports::routes())
        .merge(corrections::routes())
}
