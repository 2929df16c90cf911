//! A small JSON reader and writer for the tools that take or print JSON
//! (`kafka-delete-records.sh --offset-json-file`, `kafka-log-dirs.sh`).
//!
//! Reading follows what Kafka's tools get from `org.apache.kafka.server.util.Json.parseFull`
//! (Jackson's `readTree`): one value, trailing input ignored, object members kept in order
//! (a repeated name keeps the last value, as Jackson's `ObjectNode`). Writing is Jackson's
//! compact form (`ObjectMapper.writeValueAsString`: no spaces).

/// A JSON value; numbers keep their text so nothing is rounded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Json {
    Null,
    Bool(bool),
    Number(String),
    String(String),
    Array(Vec<Json>),
    Object(Vec<(String, Json)>),
}

impl Json {
    /// Parses the first JSON value of `text`; `None` if it is not JSON.
    pub fn parse(text: &str) -> Option<Json> {
        let mut reader = Reader {
            bytes: text.as_bytes(),
            at: 0,
        };
        reader.value(0)
    }

    /// A member of an object (the last one of that name).
    pub fn get(&self, name: &str) -> Option<&Json> {
        match self {
            Json::Object(members) => members.iter().rev().find(|(n, _)| n == name).map(|m| &m.1),
            _ => None,
        }
    }

    /// Jackson's compact text of the value (`JsonNode.toString`).
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        out
    }

    fn write(&self, out: &mut String) {
        match self {
            Json::Null => out.push_str("null"),
            Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Json::Number(n) => out.push_str(n),
            Json::String(s) => write_string(s, out),
            Json::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.write(out);
                }
                out.push(']');
            }
            Json::Object(members) => {
                out.push('{');
                for (i, (name, value)) in members.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write_string(name, out);
                    out.push(':');
                    value.write(out);
                }
                out.push('}');
            }
        }
    }
}

/// A JSON string literal with Jackson's escapes.
fn write_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            // Jackson's short escapes for backspace and form feed (`CharTypes.sOutputEscapes128`).
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Nesting deeper than this is refused rather than risking the stack on hostile input.
const MAX_DEPTH: usize = 256;

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn skip_whitespace(&mut self) {
        while self
            .bytes
            .get(self.at)
            .is_some_and(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
        {
            self.at += 1;
        }
    }

    fn eat(&mut self, byte: u8) -> bool {
        self.skip_whitespace();
        if self.bytes.get(self.at) == Some(&byte) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn literal(&mut self, word: &str, value: Json) -> Option<Json> {
        let end = self.at + word.len();
        (self.bytes.get(self.at..end)? == word.as_bytes()).then(|| {
            self.at = end;
            value
        })
    }

    fn value(&mut self, depth: usize) -> Option<Json> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.skip_whitespace();
        match *self.bytes.get(self.at)? {
            b'{' => self.object(depth),
            b'[' => self.array(depth),
            b'"' => self.string().map(Json::String),
            b't' => self.literal("true", Json::Bool(true)),
            b'f' => self.literal("false", Json::Bool(false)),
            b'n' => self.literal("null", Json::Null),
            b'-' | b'0'..=b'9' => self.number(),
            _ => None,
        }
    }

    fn object(&mut self, depth: usize) -> Option<Json> {
        self.at += 1;
        let mut members = Vec::new();
        if self.eat(b'}') {
            return Some(Json::Object(members));
        }
        loop {
            self.skip_whitespace();
            if self.bytes.get(self.at) != Some(&b'"') {
                return None;
            }
            let name = self.string()?;
            if !self.eat(b':') {
                return None;
            }
            let value = self.value(depth + 1)?;
            members.retain(|(n, _): &(String, Json)| *n != name);
            members.push((name, value));
            if self.eat(b'}') {
                return Some(Json::Object(members));
            }
            if !self.eat(b',') {
                return None;
            }
        }
    }

    fn array(&mut self, depth: usize) -> Option<Json> {
        self.at += 1;
        let mut items = Vec::new();
        if self.eat(b']') {
            return Some(Json::Array(items));
        }
        loop {
            items.push(self.value(depth + 1)?);
            if self.eat(b']') {
                return Some(Json::Array(items));
            }
            if !self.eat(b',') {
                return None;
            }
        }
    }

    fn number(&mut self) -> Option<Json> {
        let start = self.at;
        let digits = |r: &mut Self| {
            let from = r.at;
            while r.bytes.get(r.at).is_some_and(u8::is_ascii_digit) {
                r.at += 1;
            }
            r.at > from
        };
        if self.bytes.get(self.at) == Some(&b'-') {
            self.at += 1;
        }
        // Jackson: "Leading zeroes not allowed".
        let leading_zero = self.bytes.get(self.at) == Some(&b'0')
            && self.bytes.get(self.at + 1).is_some_and(u8::is_ascii_digit);
        if leading_zero || !digits(self) {
            return None;
        }
        if self.bytes.get(self.at) == Some(&b'.') {
            self.at += 1;
            if !digits(self) {
                return None;
            }
        }
        if matches!(self.bytes.get(self.at), Some(b'e' | b'E')) {
            self.at += 1;
            if matches!(self.bytes.get(self.at), Some(b'+' | b'-')) {
                self.at += 1;
            }
            if !digits(self) {
                return None;
            }
        }
        let text = std::str::from_utf8(&self.bytes[start..self.at]).ok()?;
        Some(Json::Number(text.to_string()))
    }

    fn string(&mut self) -> Option<String> {
        self.at += 1;
        let mut out = Vec::new();
        loop {
            let byte = *self.bytes.get(self.at)?;
            self.at += 1;
            match byte {
                b'"' => return String::from_utf8(out).ok(),
                b'\\' => {
                    let escaped = *self.bytes.get(self.at)?;
                    self.at += 1;
                    let c = match escaped {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => self.unicode_escape()?,
                        _ => return None,
                    };
                    out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
                }
                b if b < 0x20 => return None,
                b => out.push(b),
            }
        }
    }

    /// `\uXXXX`, with a following `\uXXXX` for a surrogate pair.
    fn unicode_escape(&mut self) -> Option<char> {
        let high = self.hex4()?;
        if (0xD800..0xDC00).contains(&high) && self.bytes.get(self.at..self.at + 2) == Some(b"\\u")
        {
            self.at += 2;
            let low = self.hex4()?;
            let code = 0x10000 + ((high - 0xD800) << 10) + (low.checked_sub(0xDC00)?);
            return char::from_u32(code);
        }
        char::from_u32(high)
    }

    fn hex4(&mut self) -> Option<u32> {
        let text = std::str::from_utf8(self.bytes.get(self.at..self.at + 4)?).ok()?;
        self.at += 4;
        u32::from_str_radix(text, 16).ok()
    }
}

