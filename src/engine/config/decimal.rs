//! Kafka's `DOUBLE` configs without floating point.
//!
//! `min.cleanable.dirty.ratio` and `log.cleaner.min.cleanable.ratio` are Java doubles. The engine
//! keeps ratios as integer parts per million (DESIGN.md: probabilities are integers), but the
//! text users type and Kafka prints follows Java: `Double.parseDouble` accepts `.5`, `5e-1`,
//! `0.5d`, `Infinity`; `Double.toString` prints `0.5`, `0.0`, `1.0E-4`. This module parses that
//! grammar into an exact decimal and prints it back the way Java would.
//!
//! Exactness: with at most 15 significant digits, Java's shortest round-trip `toString` is exactly
//! those digits, so the text matches. Longer inputs are rounded to 17 significant digits, which
//! can differ from Java in the last digit. Hexadecimal literals (`0x1p-1`) are not accepted.

use std::cmp::Ordering;

/// Most significant digits kept; Java doubles carry at most 17.
const MAX_DIGITS: usize = 17;

/// A parsed Java double.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JavaDouble {
    /// `NaN` (Kafka's range checks let it through; the playground refuses it).
    NaN,
    /// `Infinity` or `-Infinity`.
    Infinite { negative: bool },
    /// Any finite value, exactly as typed (up to 17 significant digits).
    Finite(Decimal),
}

/// `digits × 10^exp`, with `digits` the significant decimal digits (no leading or trailing
/// zeros; empty for zero).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decimal {
    negative: bool,
    digits: Vec<u8>,
    exp: i32,
}

impl JavaDouble {
    /// `Double.parseDouble` of already-trimmed text; `None` where Java throws
    /// `NumberFormatException` (or for the hexadecimal form, which is not supported).
    pub fn parse(text: &str) -> Option<JavaDouble> {
        let (negative, rest) = match text.as_bytes().first() {
            Some(b'-') => (true, &text[1..]),
            Some(b'+') => (false, &text[1..]),
            _ => (false, text),
        };
        match rest {
            "NaN" => return Some(JavaDouble::NaN),
            "Infinity" => return Some(JavaDouble::Infinite { negative }),
            _ => {}
        }
        // Java allows one type suffix at the very end: 0.5d, 1f.
        let body = rest.strip_suffix(['d', 'D', 'f', 'F']).unwrap_or(rest);
        let (mantissa, exponent) = match body.find(['e', 'E']) {
            Some(at) => (&body[..at], Some(&body[at + 1..])),
            None => (body, None),
        };
        let exp = match exponent {
            Some(e) => parse_exponent(e)?,
            None => 0,
        };
        let (int_part, frac_part) = match mantissa.find('.') {
            Some(at) => (&mantissa[..at], &mantissa[at + 1..]),
            None => (mantissa, ""),
        };
        let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if int_part.len() + frac_part.len() == 0 || !all_digits(int_part) || !all_digits(frac_part)
        {
            return None;
        }
        let digits: Vec<u8> = int_part
            .bytes()
            .chain(frac_part.bytes())
            .map(|b| b - b'0')
            .collect();
        let frac_len = i32::try_from(frac_part.len()).ok()?;
        Some(Decimal::new(negative, digits, exp.saturating_sub(frac_len)).into_double())
    }

    /// Java's `Double.toString`.
    pub fn to_java_string(&self) -> String {
        match self {
            JavaDouble::NaN => "NaN".to_string(),
            JavaDouble::Infinite { negative: true } => "-Infinity".to_string(),
            JavaDouble::Infinite { negative: false } => "Infinity".to_string(),
            JavaDouble::Finite(d) => d.to_java_string(),
        }
    }

    /// Compares with an integer bound as `n.doubleValue() < min.doubleValue()` would;
    /// `None` for NaN, which is neither below nor above anything.
    pub fn cmp_integer(&self, bound: i64) -> Option<Ordering> {
        match self {
            JavaDouble::NaN => None,
            JavaDouble::Infinite { negative: true } => Some(Ordering::Less),
            JavaDouble::Infinite { negative: false } => Some(Ordering::Greater),
            JavaDouble::Finite(d) => Some(d.cmp(&Decimal::from_i64(bound))),
        }
    }

    /// The value in parts per million, rounded half up; `None` unless it lies in `[0, 1]`.
    pub fn to_ppm(&self) -> Option<u32> {
        match self {
            JavaDouble::Finite(d) => d.to_ppm(),
            _ => None,
        }
    }
}

/// `[+-]digits` of an exponent, saturated far beyond what a double can hold.
fn parse_exponent(text: &str) -> Option<i32> {
    let (negative, digits) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut value: i32 = 0;
    for b in digits.bytes() {
        value = value
            .saturating_mul(10)
            .saturating_add(i32::from(b - b'0'))
            .min(1_000_000);
    }
    Some(if negative { -value } else { value })
}

