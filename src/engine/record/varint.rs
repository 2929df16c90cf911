//! Variable-length integers as Kafka writes them: protobuf varints, zig-zag for signed values.
//!
//! Follows `org.apache.kafka.common.utils.ByteUtils` (`writeVarint`, `writeVarlong`,
//! `readUnsignedVarint`, `readUnsignedVarlong`, `sizeOfVarint`, `sizeOfVarlong`). Reading is as
//! lenient as Kafka's and exactly as strict: a varint may take at most 5 bytes and a varlong at
//! most 10; bits that the last byte carries beyond 32 (or 64) are dropped, as Java's shifts drop
//! them. Reading never panics: it reports a truncated input or an over-long encoding.

/// Why a varint could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VarintError {
    /// The input ended before the byte without the continuation bit.
    Truncated,
    /// The 5th byte of a varint (10th of a varlong) still had its continuation bit set.
    TooLong,
}

impl std::fmt::Display for VarintError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            VarintError::Truncated => f.write_str("the input ends inside a varint"),
            VarintError::TooLong => {
                f.write_str("varint is too long (continuation bit set in its last byte)")
            }
        }
    }
}

/// Zig-zag: small magnitudes, positive or negative, get short encodings.
#[inline]
pub const fn zigzag_i32(value: i32) -> u32 {
    ((value << 1) ^ (value >> 31)) as u32
}

/// Zig-zag for 64-bit values.
#[inline]
pub const fn zigzag_i64(value: i64) -> u64 {
    ((value << 1) ^ (value >> 63)) as u64
}

#[inline]
pub const fn unzigzag_u32(raw: u32) -> i32 {
    ((raw >> 1) as i32) ^ -((raw & 1) as i32)
}

#[inline]
pub const fn unzigzag_u64(raw: u64) -> i64 {
    ((raw >> 1) as i64) ^ -((raw & 1) as i64)
}

/// Appends `value` as an unsigned varint (`ByteUtils.writeUnsignedVarint`).
#[inline]
pub fn write_unsigned_varint(value: u32, out: &mut Vec<u8>) {
    write_unsigned_varlong(u64::from(value), out);
}

