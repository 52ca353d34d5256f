//! # api: the `workforce` binary's library
//!
//! The glue of Hotline Workforce: reads reference data and inputs from disk, maps them into
//! the pure `scheduler` and `payroll` crates, and writes JSON and Excel. Reading order:
//! - [`data`]: the data directory (calendars, sites) loaded and checked at start-up;
//! - [`roster_cli`]: `workforce roster` (solve, summary, JSON and workbook), `roster check`,
//!   `roster repair` and `roster candidates`;
//! - [`request_cli`]: `workforce request` (leave and swap requests, checked and decided);
//! - [`nrp_cli`]: `workforce nrp solve | score` on the Curtois-Qu benchmark;
//! - [`forecast_cli`]: `workforce forecast` (call history → interval needs, need.json);
//! - [`excel`]: workbooks written with rust_xlsxwriter, as plain functions returning bytes;
//! - [`timesheet`]: a roster mapped into payroll's time sheets;
//! - [`payroll_cli`]: `workforce payroll compute | demo`;
//! - [`attendance`] and [`attendance_cli`]: attendance records, pairing of punches and the
//!   reconciliation with the roster; `workforce attendance import | template | list | reconcile`;
//! - [`export_cli`]: `workforce export payroll | payslips | ledger | tax | bank | compliance`;
//! - [`hr`]: HR master data (ID numbers, bank accounts) of `hr.toml`;
//! - [`store`]: the database (SQLite through sqlx), one transaction per import.

pub mod accounts;
pub mod attendance;
pub mod attendance_cli;
pub mod data;
pub mod excel;
pub mod export_cli;
pub mod forecast_cli;
pub mod hr;
pub mod kpi;
pub mod kpi_cli;
pub mod nrp_cli;
pub mod payroll_cli;
pub mod policy_cli;
pub mod policy_doc;
pub mod report;
pub mod report_cli;
pub mod request_cli;
pub mod roster_cli;
pub mod serve_cli;
pub mod store;
pub mod timesheet;
pub mod web;
