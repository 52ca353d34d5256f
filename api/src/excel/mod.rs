//! Excel in and out as plain functions over bytes. Workbooks are written with
//! rust_xlsxwriter into a buffer; the caller decides where the bytes go.

pub mod roster_xlsx;
