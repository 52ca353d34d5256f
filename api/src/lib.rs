//! placeholder
pub mod payroll_cli;
