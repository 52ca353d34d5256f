//! The JSON API's OpenAPI 3.0 document (`GET /api/openapi.json`), generated from one table,
//! [`OPERATIONS`]: each operation's method, path, the [`Area`] its rights come from (so the
//! roles listed are [`allowed`]'s, never a copy), parameters and bodies. A test reads the
//! router's source and checks that every `/api/` route is in the table and every operation
//! in the table is routed, so the document cannot drift from the code.
//!
//! Authentication: sign in with `POST /login` (form `username`, `password`); the session
//! cookie `hw_session` then authorises every call; JSON POSTs also carry the session's CSRF
//! token (from `GET /api/me`) in `X-CSRF-Token`.

use serde_json::{json, Value};

use super::{allowed, Area};
use crate::accounts::Role;

/// Where a value goes.
#[derive(Debug, Clone, Copy)]
pub enum In {
    /// `?name=` query parameter.
    Query,
    /// `{name}` in the path.
    Path,
}

/// One parameter: name, where, required, description.
pub type Param = (&'static str, In, bool, &'static str);

/// One operation of the API.
#[derive(Debug, Clone, Copy)]
pub struct Operation {
    /// `get` or `post`.
    pub method: &'static str,
    /// Path with `{name}` parameters.
    pub path: &'static str,
    /// The rights.
    pub area: Area,
    /// What it does.
    pub summary: &'static str,
    /// Parameters.
    pub params: &'static [Param],
    /// Request body: media type and a description of its fields (empty: none).
    pub body: (&'static str, &'static str),
    /// What a success returns: media type and description.
    pub returns: (&'static str, &'static str),
}

const JSON: &str = "application/json";
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const MONTH: Param = ("month", In::Query, true, "YYYY-MM");
const NONE: (&str, &str) = ("", "");

