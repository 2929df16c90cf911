//! Log lines as Kafka's tools print them to stderr (`tools-log4j2.yaml`: `[%d] %p %m (%c)%n`),
//! stamped with simulated time.

use crate::engine::log::meta_properties::civil_from_days;

/// `2025-01-01 00:00:00,000`: log4j's default date format, in UTC.
pub fn timestamp(ms: i64) -> String {
    let (year, month, day) = civil_from_days(ms.div_euclid(86_400_000));
    let in_day = ms.rem_euclid(86_400_000);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02},{:03}",
        in_day / 3_600_000,
        in_day / 60_000 % 60,
        in_day / 1000 % 60,
        in_day % 1000
    )
}

/// One log line: `[time] LEVEL message (logger)`.
pub fn line(ms: i64, level: &str, message: &str, logger: &str) -> String {
    format!("[{}] {level} {message} ({logger})", timestamp(ms))
}

#[cfg(test)]
mod tests {
    #[test]
    fn formats_like_log4j() {
        assert_eq!(
            super::timestamp(1_735_689_600_000),
            "2025-01-01 00:00:00,000"
        );
        assert_eq!(
            super::timestamp(1_709_210_096_789),
            "2024-02-29 12:34:56,789"
        );
    }
}
