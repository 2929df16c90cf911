//! The primitive types of Kafka's generated messages (`org.apache.kafka.common.protocol`:
//! `Readable`/`ByteBufferAccessor`, `Writable`, and what `MessageDataGenerator` emits around
//! them), read and written the way the generated Java classes do it.
//!
//! Before a message's first flexible version, strings carry an INT16 length, bytes and arrays
//! an INT32 length, and null is length -1. From the flexible version on they are *compact*: an
//! unsigned varint of length + 1 (0 is null), and every struct ends with a tagged-field section
//! (an unsigned varint count, then per field: tag, size, data). Tagged fields are written only
//! when they differ from their default; unknown ones are kept and written back in tag order
//! (`RawTaggedFieldWriter`).
//!
//! Reading never panics: running out of bytes and malformed lengths are [`WireError`]s whose
//! [`WireError::kafka_message`] is the message Kafka's reader would have given.

use crate::engine::ids::Uuid;
use crate::engine::sorting;
use std::fmt;

/// Why bytes could not be read or a message could not be written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WireError {
    /// `java.nio.BufferUnderflowException` (which has no message: Kafka prints `null`).
    Underflow { needed: usize, remaining: usize },
    /// A `RuntimeException` or `IllegalArgumentException` from the reader or writer, with its
    /// message.
    Invalid(String),
}

impl WireError {
    /// `Throwable.getMessage()` of the exception Kafka's reader throws here.
    pub fn kafka_message(&self) -> String {
        match self {
            WireError::Underflow { .. } => "null".to_string(),
            WireError::Invalid(message) => message.clone(),
        }
    }
}

impl fmt::Display for WireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WireError::Underflow { needed, remaining } => write!(
                f,
                "buffer underflow: needed {needed} more byte(s), {remaining} remaining"
            ),
            WireError::Invalid(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for WireError {}

pub type WireResult<T> = Result<T, WireError>;

fn invalid<T>(message: String) -> WireResult<T> {
    Err(WireError::Invalid(message))
}

/// A field's name as the generated code says it in messages (`FieldSpec.camelCaseName`): the
/// schema's name with a lower-case first letter (`GroupId` → `groupId`).
fn camel(field: &str) -> String {
    let mut chars = field.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_lowercase().chain(chars).collect()
    })
}

/// A tagged field the schema does not know: its tag and raw bytes, kept so a rewrite keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawTaggedField {
    pub tag: u32,
    pub data: Vec<u8>,
}

