//! Kafka's identifiers: topic ids and cluster ids.
//!
//! Kafka's `org.apache.kafka.common.Uuid` is 128 bits printed as URL-safe base64 without padding
//! (22 characters). `Uuid.randomUuid` draws a version-4 UUID as `java.util.UUID.randomUUID` does and
//! draws again while the result is reserved (all zeros, the metadata topic's id `…AQ`) or its text
//! starts with '-' (which a command line would take for a flag). Here the bits come from the
//! cluster's seeded [`Rng`], so ids are the same on every run with the same seed.

use super::rng::Rng;
use std::fmt;

/// A Kafka `Uuid`: topic ids, cluster ids, directory ids. The default is `Uuid.ZERO_UUID`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Uuid {
    pub most_significant_bits: u64,
    pub least_significant_bits: u64,
}

const BASE64_URL: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

impl Uuid {
    pub const ZERO: Uuid = Uuid::new(0, 0);
    /// `Uuid.METADATA_TOPIC_ID` (and `ONE_UUID`): reserved for `__cluster_metadata`.
    pub const METADATA_TOPIC_ID: Uuid = Uuid::new(0, 1);

    pub const fn new(most_significant_bits: u64, least_significant_bits: u64) -> Self {
        Uuid {
            most_significant_bits,
            least_significant_bits,
        }
    }

    /// As `Uuid.randomUuid()`, with the seeded generator in place of `SecureRandom`.
    pub fn random(rng: &mut Rng) -> Self {
        loop {
            // java.util.UUID.randomUUID: version 4 in bits 12..16 of the high word, IETF variant.
            let msb = (rng.next_u64() & !0xF000) | 0x4000;
            let lsb = (rng.next_u64() & !(0b11 << 62)) | (0b10 << 62);
            let uuid = Uuid::new(msb, lsb);
            let reserved = uuid == Uuid::ZERO || uuid == Uuid::METADATA_TOPIC_ID;
            if !reserved && !uuid.to_string().starts_with('-') {
                return uuid;
            }
        }
    }

    pub fn to_bytes(self) -> [u8; 16] {
        let mut bytes = [0u8; 16];
        bytes[..8].copy_from_slice(&self.most_significant_bits.to_be_bytes());
        bytes[8..].copy_from_slice(&self.least_significant_bits.to_be_bytes());
        bytes
    }

    /// Parses Kafka's 22-character form; `None` if it is not one.
    pub fn parse(text: &str) -> Option<Uuid> {
        if text.len() != 22 {
            return None;
        }
        let digit = |c: u8| BASE64_URL.iter().position(|&b| b == c).map(|d| d as u128);
        let bytes = text.as_bytes();
        // 21 digits carry the first 126 bits; the last digit carries 2 bits and 4 zero bits.
        let mut value: u128 = 0;
        for &c in &bytes[..21] {
            value = (value << 6) | digit(c)?;
        }
        let last = digit(bytes[21])?;
        if last & 0xF != 0 {
            return None;
        }
        let value = (value << 2) | (last >> 4);
        Some(Uuid::new((value >> 64) as u64, value as u64))
    }
}

impl fmt::Display for Uuid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let value = (u128::from(self.most_significant_bits) << 64)
            | u128::from(self.least_significant_bits);
        // Base64 of the 16 bytes without padding: the 128 bits followed by 4 zero bits, read as
        // 22 digits of 6 bits from the top.
        let mut text = String::with_capacity(22);
        for i in 0..22u32 {
            let shift_of_padded = 126 - 6 * i;
            let digit = if shift_of_padded >= 4 {
                value >> (shift_of_padded - 4)
            } else {
                value << (4 - shift_of_padded)
            } & 0x3F;
            text.push(char::from(BASE64_URL[digit as usize]));
        }
        f.write_str(&text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kafka_text_form() {
        // Kafka's UuidTest: new Uuid(0L, 1L).toString() == "AAAAAAAAAAAAAAAAAAAAAQ",
        // and the zero uuid prints as 22 'A's.
        assert_eq!(
            Uuid::METADATA_TOPIC_ID.to_string(),
            "AAAAAAAAAAAAAAAAAAAAAQ"
        );
        assert_eq!(Uuid::ZERO.to_string(), "AAAAAAAAAAAAAAAAAAAAAA");
        let all = Uuid::new(u64::MAX, u64::MAX);
        assert_eq!(all.to_string(), "_____________________w");
    }

    #[test]
    fn parse_round_trips() {
        let mut rng = Rng::from_seed(3);
        for _ in 0..100 {
            let id = Uuid::random(&mut rng);
            let text = id.to_string();
            assert_eq!(text.len(), 22);
            assert!(!text.starts_with('-'));
            assert_eq!(Uuid::parse(&text), Some(id));
        }
        assert_eq!(Uuid::parse("short"), None);
        assert_eq!(Uuid::parse("AAAAAAAAAAAAAAAAAAAAA!"), None);
    }

    #[test]
    fn random_is_version_4() {
        let id = Uuid::random(&mut Rng::from_seed(9));
        assert_eq!((id.most_significant_bits >> 12) & 0xF, 4);
        assert_eq!(id.least_significant_bits >> 62, 0b10);
    }
}
