//! How the page writes simulated times: `2025-01-01 00:00:10.000 UTC` (UTC, as sim time
//! starts at 2025-01-01T00:00:00Z), and the ISO form `<time datetime>` wants.

use crate::engine::log::meta_properties::civil_from_days;

/// `2025-01-01 00:00:10.000 UTC`.
pub fn date_time(ms: i64) -> String {
    let (date, time, millis) = parts(ms);
    format!("{date} {time}.{millis:03} UTC")
}

/// `00:00:10.000`: the time of day only, for dense tables.
pub fn time_of_day(ms: i64) -> String {
    let (_, time, millis) = parts(ms);
    format!("{time}.{millis:03}")
}

/// `2025-01-01T00:00:10.000Z`, for `<time datetime>`.
pub fn iso(ms: i64) -> String {
    let (date, time, millis) = parts(ms);
    format!("{date}T{time}.{millis:03}Z")
}

fn parts(ms: i64) -> (String, String, i64) {
    let (year, month, day) = civil_from_days(ms.div_euclid(86_400_000));
    let in_day = ms.rem_euclid(86_400_000);
    (
        format!("{year:04}-{month:02}-{day:02}"),
        format!(
            "{:02}:{:02}:{:02}",
            in_day / 3_600_000,
            in_day / 60_000 % 60,
            in_day / 1000 % 60
        ),
        in_day % 1000,
    )
}

/// `512 B`, `2.0 KiB`, `1.5 MiB`: file and segment sizes.
pub fn bytes(n: i64) -> String {
    match n {
        n if n < 1024 => format!("{n} B"),
        n if n < 1024 * 1024 => format!("{}.{} KiB", n / 1024, n % 1024 * 10 / 1024),
        n => format!(
            "{}.{} MiB",
            n / (1024 * 1024),
            n % (1024 * 1024) * 10 / (1024 * 1024)
        ),
    }
}

/// A duration as the command language writes it (`500ms`, `10s`, `1m`, `2h`, `7d`): the
/// largest unit it is a whole number of.
pub fn duration(ms: i64) -> String {
    let units = [
        (86_400_000, "d"),
        (3_600_000, "h"),
        (60_000, "m"),
        (1_000, "s"),
    ];
    units
        .iter()
        .find(|(unit, _)| ms != 0 && ms % unit == 0)
        .map_or_else(
            || format!("{ms}ms"),
            |(unit, name)| format!("{}{name}", ms / unit),
        )
}

/// Time since the cluster's start: `9.5 s`, `2 min 10 s`, `3 h 0 min`.
pub fn elapsed(ms: i64) -> String {
    let seconds = ms / 1000;
    if seconds < 60 {
        let tenths = ms % 1000 / 100;
        return if tenths == 0 {
            format!("{seconds} s")
        } else {
            format!("{seconds}.{tenths} s")
        };
    }
    if seconds < 3600 {
        return format!("{} min {} s", seconds / 60, seconds % 60);
    }
    format!("{} h {} min", seconds / 3600, seconds / 60 % 60)
}