/// A `ByteBuffer` being read by a generated message.
pub struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    pub fn new(buf: &'a [u8]) -> Self {
        Reader { buf, pos: 0 }
    }

    pub fn remaining(&self) -> usize {
        self.buf.len() - self.pos
    }

    fn take(&mut self, n: usize) -> WireResult<&'a [u8]> {
        let remaining = self.remaining();
        if n > remaining {
            return Err(WireError::Underflow {
                needed: n,
                remaining,
            });
        }
        let bytes = &self.buf[self.pos..self.pos + n];
        self.pos += n;
        Ok(bytes)
    }

    fn array<const N: usize>(&mut self) -> WireResult<[u8; N]> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.take(N)?);
        Ok(out)
    }

    pub fn i8(&mut self) -> WireResult<i8> {
        Ok(i8::from_be_bytes(self.array()?))
    }

    pub fn i16(&mut self) -> WireResult<i16> {
        Ok(i16::from_be_bytes(self.array()?))
    }

    pub fn i32(&mut self) -> WireResult<i32> {
        Ok(i32::from_be_bytes(self.array()?))
    }

    pub fn i64(&mut self) -> WireResult<i64> {
        Ok(i64::from_be_bytes(self.array()?))
    }

    /// `readUuid`: the most significant 64 bits, then the least.
    pub fn uuid(&mut self) -> WireResult<Uuid> {
        let msb = u64::from_be_bytes(self.array()?);
        let lsb = u64::from_be_bytes(self.array()?);
        Ok(Uuid::new(msb, lsb))
    }

    /// `ByteUtils.readUnsignedVarint`, returned as Java's `int` (so 2^31 and up are negative).
    pub fn unsigned_varint(&mut self) -> WireResult<i32> {
        let mut value: u32 = 0;
        for shift in [0, 7, 14, 21] {
            let byte = self.take(1)?[0];
            value |= u32::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Ok(value as i32);
            }
        }
        let byte = self.take(1)?[0];
        value |= u32::from(byte) << 28;
        if byte & 0x80 != 0 {
            return invalid(format!(
                "Varint is too long, the most significant bit in the 5th byte is set, converted \
                 value: {value:x}"
            ));
        }
        Ok(value as i32)
    }

    /// A length prefix: INT16 (strings) or INT32 (bytes, arrays) before the flexible version,
    /// the compact varint form (length + 1) from it.
    fn length(&mut self, flexible: bool, int16: bool) -> WireResult<i32> {
        if flexible {
            Ok(self.unsigned_varint()?.wrapping_sub(1))
        } else if int16 {
            Ok(i32::from(self.i16()?))
        } else {
            self.i32()
        }
    }

    /// `readString(length)`: UTF-8 as `new String(bytes, UTF_8)` decodes it.
    fn string_of(&mut self, length: i32) -> WireResult<String> {
        let remaining = self.remaining();
        let Some(n) = usize::try_from(length).ok().filter(|n| *n <= remaining) else {
            return invalid(format!(
                "Error reading string of length {length}, only {remaining} bytes available"
            ));
        };
        Ok(String::from_utf8_lossy(self.take(n)?).into_owned())
    }

    /// A nullable string field named `field` (the schema's name, as the generated messages say it).
    pub fn nullable_string(&mut self, field: &str, flexible: bool) -> WireResult<Option<String>> {
        let length = self.length(flexible, true)?;
        if length < 0 {
            return Ok(None);
        }
        if length > 0x7fff {
            return invalid(format!(
                "string field {} had invalid length {length}",
                camel(field)
            ));
        }
        self.string_of(length).map(Some)
    }

    pub fn string(&mut self, field: &str, flexible: bool) -> WireResult<String> {
        self.nullable_string(field, flexible)?.map_or_else(
            || {
                invalid(format!(
                    "non-nullable field {} was serialized as null",
                    camel(field)
                ))
            },
            Ok,
        )
    }

    /// `readArray(length)`.
    fn bytes_of(&mut self, length: i32) -> WireResult<Vec<u8>> {
        let remaining = self.remaining();
        match usize::try_from(length).ok().filter(|n| *n <= remaining) {
            Some(n) => Ok(self.take(n)?.to_vec()),
            None => invalid(format!(
                "Error reading byte array of {length} byte(s): only {remaining} byte(s) available"
            )),
        }
    }

    pub fn nullable_bytes(&mut self, flexible: bool) -> WireResult<Option<Vec<u8>>> {
        let length = self.length(flexible, false)?;
        if length < 0 {
            return Ok(None);
        }
        self.bytes_of(length).map(Some)
    }

    pub fn bytes(&mut self, field: &str, flexible: bool) -> WireResult<Vec<u8>> {
        self.nullable_bytes(flexible)?.map_or_else(
            || {
                invalid(format!(
                    "non-nullable field {} was serialized as null",
                    camel(field)
                ))
            },
            Ok,
        )
    }

    /// The length of a nullable array; `None` for null. A length past the bytes left is refused
    /// before anything is allocated, as the generated code does.
    pub fn nullable_array_len(&mut self, flexible: bool) -> WireResult<Option<usize>> {
        let length = self.length(flexible, false)?;
        let Ok(n) = usize::try_from(length) else {
            return Ok(None);
        };
        let remaining = self.remaining();
        if n > remaining {
            return invalid(format!(
                "Tried to allocate a collection of size {length}, but there are only {remaining} \
                 bytes remaining."
            ));
        }
        Ok(Some(n))
    }

    pub fn array_len(&mut self, field: &str, flexible: bool) -> WireResult<usize> {
        self.nullable_array_len(flexible)?.map_or_else(
            || {
                invalid(format!(
                    "non-nullable field {} was serialized as null",
                    camel(field)
                ))
            },
            Ok,
        )
    }

    /// `[]string`.
    pub fn string_array(&mut self, field: &str, flexible: bool) -> WireResult<Vec<String>> {
        let n = self.array_len(field, flexible)?;
        (0..n)
            .map(|_| self.string(&format!("{field} element"), flexible))
            .collect()
    }

    /// `[]int32`.
    pub fn i32_array(&mut self, field: &str, flexible: bool) -> WireResult<Vec<i32>> {
        let n = self.array_len(field, flexible)?;
        (0..n).map(|_| self.i32()).collect()
    }

    /// An array of structs, each read by `element`.
    pub fn struct_array<T>(
        &mut self,
        field: &str,
        flexible: bool,
        mut element: impl FnMut(&mut Self) -> WireResult<T>,
    ) -> WireResult<Vec<T>> {
        let n = self.array_len(field, flexible)?;
        (0..n).map(|_| element(self)).collect()
    }

    /// The tagged-field section: `known(tag, reader)` reads a field the schema knows and says
    /// `true`; the rest are kept raw. As the generated code, a known field is read from the
    /// stream without checking it against its declared size.
    pub fn tagged_fields(
        &mut self,
        mut known: impl FnMut(u32, &mut Self) -> WireResult<bool>,
    ) -> WireResult<Vec<RawTaggedField>> {
        let count = self.unsigned_varint()?;
        let mut unknown = Vec::new();
        for _ in 0..count.max(0) {
            let tag = self.unsigned_varint()? as u32;
            let size = self.unsigned_varint()?;
            if !known(tag, self)? {
                let data = self.bytes_of(size)?;
                unknown.push(RawTaggedField { tag, data });
            }
        }
        Ok(unknown)
    }
}

