//! # api: the `workforce` binary's library
//!
//! The glue of Hotline Workforce, in layers that point one way:
//!
//! ```text
//!   cli/ (clap: parse, one call, print)      web/ (axum: extract, one call, render)
//!                         \                  /
//!                          month/  the month pipeline: roster (solve with the previous
//!                          │       month and approved leave, check, publish), attendance,
//!                          │       KPI, pay (run, approve), exports, compliance, reports
//!                          ▼
//!   staff, hr, attendance, kpi, timesheet, report, policy_doc (domain values)
//!   excel/ (workbooks in and out, plain functions over bytes)   reference (loaded once)
//!                          │
//!                          ▼
//!            scheduler · payroll (the engines)        db/ (sqlx: the one home of the data)
//! ```
//!
//! Reading order:
//! - [`reference`]: the data folder (calendars, payroll and attendance policy, KPI scoring,
//!   the site's rules), loaded once and checked;
//! - [`staff`], [`hr`]: the staff list and HR records as values;
//! - [`db`]: the store — every SQL statement of the application, one file per table family,
//!   runtime-checked queries in a portable subset (SQLite and PostgreSQL), `FromRow` types;
//! - [`month`]: the pipeline the command line and the web app both call;
//! - [`cli`]: the `workforce` commands;
//! - [`web`]: the web app and JSON API;
//! - [`excel`]: workbooks written with rust_xlsxwriter and read with calamine;
//! - [`attendance`], [`kpi`], [`timesheet`], [`report`], [`policy_doc`]: domain computations
//!   the pipeline composes.
//!
//! Why this layout (`../shared/docs/architecture.md` suggests it, and wave 1 showed why): the
//! month's data had two homes (files and the database) and two pipelines (the command line's
//! and the web app's, which called into the first), so a month generated in the browser
//! ignored the previous month and an approved month changed through its exports. Now the
//! store is the only state, and the pipeline is the only way to it: a web handler and a
//! command differ only in how they take arguments and show results. The Excel code stays in
//! one flat `excel/` folder (importers, guard and writers are few and share their table
//! reader), rather than the suggested read/guard/import/export sub-folders.

pub mod accounts;
pub mod attendance;
pub mod cli;
pub mod clock;
pub mod db;
pub mod excel;
pub mod hr;
pub mod kpi;
pub mod month;
pub mod policy_doc;
pub mod reference;
pub mod report;
pub mod said;
pub mod staff;
pub mod timesheet;
pub mod web;

/// The layers point one way: read off the sources, so a stray import fails the build's tests.
#[cfg(test)]
mod layers {
    use std::path::Path;

    fn sources(dir: &str) -> Vec<(String, String)> {
        let mut out = Vec::new();
        let mut stack = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("src").join(dir)];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).unwrap().flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                } else if p.extension().is_some_and(|x| x == "rs") {
                    out.push((
                        p.display().to_string(),
                        std::fs::read_to_string(&p).unwrap(),
                    ));
                }
            }
        }
        out
    }

    fn refuse(dir: &str, names: &[&str]) {
        let files = sources(dir);
        assert!(!files.is_empty(), "{dir} has sources");
        for (path, text) in files {
            for (n, line) in text.lines().enumerate() {
                let code = line.split("//").next().unwrap_or_default();
                for name in names {
                    assert!(
                        !code.contains(name),
                        "{path}:{}: `{name}` climbs a layer: {line}",
                        n + 1
                    );
                }
            }
        }
    }

    /// No web module imports a command-line module (nor anything named `*_cli`); the pipeline
    /// imports no front end; the store imports neither the pipeline nor a front end.
    #[test]
    fn imports_point_down() {
        refuse("web", &["crate::cli", "_cli::", "super::super::cli"]);
        refuse(
            "month",
            &["crate::cli", "crate::web", "println!", "eprintln!"],
        );
        refuse("db", &["crate::cli", "crate::web", "crate::month"]);
    }
}