/// Appends `value` as an unsigned varlong (`ByteUtils.writeUnsignedVarlong`).
#[inline]
pub fn write_unsigned_varlong(mut value: u64, out: &mut Vec<u8>) {
    while value >= 0x80 {
        out.push((value as u8 & 0x7f) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

/// Appends `value` zig-zag encoded (`ByteUtils.writeVarint`).
#[inline]
pub fn write_varint(value: i32, out: &mut Vec<u8>) {
    write_unsigned_varint(zigzag_i32(value), out);
}

/// Appends `value` zig-zag encoded (`ByteUtils.writeVarlong`).
#[inline]
pub fn write_varlong(value: i64, out: &mut Vec<u8>) {
    write_unsigned_varlong(zigzag_i64(value), out);
}

/// Bytes an unsigned varint of `value` takes (1 to 5): `ByteUtils.sizeOfUnsignedVarint`'s
/// arithmetic (a multiply and shifts in place of a division by 7; it is on every record's path).
#[inline]
pub const fn size_of_unsigned_varint(value: u32) -> u32 {
    let leading_zeros = value.leading_zeros();
    (((38 - leading_zeros) * 0b1_0010_0100_1001_0011) >> 19) + (leading_zeros >> 5)
}

/// Bytes an unsigned varlong of `value` takes (1 to 10; `ByteUtils.sizeOfUnsignedVarlong`).
#[inline]
pub const fn size_of_unsigned_varlong(value: u64) -> u32 {
    let leading_zeros = value.leading_zeros();
    (((70 - leading_zeros) * 0b1_0010_0100_1001_0011) >> 19) + (leading_zeros >> 6)
}

/// Bytes `value` takes as a zig-zag varint (`ByteUtils.sizeOfVarint`).
#[inline]
pub const fn size_of_varint(value: i32) -> u32 {
    size_of_unsigned_varint(zigzag_i32(value))
}

/// Bytes `value` takes as a zig-zag varlong (`ByteUtils.sizeOfVarlong`).
#[inline]
pub const fn size_of_varlong(value: i64) -> u32 {
    size_of_unsigned_varlong(zigzag_i64(value))
}

/// Reads an unsigned varint at `*pos`, advancing `*pos` past it (`ByteUtils.readUnsignedVarint`).
pub fn read_unsigned_varint(bytes: &[u8], pos: &mut usize) -> Result<u32, VarintError> {
    read_unsigned_varint_minimal(bytes, pos).map(|(value, _)| value)
}

/// Reads an unsigned varlong at `*pos`, advancing `*pos` (`ByteUtils.readUnsignedVarlong`).
pub fn read_unsigned_varlong(bytes: &[u8], pos: &mut usize) -> Result<u64, VarintError> {
    read_unsigned_varlong_minimal(bytes, pos).map(|(value, _)| value)
}

/// [`read_unsigned_varint`], and whether the varint was spelled in as few bytes as its value
/// takes: a longer spelling ends in a zero byte, or sets bits past the 32nd in its fifth byte.
#[inline]
pub fn read_unsigned_varint_minimal(
    bytes: &[u8],
    pos: &mut usize,
) -> Result<(u32, bool), VarintError> {
    // Most varints in a batch (deltas, short lengths, header counts) are one byte.
    if let Some(&byte) = bytes.get(*pos) {
        if byte & 0x80 == 0 {
            *pos += 1;
            return Ok((u32::from(byte), true));
        }
    }
    let mut result: u32 = 0;
    for i in 0..5u32 {
        let byte = *bytes.get(*pos).ok_or(VarintError::Truncated)?;
        *pos += 1;
        // `wrapping_shl` keeps Java's behaviour for the 5th byte: bits past 32 fall away.
        result |= u32::from(byte & 0x7f).wrapping_shl(7 * i);
        if byte & 0x80 == 0 {
            return Ok((result, i == 0 || (byte != 0 && (i < 4 || byte <= 0x0f))));
        }
    }
    Err(VarintError::TooLong)
}

/// [`read_unsigned_varint_minimal`] for varlongs: the tenth byte holds only bit 63.
#[inline]
pub fn read_unsigned_varlong_minimal(
    bytes: &[u8],
    pos: &mut usize,
) -> Result<(u64, bool), VarintError> {
    if let Some(&byte) = bytes.get(*pos) {
        if byte & 0x80 == 0 {
            *pos += 1;
            return Ok((u64::from(byte), true));
        }
    }
    let mut result: u64 = 0;
    for i in 0..10u32 {
        let byte = *bytes.get(*pos).ok_or(VarintError::Truncated)?;
        *pos += 1;
        result |= u64::from(byte & 0x7f).wrapping_shl(7 * i);
        if byte & 0x80 == 0 {
            return Ok((result, i == 0 || (byte != 0 && (i < 9 || byte == 1))));
        }
    }
    Err(VarintError::TooLong)
}

/// Reads a zig-zag varint at `*pos` (`ByteUtils.readVarint`).
pub fn read_varint(bytes: &[u8], pos: &mut usize) -> Result<i32, VarintError> {
    read_unsigned_varint(bytes, pos).map(unzigzag_u32)
}

/// Reads a zig-zag varlong at `*pos` (`ByteUtils.readVarlong`).
pub fn read_varlong(bytes: &[u8], pos: &mut usize) -> Result<i64, VarintError> {
    read_unsigned_varlong(bytes, pos).map(unzigzag_u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn varint_bytes(value: i32) -> Vec<u8> {
        let mut out = Vec::new();
        write_varint(value, &mut out);
        out
    }

    fn varlong_bytes(value: i64) -> Vec<u8> {
        let mut out = Vec::new();
        write_varlong(value, &mut out);
        out
    }

    /// Every spelling of a value from its shortest to the longest the reader takes: only the
    /// shortest is minimal, and all read back the same value.
    #[test]
    fn only_the_shortest_spelling_is_minimal() {
        for value in [
            0_u64,
            1,
            127,
            128,
            300,
            1 << 27,
            (1 << 28) - 1,
            1 << 28,
            u32::MAX as u64,
        ] {
            let shortest = size_of_unsigned_varlong(value) as usize;
            for length in shortest..=5 {
                let mut bytes: Vec<u8> = (0..length)
                    .map(|i| ((value >> (7 * i)) & 0x7f) as u8 | 0x80)
                    .collect();
                *bytes.last_mut().expect("a byte") &= 0x7f;
                let (read, minimal) =
                    read_unsigned_varint_minimal(&bytes, &mut 0).expect("readable");
                assert_eq!(u64::from(read), value);
                assert_eq!(minimal, length == shortest, "{value} in {length} bytes");
            }
        }
        // Bits past the 32nd in a fifth byte fall away, so that spelling is not minimal.
        let (read, minimal) = read_unsigned_varint_minimal(&[0x80, 0x80, 0x80, 0x80, 0x10], &mut 0)
            .expect("readable");
        assert_eq!((read, minimal), (0, false));
        for value in [0_u64, 1, 1 << 62, u64::MAX] {
            let shortest = size_of_unsigned_varlong(value) as usize;
            for length in shortest..=10 {
                let mut bytes: Vec<u8> = (0..length)
                    .map(|i| ((value.checked_shr(7 * i as u32).unwrap_or(0)) & 0x7f) as u8 | 0x80)
                    .collect();
                *bytes.last_mut().expect("a byte") &= 0x7f;
                let (read, minimal) =
                    read_unsigned_varlong_minimal(&bytes, &mut 0).expect("readable");
                assert_eq!(read, value);
                assert_eq!(minimal, length == shortest, "{value} in {length} bytes");
            }
        }
        let padded_top = [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x02];
        assert!(
            !read_unsigned_varlong_minimal(&padded_top, &mut 0)
                .expect("readable")
                .1
        );
    }

    #[test]
    fn known_encodings_match_kafka_byte_utils_test() {
        // The zig-zag table from the protobuf encoding guide, which Kafka's ByteUtilsTest uses.
        assert_eq!(varint_bytes(0), [0x00]);
        assert_eq!(varint_bytes(-1), [0x01]);
        assert_eq!(varint_bytes(1), [0x02]);
        assert_eq!(varint_bytes(-2), [0x03]);
        assert_eq!(varint_bytes(63), [0x7e]);
        assert_eq!(varint_bytes(-64), [0x7f]);
        assert_eq!(varint_bytes(64), [0x80, 0x01]);
        assert_eq!(varint_bytes(i32::MAX), [0xfe, 0xff, 0xff, 0xff, 0x0f]);
        assert_eq!(varint_bytes(i32::MIN), [0xff, 0xff, 0xff, 0xff, 0x0f]);
        assert_eq!(varlong_bytes(i64::MIN).len(), 10);
        assert_eq!(varlong_bytes(i64::MAX), {
            let mut v = vec![0xfe];
            v.extend([0xff; 8]);
            v.push(0x01);
            v
        });
    }

    #[test]
    fn sizes_agree_with_encodings() {
        let samples = [
            0,
            1,
            -1,
            63,
            -64,
            64,
            -65,
            8191,
            8192,
            1 << 20,
            i32::MAX,
            i32::MIN,
        ];
        for v in samples {
            assert_eq!(size_of_varint(v) as usize, varint_bytes(v).len(), "{v}");
        }
        let samples = [0i64, -1, 1 << 35, -(1 << 40), 1 << 62, i64::MAX, i64::MIN];
        for v in samples {
            assert_eq!(size_of_varlong(v) as usize, varlong_bytes(v).len(), "{v}");
        }
    }

    #[test]
    fn sizes_match_the_written_length_at_every_bit_width() {
        // Kafka's multiply-and-shift sizes against the loop that writes the bytes.
        for bits in 0..=64u32 {
            let top = if bits == 64 {
                u64::MAX
            } else {
                (1u64 << bits) - 1
            };
            for value in [top, top.wrapping_add(1), top / 2 + 1] {
                let mut out = Vec::new();
                write_unsigned_varlong(value, &mut out);
                assert_eq!(
                    size_of_unsigned_varlong(value) as usize,
                    out.len(),
                    "{value}"
                );
                if let Ok(small) = u32::try_from(value) {
                    assert_eq!(
                        size_of_unsigned_varint(small) as usize,
                        out.len(),
                        "{value}"
                    );
                }
            }
        }
    }

    #[test]
    fn round_trips_extremes() {
        for v in [0, 1, -1, 300, -300, i32::MAX, i32::MIN] {
            let bytes = varint_bytes(v);
            let mut pos = 0;
            assert_eq!(read_varint(&bytes, &mut pos), Ok(v));
            assert_eq!(pos, bytes.len());
        }
        for v in [0, 1, -1, i64::from(i32::MAX) + 1, i64::MAX, i64::MIN] {
            let bytes = varlong_bytes(v);
            let mut pos = 0;
            assert_eq!(read_varlong(&bytes, &mut pos), Ok(v));
            assert_eq!(pos, bytes.len());
        }
    }

    #[test]
    fn rejects_truncated_and_over_long_input() {
        let mut pos = 0;
        assert_eq!(
            read_varint(&[0x80, 0x80], &mut pos),
            Err(VarintError::Truncated)
        );
        let mut pos = 0;
        assert_eq!(read_varint(&[0x80; 5], &mut pos), Err(VarintError::TooLong));
        let mut pos = 0;
        assert_eq!(
            read_varlong(&[0xff; 10], &mut pos),
            Err(VarintError::TooLong)
        );
        let mut pos = 0;
        assert_eq!(read_varlong(&[], &mut pos), Err(VarintError::Truncated));
    }

    #[test]
    fn fifth_byte_high_bits_are_dropped_as_in_java() {
        // Java: `result |= tmp << 28` on an int drops bits 4..6 of the 5th byte.
        let mut pos = 0;
        assert_eq!(
            read_unsigned_varint(&[0xff, 0xff, 0xff, 0xff, 0x7f], &mut pos),
            Ok(u32::MAX)
        );
    }
}
