//! Timeouts on the command line: seconds, fractions allowed (`5`, `0.25`).

use std::time::Duration;

/// The longest wait accepted: a year, far beyond any script's patience and far
/// inside what `SO_SNDTIMEO` and `poll` can count.
const MAX_SECONDS: f64 = 365.0 * 24.0 * 3600.0;

/// Parses a `--timeout` value (clap's value parser).
pub fn parse(text: &str) -> Result<Duration, String> {
    let seconds: f64 = text
        .trim()
        .parse()
        .map_err(|_| format!("{text:?} is not a number of seconds"))?;
    if !(0.0..=MAX_SECONDS).contains(&seconds) {
        return Err(format!(
            "{text:?} is out of range: 0 to {MAX_SECONDS} seconds"
        ));
    }
    Ok(Duration::from_secs_f64(seconds))
}

/// `5s`, `0.25s`: how the messages say a duration.
pub fn show(duration: Duration) -> String {
    format!("{}s", duration.as_secs_f64())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table() {
        for (text, expected) in [
            ("5", Some(Duration::from_secs(5))),
            ("0.25", Some(Duration::from_millis(250))),
            ("0", Some(Duration::ZERO)),
            (" 2 ", Some(Duration::from_secs(2))),
            ("-1", None),
            ("NaN", None),
            ("inf", None),
            ("1e12", None),
            ("5s", None),
            ("", None),
        ] {
            assert_eq!(parse(text).ok(), expected, "{text:?}");
        }
        assert_eq!(show(Duration::from_millis(1500)), "1.5s");
    }
}
