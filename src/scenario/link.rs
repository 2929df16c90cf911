//! A scenario in a URL fragment: `#s=` then its `.kplay` text, raw-deflated (`miniz_oxide`,
//! RFC 1951) and written in base64url without padding (RFC 4648 §5), so it survives any URL.
//!
//! Decoding is for untrusted input: a fragment longer than [`MAX_FRAGMENT_CHARS`], a character
//! outside base64url, a deflate stream that is broken or inflates past
//! [`MAX_SCRIPT_BYTES`](super::MAX_SCRIPT_BYTES), text that is not UTF-8 — each is an error
//! with a message; the text is then read with the scenario's own limits.

use super::{Scenario, ScenarioError, MAX_SCRIPT_BYTES};
use miniz_oxide::deflate::compress_to_vec;
use miniz_oxide::inflate::decompress_to_vec_with_limit;

/// What starts a share link's fragment (after `#`).
pub const FRAGMENT_KEY: &str = "s=";
/// The longest fragment read: base64 of the most a 1 MiB scenario could deflate to.
pub const MAX_FRAGMENT_CHARS: usize = MAX_SCRIPT_BYTES / 3 * 4 + 1024;

/// deflate's best compression (scenarios are small; size in the URL matters more).
const LEVEL: u8 = 9;

/// The fragment (without `#`) of a link to this scenario.
pub fn to_fragment(scenario: &Scenario) -> String {
    format!(
        "{FRAGMENT_KEY}{}",
        encode_base64url(&compress_to_vec(scenario.to_kplay().as_bytes(), LEVEL))
    )
}

/// The scenario a fragment (with or without its `#`) holds: `None` when it is not a share link's
/// (no `s=`), an error when it is one that cannot be read.
pub fn from_fragment(fragment: &str) -> Option<Result<Scenario, ScenarioError>> {
    let fragment = fragment.strip_prefix('#').unwrap_or(fragment);
    let payload = fragment.strip_prefix(FRAGMENT_KEY)?;
    Some(decode_text(payload).and_then(|text| Scenario::from_kplay(&text)))
}

/// The `.kplay` text a link's payload holds.
pub fn decode_text(payload: &str) -> Result<String, ScenarioError> {
    let link = |m: String| ScenarioError::Link(m);
    if payload.len() > MAX_FRAGMENT_CHARS {
        return Err(link(format!(
            "it is {} characters long; a share link may be at most {MAX_FRAGMENT_CHARS}.",
            payload.len()
        )));
    }
    if payload.is_empty() {
        return Err(link("it is empty.".to_string()));
    }
    let bytes = decode_base64url(payload)
        .ok_or_else(|| link("it is not base64url text (A-Z, a-z, 0-9, '-' and '_').".into()))?;
    let text = decompress_to_vec_with_limit(&bytes, MAX_SCRIPT_BYTES).map_err(|e| {
        if e.status == miniz_oxide::inflate::TINFLStatus::HasMoreOutput {
            link(format!(
                "it unpacks to more than {MAX_SCRIPT_BYTES} bytes (1 MiB), the most a scenario may hold."
            ))
        } else {
            link("its compressed data is damaged (the deflate stream does not decode).".into())
        }
    })?;
    String::from_utf8(text).map_err(|_| link("it does not unpack to UTF-8 text.".into()))
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// base64url without padding.
pub fn encode_base64url(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]));
        }
    }
    out
}

/// base64url with or without padding; `None` for any other character or a impossible length.
pub fn decode_base64url(text: &str) -> Option<Vec<u8>> {
    let text = text.trim_end_matches('=');
    if text.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(text.len() / 4 * 3 + 2);
    for chunk in text.as_bytes().chunks(4) {
        let mut n = 0u32;
        for (i, c) in chunk.iter().enumerate() {
            n |= value(*c)? << (18 - 6 * i);
        }
        for i in 0..chunk.len() - 1 {
            out.push((n >> (16 - 8 * i)) as u8);
        }
    }
    Some(out)
}

/// A base64url character's 6 bits.
fn value(c: u8) -> Option<u32> {
    let v = match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'-' => 62,
        b'_' => 63,
        _ => return None,
    };
    Some(u32::from(v))
}
