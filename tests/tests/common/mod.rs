//! Helpers of the acceptance tests: the real `workforce` binary, run from the workspace root.
#![allow(dead_code)]

pub mod http;

use std::path::{Path, PathBuf};
use std::process::Command;

pub fn workforce() -> PathBuf {
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

pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap()
}

pub fn run(args: &[&str]) -> (i32, String) {
    let out = Command::new(workforce())
        .args(args)
        .current_dir(root())
        .output()
        .unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    (out.status.code().unwrap_or(-1), text)
}