/// A `Writable` being filled by a generated message.
#[derive(Default)]
pub struct Writer {
    pub out: Vec<u8>,
}

impl Writer {
    pub fn i8(&mut self, v: i8) {
        self.out.extend_from_slice(&v.to_be_bytes());
    }

    pub fn i16(&mut self, v: i16) {
        self.out.extend_from_slice(&v.to_be_bytes());
    }

    pub fn i32(&mut self, v: i32) {
        self.out.extend_from_slice(&v.to_be_bytes());
    }

    pub fn i64(&mut self, v: i64) {
        self.out.extend_from_slice(&v.to_be_bytes());
    }

    pub fn uuid(&mut self, v: Uuid) {
        self.out.extend_from_slice(&v.to_bytes());
    }

    pub fn unsigned_varint(&mut self, mut v: u32) {
        while v >= 0x80 {
            self.out.push((v as u8 & 0x7f) | 0x80);
            v >>= 7;
        }
        self.out.push(v as u8);
    }

    /// A length prefix (`None` is null, -1 / compact 0).
    fn length(&mut self, length: Option<usize>, flexible: bool, int16: bool) {
        match (length, flexible) {
            (None, true) => self.unsigned_varint(0),
            (Some(n), true) => self.unsigned_varint(n as u32 + 1),
            (None, false) if int16 => self.i16(-1),
            (Some(n), false) if int16 => self.i16(n as i16),
            (None, false) => self.i32(-1),
            (Some(n), false) => self.i32(n as i32),
        }
    }

    /// A nullable string; longer than 32767 UTF-8 bytes is refused as Kafka refuses it.
    pub fn nullable_string(
        &mut self,
        field: &str,
        v: Option<&str>,
        flexible: bool,
    ) -> WireResult<()> {
        if let Some(s) = v {
            if s.len() > 0x7fff {
                return invalid(format!("'{field}' field is too long to be serialized"));
            }
        }
        self.length(v.map(str::len), flexible, true);
        self.out.extend_from_slice(v.unwrap_or_default().as_bytes());
        Ok(())
    }

    pub fn string(&mut self, field: &str, v: &str, flexible: bool) -> WireResult<()> {
        self.nullable_string(field, Some(v), flexible)
    }

    pub fn nullable_bytes(&mut self, v: Option<&[u8]>, flexible: bool) -> WireResult<()> {
        if v.is_some_and(|b| i32::try_from(b.len()).is_err()) {
            return invalid("byte array is too long to be serialized".to_string());
        }
        self.length(v.map(<[u8]>::len), flexible, false);
        self.out.extend_from_slice(v.unwrap_or_default());
        Ok(())
    }

    pub fn array_len(&mut self, n: Option<usize>, flexible: bool) -> WireResult<()> {
        if n.is_some_and(|n| i32::try_from(n).is_err()) {
            return invalid("array is too long to be serialized".to_string());
        }
        self.length(n, flexible, false);
        Ok(())
    }

    pub fn string_array(&mut self, field: &str, v: &[String], flexible: bool) -> WireResult<()> {
        self.array_len(Some(v.len()), flexible)?;
        v.iter().try_for_each(|s| self.string(field, s, flexible))
    }

    pub fn i32_array(&mut self, v: &[i32], flexible: bool) -> WireResult<()> {
        self.array_len(Some(v.len()), flexible)?;
        v.iter().for_each(|&i| self.i32(i));
        Ok(())
    }