impl Decimal {
    fn new(negative: bool, digits: Vec<u8>, exp: i32) -> Decimal {
        let mut d = Decimal {
            negative,
            digits,
            exp,
        };
        d.normalize();
        d
    }

    /// An integer as a decimal.
    pub fn from_i64(value: i64) -> Decimal {
        let digits = value
            .unsigned_abs()
            .to_string()
            .bytes()
            .map(|b| b - b'0')
            .collect();
        Decimal::new(value < 0, digits, 0)
    }

    /// Strips zeros and rounds to [`MAX_DIGITS`] significant digits (half even, as Java rounds).
    fn normalize(&mut self) {
        let leading = self.digits.iter().take_while(|&&d| d == 0).count();
        self.digits.drain(..leading);
        if self.digits.len() > MAX_DIGITS {
            let dropped = self.digits.split_off(MAX_DIGITS);
            let extra = i32::try_from(dropped.len()).unwrap_or(i32::MAX);
            self.exp = self.exp.saturating_add(extra);
            let first = dropped.first().copied().unwrap_or(0);
            let rest_nonzero = dropped.iter().skip(1).any(|&d| d != 0);
            let last_odd = self.digits.last().is_some_and(|d| d % 2 == 1);
            if first > 5 || (first == 5 && (rest_nonzero || last_odd)) {
                self.round_up_last();
            }
        }
        while self.digits.last() == Some(&0) {
            self.digits.pop();
            self.exp = self.exp.saturating_add(1);
        }
    }

    fn round_up_last(&mut self) {
        for d in self.digits.iter_mut().rev() {
            if *d == 9 {
                *d = 0;
            } else {
                *d += 1;
                return;
            }
        }
        self.digits.insert(0, 1);
    }

    /// Decimal exponent of the leading digit (`d.ddd × 10^e`); meaningless for zero.
    fn scientific_exp(&self) -> i64 {
        i64::from(self.exp) + self.digits.len() as i64 - 1
    }

    /// Values beyond a double's range become infinite or zero, as `parseDouble` makes them.
    fn into_double(self) -> JavaDouble {
        if self.digits.is_empty() {
            return JavaDouble::Finite(self);
        }
        let e = self.scientific_exp();
        if e > 308 {
            JavaDouble::Infinite {
                negative: self.negative,
            }
        } else if e < -324 {
            JavaDouble::Finite(Decimal::new(self.negative, Vec::new(), 0))
        } else {
            JavaDouble::Finite(self)
        }
    }

    /// Java's `Double.toString` layout: plain for `1e-3 <= |d| < 1e7`, else `d.dddE±n`.
    pub fn to_java_string(&self) -> String {
        let sign = if self.negative { "-" } else { "" };
        if self.digits.is_empty() {
            return format!("{sign}0.0");
        }
        let ds: String = self.digits.iter().map(|d| char::from(b'0' + d)).collect();
        let e = self.scientific_exp();
        if (-3..7).contains(&e) {
            if e >= 0 {
                let int_len = (e + 1) as usize;
                let (int_part, frac) = if ds.len() > int_len {
                    (ds[..int_len].to_string(), ds[int_len..].to_string())
                } else {
                    (format!("{ds:0<int_len$}"), "0".to_string())
                };
                format!("{sign}{int_part}.{frac}")
            } else {
                let zeros = "0".repeat((-e - 1) as usize);
                format!("{sign}0.{zeros}{ds}")
            }
        } else {
            let frac = if ds.len() > 1 { &ds[1..] } else { "0" };
            format!("{sign}{}.{frac}E{e}", &ds[..1])
        }
    }

    /// Parts per million, rounded half up; `None` outside `[0, 1]`.
    pub fn to_ppm(&self) -> Option<u32> {
        if self.digits.is_empty() {
            return Some(0);
        }
        if self.negative || self.cmp(&Decimal::from_i64(1)) == Ordering::Greater {
            return None;
        }
        // At most 17 digits, so the mantissa fits in a u64.
        let mantissa = self
            .digits
            .iter()
            .fold(0u64, |acc, &d| acc * 10 + u64::from(d));
        let shift = i64::from(self.exp) + 6;
        let ppm = if shift >= 0 {
            let scale = 10u64.checked_pow(u32::try_from(shift).ok()?)?;
            mantissa.checked_mul(scale)?
        } else if shift < -38 {
            0
        } else {
            let divisor = 10u128.pow(u32::try_from(-shift).ok()?);
            let m = u128::from(mantissa);
            let rounded = (m + divisor / 2) / divisor;
            u64::try_from(rounded).ok()?
        };
        u32::try_from(ppm).ok().filter(|&p| p <= 1_000_000)
    }