/// Every operation of the JSON API (and the workbook downloads, which are plain GETs).
pub const OPERATIONS: &[Operation] = &[
    Operation {
        method: "get",
        path: "/api/me",
        area: Area::Me,
        summary: "The signed-in user and the session's CSRF token",
        params: &[],
        body: NONE,
        returns: (JSON, "{id, username, display_name, role, csrf}"),
    },
    Operation {
        method: "get",
        path: "/api/openapi.json",
        area: Area::Me,
        summary: "This document",
        params: &[],
        body: NONE,
        returns: (JSON, "OpenAPI 3.0 document"),
    },
    Operation {
        method: "get",
        path: "/api/audit",
        area: Area::Audit,
        summary: "The audit log, newest first: who, when, what, before, after",
        params: &[("limit", In::Query, false, "entries (default 200)")],
        body: NONE,
        returns: (JSON, "{entries: [{id, at, actor, action, target, before, after}]}"),
    },
    Operation {
        method: "get",
        path: "/api/attendance",
        area: Area::Attendance,
        summary: "The month's stored attendance records and imports",
        params: &[("month", In::Query, false, "YYYY-MM (default this month)")],
        body: NONE,
        returns: (JSON, "{month, records, imports}"),
    },
    Operation {
        method: "post",
        path: "/api/attendance/import",
        area: Area::Attendance,
        summary: "Import an attendance file (template, DingTalk, WeCom, ZKTeco, CSV) in one transaction; every problem located, nothing stored on any problem",
        params: &[
            MONTH,
            ("file_name", In::Query, false, "shown in the import list"),
            ("dry_run", In::Query, false, "true: check and list, store nothing"),
            ("confirm_replace", In::Query, false, "true: replace stored records even where the file has fewer for a person (otherwise 409 naming them)"),
        ],
        body: ("application/octet-stream", "the workbook or CSV bytes"),
        returns: (JSON, "{stored, import: {import_id, inserted, replaced, people}}; dry run {stored: false, dry_run: true, …}; 422 {stored: false, problems: [{sheet, row, column, expected, found}]}"),
    },
    Operation {
        method: "get",
        path: "/api/corrections",
        area: Area::Corrections,
        summary: "The corrections of an approved month, each with the run that paid it (null while open)",
        params: &[MONTH],
        body: NONE,
        returns: (JSON, "{month, corrections: [{id, month, employee, kind: attendance|kpi, reason, created_by, created_at, settled_run_id}]}"),
    },
    Operation {
        method: "post",
        path: "/api/corrections/attendance",
        area: Area::Corrections,
        summary: "Enter a corrected attendance file of an approved month (its people's records on the file's dates replace theirs); the next payroll run pays the differences as arrears lines; the approved month never changes",
        params: &[
            MONTH,
            ("reason", In::Query, true, "why (kept with the correction and audited)"),
            ("file_name", In::Query, false, "shown with the reason"),
        ],
        body: ("application/octet-stream", "the workbook or CSV bytes (any supported attendance format)"),
        returns: (JSON, "{stored: true, month, corrections: [id]}; 409 when the month is not approved; 422 with every located problem"),
    },
    Operation {
        method: "post",
        path: "/api/corrections/kpi",
        area: Area::Corrections,
        summary: "Enter a KPI adjustment of an approved month as a correction, paid as a difference by the next run",
        params: &[],
        body: (JSON, "{month, employee, kpi: answer_rate|satisfaction|qa_score|callback_timeliness|attendance, points, reason}"),
        returns: (JSON, "{stored: true, month, correction: id}; 409 when the month is not approved"),
    },
    Operation {
        method: "get",
        path: "/api/attendance/differences",
        area: Area::Attendance,
        summary: "The month's differences between roster and stored attendance, each with its confirmation",
        params: &[MONTH],
        body: NONE,
        returns: (JSON, "{month, reconciled, differences: [{employee, name, date, kind, label, rostered, recorded, detail, confirmed_by, confirmed_at, note}]}"),
    },
    Operation {
        method: "post",
        path: "/api/attendance/differences/confirm",
        area: Area::Attendance,
        summary: "Confirm differences (each must be one the month has), with a note; audited",
        params: &[],
        body: (JSON, "{month, note, items: [{employee, date, kind}]}"),
        returns: (JSON, "{stored, confirmed}"),
    },
    Operation {
        method: "get",
        path: "/api/roster",
        area: Area::RosterView,
        summary: "The month's roster (stored or file) with the validator's verdict",
        params: &[MONTH],
        body: NONE,
        returns: (JSON, "{month, published, roster, violations}"),
    },
    Operation {
        method: "get",
        path: "/api/roster/progress",
        area: Area::RosterView,
        summary: "A running generation's progress",
        params: &[MONTH],
        body: NONE,
        returns: (JSON, "{running, elapsed, limit, …}"),
    },
    Operation {
        method: "post",
        path: "/api/roster/generate",
        area: Area::RosterEdit,
        summary: "Start generating a month in the background (one per month; a second request gets 409)",
        params: &[],
        body: (JSON, "{month, time_limit?}"),
        returns: (JSON, "{started, month}"),
    },
    Operation {
        method: "post",
        path: "/api/roster/cancel",
        area: Area::RosterEdit,
        summary: "Cancel a running generation",
        params: &[],
        body: (JSON, "{month}"),
        returns: (JSON, "{cancelled}"),
    },
    Operation {
        method: "post",
        path: "/api/roster/cell",
        area: Area::RosterEdit,
        summary: "Set one cell of a draft and get the validator's verdict",
        params: &[],
        body: (JSON, "{month, employee, date, shift (code or off)}"),
        returns: (JSON, "{violations, …}; 409 when the month is published"),
    },
    Operation {
        method: "post",
        path: "/api/roster/publish",
        area: Area::RosterEdit,
        summary: "Publish the month's draft (then locked, also by a database trigger): re-checked with the previous month's published roster and the approved leave; a roster that breaks a rule needs `override` (the reason, audited)",
        params: &[],
        body: (JSON, "{month, override?}"),
        returns: (JSON, "{published, version, history, violations}"),
    },
    Operation {
        method: "get",
        path: "/api/payroll/runs",
        area: Area::Payroll,
        summary: "The month's payroll runs",
        params: &[MONTH],
        body: NONE,
        returns: (JSON, "{month, runs: [{id, month, status, created_by, created_at, approved_by, approved_at}]}"),
    },
    Operation {
        method: "post",
        path: "/api/payroll/run",
        area: Area::Payroll,
        summary: "Run a month as a draft (off the async runtime; one per month at a time, else 409)",
        params: &[],
        body: (JSON, "{month}"),
        returns: (JSON, "{id, month, status: draft}"),
    },
    Operation {
        method: "get",
        path: "/api/payroll/run/{id}",
        area: Area::Payroll,
        summary: "A run with every payslip and the month's cost",
        params: &[("id", In::Path, true, "run id")],
        body: NONE,
        returns: (JSON, "{run, payroll, cost}"),
    },
    Operation {
        method: "post",
        path: "/api/payroll/run/{id}/approve",
        area: Area::PayrollApprove,
        summary: "Approve a draft (then immutable; one approved run a month)",
        params: &[("id", In::Path, true, "run id")],
        body: NONE,
        returns: (JSON, "{approved}"),
    },
    Operation {
        method: "get",
        path: "/api/compliance",
        area: Area::Compliance,
        summary: "The year's seat labour cost by item and month against the floor, projection, headcount, coverage, pay per person (no ID numbers or bank accounts)",
        params: &[("year", In::Query, false, "YYYY (default this year)")],
        body: NONE,
        returns: (JSON, "{year, floor, view}"),
    },
    Operation {
        method: "get",
        path: "/api/staff",
        area: Area::Staff,
        summary: "The staff list (ID numbers and bank accounts masked unless HR or admin)",
        params: &[],
        body: NONE,
        returns: (JSON, "{staff: [{employee, hr, active, updated_by, updated_at}]}"),
    },
    Operation {
        method: "post",
        path: "/api/staff",
        area: Area::StaffEdit,
        summary: "Add (new: true) or change a person; checked by the site and HR loaders, audited",
        params: &[],
        body: (JSON, "{new, employee: {id, name, roles, team?, reserve?, shifts?, working_days_only?, position?, grade?}, hr?: {id, name, id_type, id_number, bank, bank_account, hired_on, education?, typing_cpm?}}"),
        returns: (JSON, "{stored, added, changed}; 400 {stored: false, error}"),
    },
    Operation {
        method: "post",
        path: "/api/staff/{id}/deactivate",
        area: Area::StaffEdit,
        summary: "Record a person's leaving (no longer rostered; the HR record is kept)",
        params: &[("id", In::Path, true, "employee id")],
        body: (JSON, "{left_on: YYYY-MM-DD, reason}"),
        returns: (JSON, "{stored, changed}"),
    },
    Operation {
        method: "post",
        path: "/api/staff/{id}/reactivate",
        area: Area::StaffEdit,
        summary: "Bring a former employee back on post",
        params: &[("id", In::Path, true, "employee id")],
        body: NONE,
        returns: (JSON, "{stored, changed}"),
    },
    Operation {
        method: "post",
        path: "/api/staff/import",
        area: Area::StaffEdit,
        summary: "Import a staff list (xlsx, xls or CSV): new ids added, existing replaced, all or nothing",
        params: &[("file_name", In::Query, false, "for the audit log")],
        body: ("application/octet-stream", "the workbook or CSV bytes"),
        returns: (JSON, "{stored, added, changed}; 422 {stored: false, problems}"),
    },
    Operation {
        method: "get",
        path: "/api/staff/replacements",
        area: Area::Staff,
        summary: "The purchaser's replacement requests (clause 2.3.7), open first",
        params: &[],
        body: NONE,
        returns: (JSON, "{replacements: [{id, employee, name, requested_on, deadline, days_left, reason, status, replaced_by, done_on}]}"),
    },
    Operation {
        method: "post",
        path: "/api/staff/replacements",
        area: Area::StaffEdit,
        summary: "Record a replacement request; the deadline is 15 working days later by the holiday calendar",
        params: &[],
        body: (JSON, "{employee, requested_on: YYYY-MM-DD, reason}"),
        returns: (JSON, "{stored, employee, deadline}"),
    },
    Operation {
        method: "post",
        path: "/api/staff/replacements/{id}/done",
        area: Area::StaffEdit,
        summary: "Close a replacement request",
        params: &[("id", In::Path, true, "request id")],
        body: (JSON, "{replaced_by}"),
        returns: (JSON, "{stored, id}"),
    },
    Operation {
        method: "get",
        path: "/api/requests",
        area: Area::Requests,
        summary: "The request book (leave and swap requests) in the order received, each with its status and decision",
        params: &[],
        body: NONE,
        returns: (JSON, "{requests: [{id, request: leave|swap, employee, from, to, kind | first, second, dates, requested_by, note, status: pending|approved|rejected, decided_by, reason}]}"),
    },
    Operation {
        method: "post",
        path: "/api/requests/leave",
        area: Area::Requests,
        summary: "Record a leave request (pending), audited",
        params: &[],
        body: (JSON, "{employee, from: YYYY-MM-DD, to: YYYY-MM-DD, kind: annual|sick|personal|marriage|bereavement|maternity|day_off, note?, requested_by?}"),
        returns: (JSON, "{stored, id, status}; 400 naming what does not fit"),
    },
    Operation {
        method: "post",
        path: "/api/requests/swap",
        area: Area::Requests,
        summary: "Record a swap request: two people exchange their duties on the dates (one month), pending, audited",
        params: &[],
        body: (JSON, "{first, second, dates: [YYYY-MM-DD], note?, requested_by?}"),
        returns: (JSON, "{stored, id, status}"),
    },
    Operation {
        method: "post",
        path: "/api/requests/{id}/approve",
        area: Area::RequestsDecide,
        summary: "Approve a pending request. Leave: approved with what it leaves uncovered on the month's roster (a published month then needs a repair). Swap: carried out on the month's roster as it stands and stored as the month's draft (origin swap, published the ordinary way); refused with the rules it breaks, nothing stored",
        params: &[("id", In::Path, true, "request id")],
        body: (JSON, "{note?} (or no body)"),
        returns: (JSON, "{id, status, request, month, new_violations, version: {id, version, history, verdict} | null, repair_needed, repair}; 409 decided already or no roster; 422 naming the broken rules"),
    },
    Operation {
        method: "post",
        path: "/api/requests/{id}/reject",
        area: Area::RequestsDecide,
        summary: "Reject a pending request with a reason",
        params: &[("id", In::Path, true, "request id")],
        body: (JSON, "{reason}"),
        returns: (JSON, "{id, status, request}"),
    },
    Operation {
        method: "get",
        path: "/api/roster/repair/suggested",
        area: Area::RosterEdit,
        summary: "The events the store knows since the month's published roster: leavers (resignation), people employed in the month but not on it (joiner), approved leave it does not honour (absence)",
        params: &[MONTH],
        body: NONE,
        returns: (JSON, "{month, based_on, published, events: [{event, name, source}], from}; 409 when nothing of the month is published"),
    },
    Operation {
        method: "post",
        path: "/api/roster/repair",
        area: Area::RosterEdit,
        summary: "Repair a published month: the events applied, the days before `from` kept, the rest solved again with the fewest changes (time limit default 20 s, one thread); stored as the month's draft (origin repair), published the ordinary way",
        params: &[],
        body: (JSON, "{month, from: YYYY-MM-DD, events: [{kind: resignation, employee, last_day} | {kind: absence, employee, from, to, leave_kind?} | {kind: joiner, employee, from} | {kind: cover, from, to, shift, role, min}], time_limit?: seconds}"),
        returns: (JSON, "{month, from, based_on, events, stored: {id, version, history, verdict}, changes: [{employee, name, date, before, after}], affected: [{id, name, cells}], summary, shortfalls, roster_page}; 409 nothing published; 400 a date outside the month, an unknown employee"),
    },
    Operation {
        method: "get",
        path: "/exports/{kind}",
        area: Area::PayrollExport,
        summary: "A payroll workbook of a month computed now (kind: payroll, payslips, ledger, tax, bank; compliance needs only the compliance right)",
        params: &[("kind", In::Path, true, "payroll | payslips | ledger | tax | bank | compliance"), MONTH],
        body: NONE,
        returns: (XLSX, "the workbook"),
    },
    Operation {
        method: "get",
        path: "/payroll/run/{id}/export/{kind}",
        area: Area::PayrollExport,
        summary: "A workbook of a stored run",
        params: &[("id", In::Path, true, "run id"), ("kind", In::Path, true, "payroll | payslips | ledger | tax | bank")],
        body: NONE,
        returns: (XLSX, "the workbook"),
    },
    Operation {
        method: "get",
        path: "/compliance/export/{id}",
        area: Area::ComplianceExport,
        summary: "The purchaser's compliance workbook of a stored run",
        params: &[("id", In::Path, true, "run id")],
        body: NONE,
        returns: (XLSX, "the workbook"),
    },
    Operation {
        method: "get",
        path: "/roster/download",
        area: Area::RosterView,
        summary: "The month's roster workbook",
        params: &[MONTH],
        body: NONE,
        returns: (XLSX, "the workbook"),
    },
    Operation {
        method: "get",
        path: "/api/reports",
        area: Area::Reports,
        summary: "A periodic HR report's figures (staffing with attrition, attendance, KPI, labour cost) with its gaps, warnings and notes; the service report needs the call history (POST /reports/service)",
        params: &[
            ("kind", In::Query, false, "staffing (default) | attendance | kpi | cost | all"),
            ("period", In::Query, false, "a day 2026-03-05, an ISO week 2026-W10, a month 2026-03 (default this month) or a quarter 2026-Q1"),
        ],
        body: NONE,
        returns: (JSON, "{kind, period, title, first, last, staffing?: {contracted, start, end, joiners, leavers, average_headcount, attrition}, attendance?, service?, kpi?, cost?, gaps, warnings, notes}; decimals as strings, rates as fractions; 400 on a bad kind or period"),
    },
    Operation {
        method: "get",
        path: "/api/policy",
        area: Area::Reports,
        summary: "The month's three policy documents (薪酬体系, 绩效考核办法, 考勤管理制度): titles, versions, links, and what the pay figures come from",
        params: &[("month", In::Query, false, "YYYY-MM (default this month)")],
        body: NONE,
        returns: (JSON, "{month, people, basis, documents: [{name, stem, title, version, as_of, generated_on, html, word}]}"),
    },
    Operation {
        method: "get",
        path: "/reports/download",
        area: Area::Reports,
        summary: "A periodic HR report as a workbook (report-KIND-PERIOD.xlsx)",
        params: &[
            ("kind", In::Query, false, "staffing (default) | attendance | kpi | cost | all"),
            ("period", In::Query, false, "2026-03-05 | 2026-W10 | 2026-03 | 2026-Q1"),
        ],
        body: NONE,
        returns: (XLSX, "the workbook"),
    },
];

