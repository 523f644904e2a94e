//! Text that is not UTF-8: where it stops being UTF-8, by line and column,
//! and which encoding it seems to be in.

use super::{Diagnostic, Pos};

/// A file's bytes as text, or where and why they are not UTF-8.
pub fn utf8(name: &str, bytes: Vec<u8>) -> Result<String, Box<Diagnostic>> {
    let e = match String::from_utf8(bytes) {
        Ok(text) => return Ok(text),
        Err(e) => e,
    };
    let bytes = e.as_bytes();
    let bad = e.utf8_error().valid_up_to();
    let good = std::str::from_utf8(&bytes[..bad]).unwrap_or_default();
    let line = good.matches('\n').count() as u64 + 1;
    let column = good.rsplit('\n').next().map_or(0, |l| l.chars().count()) as u64 + 1;
    let utf16 = bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]);
    let (message, help) = if utf16 {
        (
            "the file is UTF-16 text; causa reads UTF-8".to_owned(),
            "save the file as UTF-8 (in most editors: Save As, encoding UTF-8)",
        )
    } else {
        (
            format!(
                "the file is not UTF-8 text: byte 0x{:02X} here is not a character of UTF-8",
                bytes[bad]
            ),
            "the file may be in Latin-1 or Windows-1252 (an accented letter written as one byte): save it as UTF-8",
        )
    };
    // The line is quoted up to the byte that is not UTF-8.
    Err(Box::new(
        Diagnostic::in_text("input::not-utf8", name, good, Pos { line, column }, message)
            .with_help(help),
    ))
}
