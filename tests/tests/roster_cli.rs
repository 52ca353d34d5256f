//! Acceptance: the real `workforce` binary on the demo site. `scripts/test.sh` builds the
//! binary before the tests run; the path is found beside the test executable.

use std::path::{Path, PathBuf};
use std::process::Command;

fn workforce() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let dir = exe.parent().unwrap().parent().unwrap();
    let bin = dir.join("workforce");
    assert!(
        bin.exists(),
        "{} missing: run `cargo build -p api` first (scripts/test.sh does)",
        bin.display()
    );
    bin
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap()
}

fn run(args: &[&str]) -> (i32, String) {
    let out = Command::new(workforce())
        .args(args)
        .current_dir(root())
        .output()
        .unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    (out.status.code().unwrap_or(-1), text)
}

/// The operations manager generates February 2026 (Spring Festival, 16 working days) for the
/// demo site: every shift covered, standby on every date, and the independent check passes.
/// A hand edit that puts an agent on two shifts a day is caught by the same check.
#[test]
fn february_demo_roster_is_complete_and_checks() {
    let dir = std::env::temp_dir().join(format!("wf-accept-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let json = dir.join("r.json");
    let xlsx = dir.join("r.xlsx");
    let (code, out) = run(&[
        "roster",
        "--month",
        "2026-02",
        "--site",
        "data/demo",
        "--quiet",
        "--threads",
        "1",
        "--time-limit",
        "60",
        "--json",
        json.to_str().unwrap(),
        "--xlsx",
        xlsx.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("缺口 shortfalls: none"), "{out}");
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    for key in [
        "month",
        "status",
        "shifts",
        "employees",
        "requirements",
        "assignments",
        "standby",
        "shortfalls",
        "rules",
    ] {
        assert!(doc.get(key).is_some(), "JSON lacks {key}");
    }
    assert_eq!(doc["employees"].as_array().unwrap().len(), 53);
    assert_eq!(doc["standby"].as_array().unwrap().len(), 28 * 3);
    let bytes = std::fs::read(&xlsx).unwrap();
    assert_eq!(&bytes[..2], b"PK", "the workbook is a zip container");

    let (code, out) = run(&["roster", "check", json.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}");

    // HR pays the month from the same roster: 53 payslips, the seat labour cost and the
    // annual view against the CNY 3,939,313.45 floor.
    let pay = dir.join("pay.json");
    let (code, out) = run(&[
        "payroll",
        "demo",
        "--month",
        "2026-02",
        "--roster",
        json.to_str().unwrap(),
        "--json",
        pay.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("floor 3939313.45"), "{out}");
    let pay: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&pay).unwrap()).unwrap();
    assert_eq!(pay["payroll"]["payslips"].as_array().unwrap().len(), 53);

    let mut doc = doc;
    let first = doc["assignments"][0].clone();
    let mut twin = first.clone();
    twin["shift"] = serde_json::Value::from(if first["shift"] == "N" { "A" } else { "N" });
    doc["assignments"].as_array_mut().unwrap().push(twin);
    let bad = dir.join("bad.json");
    std::fs::write(&bad, serde_json::to_string(&doc).unwrap()).unwrap();
    let (code, out) = run(&["roster", "check", bad.to_str().unwrap()]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("[one_shift_a_day]"), "{out}");
}

/// An unknown employee in the leave file is refused with the row named.
#[test]
fn unknown_employee_in_leave_is_named() {
    let dir = std::env::temp_dir().join(format!("wf-leave-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let leave = dir.join("leave.json");
    std::fs::write(
        &leave,
        r#"[{"employee":"A001","from":"2026-02-03","to":"2026-02-04","kind":"annual"},
        {"employee":"X999","from":"2026-02-03","to":"2026-02-04","kind":"sick"}]"#,
    )
    .unwrap();
    let (code, out) = run(&[
        "roster",
        "--month",
        "2026-02",
        "--leave",
        leave.to_str().unwrap(),
        "--quiet",
    ]);
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains("unknown employee `X999` in leave row 2"),
        "{out}"
    );
}

/// The benchmark through the binary: Instance1 solved to its proven optimum 607, the CSV
/// re-scored by the independent scorer with no violation, and a roster breaking a rule
/// rejected with exit code 1.
#[test]
fn nrp_solve_and_score_instance1() {
    let inst = root().join("../shared/bench-data/curtois/Instance1.txt");
    assert!(
        inst.exists(),
        "{} missing: shared/ must sit beside the repository",
        inst.display()
    );
    let dir = std::env::temp_dir().join(format!("wf-nrp-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let csv = dir.join("r.csv");
    let (code, out) = run(&[
        "nrp",
        "solve",
        inst.to_str().unwrap(),
        "--time-limit",
        "60",
        "--threads",
        "1",
        "--out",
        csv.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{out}");
    let last = out.lines().rfind(|l| !l.trim().is_empty()).unwrap();
    assert!(last.starts_with("objective=607 bound="), "{last}");
    assert!(last.contains(" status=optimal seconds="), "{last}");
    let (code, out) = run(&[
        "nrp",
        "score",
        inst.to_str().unwrap(),
        csv.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("objective=607 violations=0"), "{out}");
    let mut text = std::fs::read_to_string(&csv).unwrap();
    let first_row = text.lines().nth(1).unwrap().to_string();
    text.push_str(&first_row);
    text.push('\n');
    std::fs::write(&csv, text).unwrap();
    let (code, out) = run(&[
        "nrp",
        "score",
        inst.to_str().unwrap(),
        csv.to_str().unwrap(),
    ]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("violation: one_shift_a_day"), "{out}");
}
