//! Times as the people in Hainan read them. The store keeps UTC (RFC 3339); pages, workbooks
//! and messages show China Standard Time (UTC+8, no daylight saving: Asia/Shanghai).

use chrono::{DateTime, FixedOffset};

/// UTC+8.
fn cst() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("a valid offset")
}

/// `2026-04-05T02:00:00Z` → `2026-04-05 10:00`; a text that is not RFC 3339 is returned as
/// it is.
#[must_use]
pub fn local(rfc3339: &str) -> String {
    DateTime::parse_from_rfc3339(rfc3339).map_or_else(
        |_| rfc3339.to_string(),
        |t| t.with_timezone(&cst()).format("%Y-%m-%d %H:%M").to_string(),
    )
}

/// Now, in China Standard Time.
#[must_use]
pub fn now_local() -> DateTime<FixedOffset> {
    chrono::Utc::now().with_timezone(&cst())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 02:00 UTC is 10:00 in Danzhou; 20:30 UTC is 04:30 the next day.
    #[test]
    fn utc_is_shown_in_china_standard_time() {
        assert_eq!(local("2026-04-05T02:00:00Z"), "2026-04-05 10:00");
        assert_eq!(local("2026-03-31T20:30:00Z"), "2026-04-01 04:30");
        assert_eq!(local("not a time"), "not a time");
    }
}