    /// The tagged-field section: the known fields that differ from their defaults (as
    /// `(tag, bytes)`, in tag order) merged with the unknown ones, by tag.
    pub fn tagged_fields(&mut self, known: Vec<(u32, Vec<u8>)>, unknown: &[RawTaggedField]) {
        let mut all: Vec<(u32, &[u8])> = known.iter().map(|(t, d)| (*t, d.as_slice())).collect();
        all.extend(unknown.iter().map(|f| (f.tag, f.data.as_slice())));
        // A stable sort: known fields before unknown ones of the same tag, as the raw writer
        // emits raw tags only below the next known tag.
        sorting::sort_by_key(&mut all, |(tag, _)| *tag);
        self.unsigned_varint(all.len() as u32);
        for (tag, data) in all {
            self.unsigned_varint(tag);
            self.unsigned_varint(data.len() as u32);
            self.out.extend_from_slice(data);
        }
    }
}

/// The bytes `write` puts in a fresh writer (for a tagged field's data).
pub fn encoded(write: impl FnOnce(&mut Writer) -> WireResult<()>) -> WireResult<Vec<u8>> {
    let mut w = Writer::default();
    write(&mut w)?;
    Ok(w.out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compact_and_classic_lengths() {
        let mut w = Writer::default();
        w.string("s", "ab", false).unwrap_or_default();
        w.string("s", "ab", true).unwrap_or_default();
        w.nullable_string("s", None, true).unwrap_or_default();
        w.nullable_bytes(None, false).unwrap_or_default();
        assert_eq!(
            w.out,
            [0, 2, b'a', b'b', 3, b'a', b'b', 0, 0xff, 0xff, 0xff, 0xff]
        );
        let mut r = Reader::new(&w.out);
        assert_eq!(r.string("s", false), Ok("ab".to_string()));
        assert_eq!(r.string("s", true), Ok("ab".to_string()));
        assert_eq!(
            r.string("s", true),
            Err(WireError::Invalid(
                "non-nullable field s was serialized as null".into()
            ))
        );
        assert_eq!(r.nullable_bytes(false), Ok(None));
        assert_eq!(r.remaining(), 0);
        // Messages name fields in camel case, as the generated classes do.
        assert_eq!(
            Reader::new(&[0xff, 0xff]).string("GroupId", false),
            Err(WireError::Invalid(
                "non-nullable field groupId was serialized as null".into()
            ))
        );
        assert_eq!(
            Reader::new(&[0, 0, 0, 1, 0xff, 0xff]).string_array("Topics", false),
            Err(WireError::Invalid(
                "non-nullable field topics element was serialized as null".into()
            ))
        );
    }

    #[test]
    fn varints_as_bytebuffer_reads_them() {
        let mut w = Writer::default();
        w.unsigned_varint(300);
        w.unsigned_varint(u32::MAX);
        assert_eq!(w.out, [0xac, 0x02, 0xff, 0xff, 0xff, 0xff, 0x0f]);
        let mut r = Reader::new(&w.out);
        assert_eq!(r.unsigned_varint(), Ok(300));
        assert_eq!(r.unsigned_varint(), Ok(-1));
        let too_long = [0xff, 0xff, 0xff, 0xff, 0xff];
        let err = Reader::new(&too_long).unsigned_varint();
        assert_eq!(
            err.map_err(|e| e.kafka_message()),
            Err(
                "Varint is too long, the most significant bit in the 5th byte is set, converted \
                 value: ffffffff"
                    .to_string()
            )
        );
    }

    #[test]
    fn lengths_past_the_end_are_kafkas_errors() {
        let bytes = [0, 0, 0, 9, 1];
        assert_eq!(
            Reader::new(&bytes)
                .bytes("b", false)
                .map_err(|e| e.kafka_message()),
            Err("Error reading byte array of 9 byte(s): only 1 byte(s) available".into())
        );
        assert_eq!(
            Reader::new(&bytes)
                .array_len("a", false)
                .map_err(|e| e.kafka_message()),
            Err(
                "Tried to allocate a collection of size 9, but there are only 1 bytes remaining."
                    .into()
            )
        );
        assert_eq!(
            Reader::new(&[0, 5, b'x'])
                .string("s", false)
                .map_err(|e| e.kafka_message()),
            Err("Error reading string of length 5, only 1 bytes available".into())
        );
        assert_eq!(
            Reader::new(&[0, 0]).i32().map_err(|e| e.kafka_message()),
            Err("null".into())
        );
    }
}
