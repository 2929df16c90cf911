//! CRC-32C (Castagnoli), the checksum of every v2 record batch.
//!
//! Kafka computes it with `org.apache.kafka.common.utils.Crc32C` (the JDK's `java.util.zip.CRC32C`)
//! over a batch's bytes from the attributes field to the end: the reflected polynomial 0x82F63B78
//! with initial value and final xor 0xFFFFFFFF. Which implementation runs where:
//!
//! - **wasm32**: slicing-by-16 below, sixteen 256-entry tables (16 KiB) built at compile time by
//!   `const fn` (no start-up cost, no `unsafe`); WebAssembly has no CRC instruction.
//! - **native**: the `crc32c` crate, which uses the CPU's CRC-32C instruction (SSE 4.2 on x86-64,
//!   the ARMv8 CRC extension) and its own tables where there is none — the same function, about
//!   ten times faster (docs/PERFORMANCE.md). The tests check it against the tables here.
//!
//! Both compute the same function, so a batch's bytes are the same natively and in wasm.

/// The reflected Castagnoli polynomial.
const POLY: u32 = 0x82F6_3B78;

/// Input bytes folded in per step.
const SLICES: usize = 16;

/// `TABLES[0]` is the classic byte-at-a-time table; `TABLES[k][b]` is the CRC of byte `b`
/// followed by `k` zero bytes, which lets sixteen input bytes be folded in per step: the lookups
/// of a step depend on the state only through its first four, so most run side by side.
static TABLES: [[u32; 256]; SLICES] = make_tables();

const fn make_tables() -> [[u32; 256]; SLICES] {
    let mut tables = [[0u32; 256]; SLICES];
    let mut n = 0;
    while n < 256 {
        let mut crc = n as u32;
        let mut bit = 0;
        while bit < 8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ POLY
            } else {
                crc >> 1
            };
            bit += 1;
        }
        tables[0][n] = crc;
        n += 1;
    }
    let mut k = 1;
    while k < SLICES {
        let mut n = 0;
        while n < 256 {
            let prev = tables[k - 1][n];
            tables[k][n] = (prev >> 8) ^ tables[0][(prev & 0xff) as usize];
            n += 1;
        }
        k += 1;
    }
    tables
}

/// The CRC-32C of `bytes`.
pub fn crc32c(bytes: &[u8]) -> u32 {
    crc32c_append(0, bytes)
}

/// Continues a CRC-32C: `crc32c_append(crc32c(a), b) == crc32c(a ++ b)`.
#[cfg(not(target_arch = "wasm32"))]
pub fn crc32c_append(crc: u32, bytes: &[u8]) -> u32 {
    crc32c::crc32c_append(crc, bytes)
}

/// Continues a CRC-32C: `crc32c_append(crc32c(a), b) == crc32c(a ++ b)`.
#[cfg(target_arch = "wasm32")]
pub fn crc32c_append(crc: u32, bytes: &[u8]) -> u32 {
    sliced_crc32c_append(crc, bytes)
}

/// [`crc32c_append`] with the slicing-by-16 tables.
#[cfg_attr(not(any(target_arch = "wasm32", test)), allow(dead_code))]
fn sliced_crc32c_append(crc: u32, bytes: &[u8]) -> u32 {
    let mut state = !crc;
    let mut chunks = bytes.chunks_exact(SLICES);
    for chunk in &mut chunks {
        let word =
            |i: usize| u32::from_le_bytes([chunk[i], chunk[i + 1], chunk[i + 2], chunk[i + 3]]);
        let (a, b, c, d) = (word(0) ^ state, word(4), word(8), word(12));
        let lookup =
            |table: usize, w: u32, shift: u32| TABLES[table][((w >> shift) & 0xff) as usize];
        state = lookup(15, a, 0)
            ^ lookup(14, a, 8)
            ^ lookup(13, a, 16)
            ^ lookup(12, a, 24)
            ^ lookup(11, b, 0)
            ^ lookup(10, b, 8)
            ^ lookup(9, b, 16)
            ^ lookup(8, b, 24)
            ^ lookup(7, c, 0)
            ^ lookup(6, c, 8)
            ^ lookup(5, c, 16)
            ^ lookup(4, c, 24)
            ^ lookup(3, d, 0)
            ^ lookup(2, d, 8)
            ^ lookup(1, d, 16)
            ^ lookup(0, d, 24);
    }
    for &byte in chunks.remainder() {
        state = (state >> 8) ^ TABLES[0][((state ^ u32::from(byte)) & 0xff) as usize];
    }
    !state
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The bit-at-a-time definition, to check the tables against.
    fn crc32c_bitwise(bytes: &[u8]) -> u32 {
        let mut crc = !0u32;
        for &b in bytes {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 != 0 {
                    (crc >> 1) ^ POLY
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }

    #[test]
    fn check_value_of_the_catalogue() {
        // The "check" value of CRC-32/ISCSI in the CRC catalogue (and RFC 3720).
        assert_eq!(crc32c(b"123456789"), 0xE306_9283);
    }

    #[test]
    fn kafka_crc32c_test_value() {
        // Kafka's Crc32CTest.testValue: "Some String" -> 608512271.
        assert_eq!(crc32c(b"Some String"), 608_512_271);
    }

    #[test]
    fn rfc3720_vectors() {
        // RFC 3720 appendix B.4: 32 bytes of zeros, of 0xff, and an ascending sequence.
        assert_eq!(crc32c(&[0u8; 32]), 0x8A91_36AA);
        assert_eq!(crc32c(&[0xffu8; 32]), 0x62A8_AB43);
        let ascending: Vec<u8> = (0u8..32).collect();
        assert_eq!(crc32c(&ascending), 0x46DD_794E);
        assert_eq!(crc32c(b""), 0);
    }

    #[test]
    fn incremental_equals_whole_as_in_kafka_crc32c_test_update() {
        let bytes = b"Any String you want";
        let whole = crc32c(bytes);
        let mut byte_by_byte = 0;
        for b in bytes.chunks(1) {
            byte_by_byte = crc32c_append(byte_by_byte, b);
        }
        let half = bytes.len() / 2;
        let halves = crc32c_append(crc32c(&bytes[..half]), &bytes[half..]);
        assert_eq!(whole, byte_by_byte);
        assert_eq!(whole, halves);
    }

    #[test]
    fn sliced_tables_agree_with_bitwise_for_every_length_and_alignment() {
        let data: Vec<u8> = (0u32..300)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect();
        for start in 0..9 {
            for end in start..data.len() {
                let bitwise = crc32c_bitwise(&data[start..end]);
                assert_eq!(sliced_crc32c_append(0, &data[start..end]), bitwise);
                assert_eq!(
                    crc32c(&data[start..end]),
                    bitwise,
                    "the target's implementation"
                );
            }
        }
    }
}
