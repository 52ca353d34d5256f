//! Excel in and out as plain functions over bytes. Workbooks are written with
//! rust_xlsxwriter into a buffer; the caller decides where the bytes go. Uploaded files are
//! read with calamine (or as CSV) through [`table`], whose rows importers map by header name.

pub mod attendance;
pub mod bounded;
pub mod call_history;
pub mod guard;
pub mod kpi_import;
pub mod kpi_xlsx;
pub mod payroll_xlsx;
pub mod reconciliation_xlsx;
pub mod report_xlsx;
pub mod roster_xlsx;
pub mod rows;
pub mod staff_import;
pub mod table;
