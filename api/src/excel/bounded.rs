//! The wall-time bound of an import. The structural pre-check ([`super::guard`]) bounds what
//! a parser is handed — bytes, uncompressed sizes, cells — and with it the parser's memory
//! and, indirectly, its time; this is the explicit time bound on top: the parse runs on its own
//! thread and the caller waits at most [`PARSE_LIMIT`]. Past it the import is refused with a
//! named problem and nothing is stored. The parse thread cannot be stopped from outside (no
//! thread can be), but what it was given is bounded, so it ends on its own and its result is
//! dropped; the command line exits at once.

use std::time::Duration;

use super::table::{ImportErrors, ImportProblem, Said};
use crate::said;

/// How long a parse may take.
pub const PARSE_LIMIT: Duration = Duration::from_secs(30);

/// Runs `parse` on its own thread and waits at most `limit` for it.
///
/// # Errors
/// The parser's own problems, or one problem saying the parse exceeded the limit (also when
/// the parser panicked: the import is refused, the process goes on).
pub fn within<T: Send + 'static>(
    limit: Duration,
    parse: impl FnOnce() -> Result<T, ImportErrors> + Send + 'static,
) -> Result<T, ImportErrors> {
    let (tx, rx) = std::sync::mpsc::sync_channel(1);
    let spawned = std::thread::Builder::new()
        .name("import-parse".into())
        .spawn(move || {
            let _ = tx.send(parse());
        });
    let secs = limit.as_secs();
    let refused = |found: Said| {
        ImportErrors(vec![ImportProblem::new(
            "-",
            None,
            None,
            said!("a file read within {secs} s", "{secs} 秒内读完的文件"),
            found,
        )])
    };
    if spawned.is_err() {
        return Err(refused(said!(
            "no thread to read it on",
            "没有可用于读取的线程"
        )));
    }
    match rx.recv_timeout(limit) {
        Ok(result) => result,
        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => Err(refused(said!(
            "parsing exceeded {secs} s",
            "读取超过 {secs} 秒"
        ))),
        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => Err(refused(said!(
            "the reader failed (a defect: please report the file)",
            "读取程序出错（属软件缺陷：请报告该文件）"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_slow_parse_is_refused_at_the_limit_and_a_quick_one_returns() {
        let started = std::time::Instant::now();
        let slow = within(Duration::from_millis(200), || {
            std::thread::sleep(Duration::from_secs(3));
            Ok(1)
        });
        let e = slow.unwrap_err();
        assert_eq!(e.0[0].found, "parsing exceeded 0 s");
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "the caller did not wait"
        );
        assert_eq!(within(Duration::from_secs(5), || Ok(7)).unwrap(), 7);
        let own = within::<()>(Duration::from_secs(5), || {
            Err(ImportErrors(vec![ImportProblem::new(
                "考勤",
                Some(3),
                None,
                Said::same("x"),
                Said::same("y"),
            )]))
        });
        assert_eq!(own.unwrap_err().0[0].row, Some(3));
        let panicked = within::<()>(Duration::from_secs(5), || panic!("a parser defect"));
        assert!(panicked.unwrap_err().0[0].found.contains("defect"));
    }
}