    fn cmp_magnitude(&self, other: &Decimal) -> Ordering {
        match (self.digits.is_empty(), other.digits.is_empty()) {
            (true, true) => return Ordering::Equal,
            (true, false) => return Ordering::Less,
            (false, true) => return Ordering::Greater,
            (false, false) => {}
        }
        self.scientific_exp()
            .cmp(&other.scientific_exp())
            .then_with(|| {
                // Same leading exponent: compare digit by digit, missing digits are zeros.
                let len = self.digits.len().max(other.digits.len());
                (0..len)
                    .map(|i| {
                        let a = self.digits.get(i).copied().unwrap_or(0);
                        let b = other.digits.get(i).copied().unwrap_or(0);
                        a.cmp(&b)
                    })
                    .find(|o| o.is_ne())
                    .unwrap_or(Ordering::Equal)
            })
    }
}

impl Ord for Decimal {
    fn cmp(&self, other: &Self) -> Ordering {
        // -0.0 and 0.0 compare equal, as Java's `<` on doubles does.
        let self_neg = self.negative && !self.digits.is_empty();
        let other_neg = other.negative && !other.digits.is_empty();
        match (self_neg, other_neg) {
            (false, true) => Ordering::Greater,
            (true, false) => Ordering::Less,
            (false, false) => self.cmp_magnitude(other),
            (true, true) => other.cmp_magnitude(self),
        }
    }
}

impl PartialOrd for Decimal {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn java(text: &str) -> String {
        JavaDouble::parse(text).map_or("ERR".into(), |d| d.to_java_string())
    }

    #[test]
    fn prints_like_double_to_string() {
        assert_eq!(java("0.5"), "0.5");
        assert_eq!(java(".5"), "0.5");
        assert_eq!(java("5e-1"), "0.5");
        assert_eq!(java("0"), "0.0");
        assert_eq!(java("-0"), "-0.0");
        assert_eq!(java("1"), "1.0");
        assert_eq!(java("2"), "2.0");
        assert_eq!(java("0.001"), "0.001");
        assert_eq!(java("0.0001"), "1.0E-4");
        assert_eq!(java("0.00012"), "1.2E-4");
        assert_eq!(java("1234567"), "1234567.0");
        assert_eq!(java("10000000"), "1.0E7");
        assert_eq!(java("12345678.9"), "1.23456789E7");
        assert_eq!(java("0.50000"), "0.5");
        assert_eq!(java("100.250"), "100.25");
        assert_eq!(java("1e400"), "Infinity");
        assert_eq!(java("-1e400"), "-Infinity");
        assert_eq!(java("1e-400"), "0.0");
        assert_eq!(java("0.5d"), "0.5");
        assert_eq!(java("1F"), "1.0");
        assert_eq!(java("-Infinity"), "-Infinity");
        assert_eq!(java("NaN"), "NaN");
    }

    #[test]
    fn refuses_what_java_refuses() {
        for bad in [
            "", ".", "e5", "1e", "1e+", "abc", "1.2.3", "0x1p3", "1dd", "--1", "1 2",
        ] {
            assert_eq!(JavaDouble::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn compares_and_converts() {
        let d = |t: &str| JavaDouble::parse(t).unwrap();
        assert_eq!(d("0.5").cmp_integer(1), Some(Ordering::Less));
        assert_eq!(d("1.0").cmp_integer(1), Some(Ordering::Equal));
        assert_eq!(d("1.0000001").cmp_integer(1), Some(Ordering::Greater));
        assert_eq!(d("-0.0").cmp_integer(0), Some(Ordering::Equal));
        assert_eq!(d("-0.1").cmp_integer(0), Some(Ordering::Less));
        assert_eq!(d("NaN").cmp_integer(0), None);
        assert_eq!(d("0.5").to_ppm(), Some(500_000));
        assert_eq!(d("1").to_ppm(), Some(1_000_000));
        assert_eq!(d("0").to_ppm(), Some(0));
        assert_eq!(d("0.0000005").to_ppm(), Some(1));
        assert_eq!(d("0.0000004").to_ppm(), Some(0));
        assert_eq!(d("0.123456789").to_ppm(), Some(123_457));
        assert_eq!(d("1.5").to_ppm(), None);
        assert_eq!(d("-0.5").to_ppm(), None);
    }

    #[test]
    fn long_inputs_round_to_seventeen_digits() {
        assert_eq!(java("0.30000000000000000001"), "0.3");
        assert_eq!(java("0.99999999999999999999"), "1.0");
    }
}