/// Kafka's `DecodeJson` readers for the tools' JSON files, failing as Jackson and Kafka's
/// `JsonValue` do: an uncaught exception's class and message.
pub mod decode {
    use super::Json;

    /// An exception that escapes a tool's `main`: its class and message.
    pub type Uncaught = (&'static str, String);

    const JSON_MAPPING: &str = "com.fasterxml.jackson.databind.JsonMappingException";

    pub fn mapping(message: String) -> Uncaught {
        (JSON_MAPPING, message)
    }

    pub fn object(js: &Json) -> Result<(), Uncaught> {
        match js {
            Json::Object(_) => Ok(()),
            other => Err(mapping(format!(
                "Expected JSON object, received {}",
                other.to_text()
            ))),
        }
    }

    /// `JsonObject.apply`.
    pub fn field<'a>(js: &'a Json, name: &str) -> Result<&'a Json, Uncaught> {
        js.get(name)
            .ok_or_else(|| mapping(format!("No such field exists: `{name}`")))
    }

    /// `DecodeJson.DecodeInteger`: an integral JSON number that fits an `int`.
    pub fn int(js: &Json) -> Result<i32, Uncaught> {
        match js {
            Json::Number(n) => n.parse().ok(),
            _ => None,
        }
        .ok_or_else(|| mapping(format!("Expected `int` value, received {}", js.to_text())))
    }

    /// `DecodeJson.DecodeLong`: a number Jackson can convert to a `long` (a fraction is cut off).
    pub fn long(js: &Json) -> Result<i64, Uncaught> {
        let converted = match js {
            Json::Number(n) => n.parse::<i64>().ok().or_else(|| {
                n.parse::<f64>()
                    .ok()
                    .filter(|f| (-9.223_372_036_854_776e18..9.223_372_036_854_776e18).contains(f))
                    .map(|f| f as i64)
            }),
            _ => None,
        };
        converted
            .ok_or_else(|| mapping(format!("Expected `long` value, received {}", js.to_text())))
    }

    /// `DecodeJson.DecodeString`: a JSON string.
    pub fn string(js: &Json) -> Result<String, Uncaught> {
        match js {
            Json::String(s) => Ok(s.clone()),
            other => Err(mapping(format!(
                "Expected `String` value, received {}",
                other.to_text()
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_and_writes() {
        let json = Json::parse(
            " {\"partitions\": [{\"topic\": \"t\\u00e9\", \"partition\": 0, \"offset\": -1}], \"version\": 1} trailing",
        )
        .expect("JSON");
        assert_eq!(json.get("version"), Some(&Json::Number("1".into())));
        assert_eq!(
            json.to_text(),
            "{\"partitions\":[{\"topic\":\"t\u{e9}\",\"partition\":0,\"offset\":-1}],\"version\":1}"
        );
        assert_eq!(
            Json::parse("{\"a\":1,\"a\":2}").expect("JSON").to_text(),
            "{\"a\":2}"
        );
    }

    #[test]
    fn escapes_as_jackson_does() {
        let text = Json::String("q\"b\\\u{8}\u{c}\n\r\t\u{1}\u{1f}/é".into()).to_text();
        assert_eq!(text, "\"q\\\"b\\\\\\b\\f\\n\\r\\t\\u0001\\u001F/é\"");
    }

    #[test]
    fn refuses_what_is_not_json() {
        for bad in [
            "",
            "{",
            "{\"a\" 1}",
            "[1,]",
            "{'a':1}",
            "01x",
            "-",
            "\"\\x\"",
            "nul",
        ] {
            let parsed = Json::parse(bad);
            assert!(parsed.is_none(), "{bad:?} parsed as {parsed:?}");
        }
        assert!(Json::parse(&"[".repeat(10_000)).is_none());
    }
}
