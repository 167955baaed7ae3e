//! Text that another process chose (a message, its executable's name, its
//! address), made safe to print on one line: it can neither end the line nor
//! forge one, nor reorder what the terminal shows.
//!
//! Printable text stays as it is, in any script. A backslash, every control
//! byte (newline, carriage return, escape, NUL...) and every byte that is not
//! UTF-8 become `\xNN`; C1 controls, line and paragraph separators and the
//! bidirectional overrides become `\u{XXXX}`. So every backslash in the output
//! starts an escape, and the bytes can be read back.

use std::fmt::Write;

/// `bytes` as one line of text, escaped as the module says.
pub fn escape(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            if c.is_ascii() && (c.is_ascii_control() || c == '\\') {
                let _ = write!(out, "\\x{:02x}", c as u32);
            } else if c.is_control() || reorders_or_breaks(c) {
                let _ = write!(out, "\\u{{{:04x}}}", c as u32);
            } else {
                out.push(c);
            }
        }
        for byte in chunk.invalid() {
            let _ = write!(out, "\\x{byte:02x}");
        }
    }
    out
}

/// Characters that are not controls but end a line (U+2028, U+2029) or change
/// the order in which a terminal shows what follows (the bidirectional marks,
/// embeddings, overrides and isolates: "Trojan Source").
fn reorders_or_breaks(c: char) -> bool {
    matches!(
        c,
        '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{2028}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table() {
        for (bytes, want) in [
            (&b"hello world"[..], "hello world"),
            (b"", ""),
            (b"a\nb", "a\\x0ab"),
            (b"\r\t\0\x1b[31m\x7f", "\\x0d\\x09\\x00\\x1b[31m\\x7f"),
            (b"back\\slash", "back\\x5cslash"),
            (b"\\x0a", "\\x5cx0a"),
            ("grüße, 日本".as_bytes(), "grüße, 日本"),
            (b"\xff\xfe ok \xc3", "\\xff\\xfe ok \\xc3"),
            ("\u{85}".as_bytes(), "\\u{0085}"),
            ("a\u{2028}b".as_bytes(), "a\\u{2028}b"),
            ("\u{202e}evil".as_bytes(), "\\u{202e}evil"),
            ("\u{2066}\u{2069}".as_bytes(), "\\u{2066}\\u{2069}"),
            // Joiners and other format characters do not reorder: kept.
            ("👩\u{200d}💻".as_bytes(), "👩\u{200d}💻"),
        ] {
            assert_eq!(escape(bytes), want, "{bytes:?}");
        }
    }

    #[test]
    fn nothing_escaped_can_end_or_forge_a_line() {
        let every_byte: Vec<u8> = (0..=255).collect();
        let out = escape(&every_byte);
        assert!(!out.chars().any(|c| c.is_control() || reorders_or_breaks(c)));
        assert_eq!(out.matches('\\').count(), 0x20 + 1 + 1 + 0x80);
    }
}