fn role_codes(area: Area) -> Vec<&'static str> {
    [Role::Admin, Role::OpsManager, Role::Hr, Role::Auditor]
        .into_iter()
        .filter(|r| allowed(*r, area))
        .map(Role::code)
        .collect()
}

/// The OpenAPI 3.0 document.
#[must_use]
pub fn document() -> Value {
    let mut paths = serde_json::Map::new();
    for op in OPERATIONS {
        let params: Vec<Value> = op
            .params
            .iter()
            .map(|(name, place, required, description)| {
                json!({
                    "name": name,
                    "in": match place { In::Query => "query", In::Path => "path" },
                    "required": required,
                    "description": description,
                    "schema": {"type": "string"},
                })
            })
            .collect();
        let roles = role_codes(op.area);
        let mut o = json!({
            "summary": op.summary,
            "description": format!("Roles: {}.", roles.join(", ")),
            "x-roles": roles,
            "parameters": params,
            "responses": {
                "200": {
                    "description": op.returns.1,
                    "content": { op.returns.0: { "schema": if op.returns.0 == JSON { json!({"type": "object"}) } else { json!({"type": "string", "format": "binary"}) } } }
                },
                "401": {"description": "not signed in"},
                "403": {"description": "not allowed for this role, or the CSRF token is missing or wrong"},
            },
        });
        if op.method == "post" {
            o["parameters"]
                .as_array_mut()
                .expect("an array")
                .push(json!({
                    "name": "X-CSRF-Token", "in": "header", "required": true,
                    "description": "the session's CSRF token (GET /api/me)",
                    "schema": {"type": "string"},
                }));
        }
        if !op.body.0.is_empty() {
            let schema = if op.body.0 == JSON {
                json!({"type": "object"})
            } else {
                json!({"type": "string", "format": "binary"})
            };
            o["requestBody"] = json!({
                "required": true,
                "description": op.body.1,
                "content": { op.body.0: { "schema": schema } },
            });
        }
        paths
            .entry(op.path)
            .or_insert_with(|| json!({}))
            .as_object_mut()
            .expect("an object")
            .insert(op.method.to_string(), o);
    }
    json!({
        "openapi": "3.0.3",
        "info": {
            "title": "Hotline Workforce API (儋州12345 排班与薪酬)",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Sign in with POST /login (form fields username, password); the session cookie hw_session authorises every call. JSON POSTs carry the session's CSRF token in X-CSRF-Token (GET /api/me gives it).",
        },
        "components": {
            "securitySchemes": {
                "session": {"type": "apiKey", "in": "cookie", "name": "hw_session"}
            }
        },
        "security": [{"session": []}],
        "paths": paths,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `(method, path)` pairs routed in the web module's source files.
    fn routed() -> std::collections::BTreeSet<(String, String)> {
        let sources = [
            include_str!("routes/attendance.rs"),
            include_str!("routes/audit.rs"),
            include_str!("routes/auth.rs"),
            include_str!("routes/compliance.rs"),
            include_str!("routes/corrections.rs"),
            include_str!("routes/differences.rs"),
            include_str!("routes/exports.rs"),
            include_str!("routes/home.rs"),
            include_str!("routes/payroll.rs"),
            include_str!("routes/roster.rs"),
            include_str!("routes/staff.rs"),
            include_str!("routes/staff_edit.rs"),
            include_str!("routes/requests.rs"),
            include_str!("routes/repair.rs"),
            include_str!("routes/reports.rs"),
        ];
        let mut out = std::collections::BTreeSet::new();
        for src in sources {
            let text: String = src.split_whitespace().collect::<Vec<_>>().join(" ");
            let mut rest = text.as_str();
            while let Some(at) = rest.find(".route( \"").or_else(|| rest.find(".route(\"")) {
                rest = &rest[at..];
                let open = rest.find('"').expect("a path") + 1;
                let close = open + rest[open..].find('"').expect("the path's end");
                let path = rest[open..close].to_string();
                // The handlers up to the route's closing parenthesis.
                let mut depth = 0;
                let mut end = 0;
                for (i, c) in rest.char_indices() {
                    match c {
                        '(' => depth += 1,
                        ')' => {
                            depth -= 1;
                            if depth == 0 {
                                end = i;
                                break;
                            }
                        }
                        _ => {}
                    }
                }
                let handlers = &rest[close..end];
                for method in ["get", "post"] {
                    if handlers.contains(&format!(" {method}("))
                        || handlers.contains(&format!(".{method}("))
                        || handlers.contains(&format!(",{method}("))
                    {
                        out.insert((method.to_string(), path.clone()));
                    }
                }
                rest = &rest[end..];
            }
        }
        out
    }

    #[test]
    fn every_api_route_is_documented_and_every_operation_routed() {
        let routed = routed();
        assert!(
            routed.contains(&("post".into(), "/api/attendance/import".into())),
            "the source reader finds routes: {routed:?}"
        );
        let documented: std::collections::BTreeSet<(String, String)> = OPERATIONS
            .iter()
            .map(|o| (o.method.to_string(), o.path.to_string()))
            .collect();
        for r in routed.iter().filter(|(_, p)| p.starts_with("/api/")) {
            assert!(
                documented.contains(r),
                "{r:?} is routed but not in OPERATIONS"
            );
        }
        for d in &documented {
            assert!(routed.contains(d), "{d:?} is documented but not routed");
        }
    }

    #[test]
    fn roles_come_from_the_rights_table() {
        let doc = document();
        let approve = &doc["paths"]["/api/payroll/run/{id}/approve"]["post"];
        assert_eq!(approve["x-roles"], json!(["admin", "hr"]));
        let compliance = &doc["paths"]["/api/compliance"]["get"];
        assert_eq!(compliance["x-roles"], json!(["admin", "hr", "auditor"]));
        let publish = &doc["paths"]["/api/roster/publish"]["post"];
        assert_eq!(publish["x-roles"], json!(["admin", "ops_manager"]));
        assert!(publish["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["name"] == "X-CSRF-Token"));
        assert_eq!(doc["openapi"], "3.0.3");
    }
}
