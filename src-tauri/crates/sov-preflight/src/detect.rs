//! Working out what a file is (by content, then name), its text encoding and its delimiter.

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

use crate::report::FileKind;

const SNIFF_BYTES: usize = 8 * 1024;

/// The text encodings we read; everything is sent as UTF-8 without a BOM.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TextEncoding {
    Utf8,
    Utf8WithBom,
    Utf16Le { bom: bool },
    Utf16Be { bom: bool },
    Windows1252,
}

impl TextEncoding {
    /// Bytes at the start of the file that are not content.
    pub(crate) fn bom_len(self) -> usize {
        match self {
            Self::Utf8WithBom => 3,
            Self::Utf16Le { bom: true } | Self::Utf16Be { bom: true } => 2,
            _ => 0,
        }
    }

    /// The notice telling the user what we did about the encoding, if anything.
    pub(crate) fn notice(self) -> Option<&'static str> {
        match self {
            Self::Utf8 => None,
            Self::Utf8WithBom => Some(
                "This file starts with an invisible byte-order mark (Excel adds one to \"CSV UTF-8\" files); it will be left out when sending.",
            ),
            Self::Utf16Le { .. } | Self::Utf16Be { .. } => Some(
                "This file was saved as Unicode Text (UTF-16); it will be sent as UTF-8.",
            ),
            Self::Windows1252 => {
                Some("This file was saved as Windows-1252 text; it will be sent as UTF-8.")
            }
        }
    }
}

/// What the first bytes of a file say it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sniffed {
    Empty,
    Text(TextEncoding),
    /// A zip (xlsx/xlsm) or an OLE compound file (xls): it may be an Excel workbook.
    MaybeWorkbook {
        zip: bool,
    },
    Refused(FileKind, &'static str),
}

pub(crate) fn sniff(path: &Path) -> io::Result<Sniffed> {
    let mut file = File::open(path)?;
    let mut head = Vec::with_capacity(SNIFF_BYTES);
    (&mut file)
        .take(SNIFF_BYTES as u64)
        .read_to_end(&mut head)?;
    if head.is_empty() {
        return Ok(Sniffed::Empty);
    }
    if let Some(sniffed) = sniff_magic(&head) {
        return Ok(sniffed);
    }
    if head.starts_with(&[0xEF, 0xBB, 0xBF]) {
        return Ok(Sniffed::Text(TextEncoding::Utf8WithBom));
    }
    if head.starts_with(&[0xFF, 0xFE]) {
        return Ok(Sniffed::Text(TextEncoding::Utf16Le { bom: true }));
    }
    if head.starts_with(&[0xFE, 0xFF]) {
        return Ok(Sniffed::Text(TextEncoding::Utf16Be { bom: true }));
    }
    if let Some(utf16) = sniff_utf16_without_bom(&head) {
        return Ok(Sniffed::Text(utf16));
    }
    if looks_binary(&head) {
        return Ok(Sniffed::Refused(FileKind::Binary, "a binary file"));
    }
    // Only the start is checked here; the rest is checked while it is read (see utf8_guard).
    let head_is_utf8 = match std::str::from_utf8(&head) {
        Ok(_) => true,
        Err(error) => error.error_len().is_none(),
    };
    let encoding = if head_is_utf8 {
        TextEncoding::Utf8
    } else {
        TextEncoding::Windows1252
    };
    Ok(Sniffed::Text(encoding))
}

fn sniff_magic(head: &[u8]) -> Option<Sniffed> {
    let refused = |kind, what| Some(Sniffed::Refused(kind, what));
    if head.starts_with(b"%PDF") {
        return refused(FileKind::Pdf, "a PDF document");
    }
    if head.starts_with(&[0x89, b'P', b'N', b'G']) {
        return refused(FileKind::Image, "a picture (PNG image)");
    }
    if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return refused(FileKind::Image, "a picture (JPEG image)");
    }
    if head.starts_with(b"GIF8") {
        return refused(FileKind::Image, "a picture (GIF image)");
    }
    if head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06") {
        return Some(Sniffed::MaybeWorkbook { zip: true });
    }
    if head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        return Some(Sniffed::MaybeWorkbook { zip: false });
    }
    None
}

/// Excel's "Unicode Text" normally has a BOM; without one, ASCII text in UTF-16 shows as a
/// zero byte in every other position.
fn sniff_utf16_without_bom(head: &[u8]) -> Option<TextEncoding> {
    let pairs = head.len() / 2;
    if pairs < 2 {
        return None;
    }
    let zero_at = |parity: usize| {
        head.chunks_exact(2)
            .filter(|pair| pair[parity] == 0)
            .count()
    };
    let (even_zeros, odd_zeros) = (zero_at(0), zero_at(1));
    if odd_zeros * 10 >= pairs * 7 && even_zeros * 10 < pairs {
        return Some(TextEncoding::Utf16Le { bom: false });
    }
    if even_zeros * 10 >= pairs * 7 && odd_zeros * 10 < pairs {
        return Some(TextEncoding::Utf16Be { bom: false });
    }
    None
}

/// Zero bytes or many control characters never occur in a spreadsheet saved as text.
fn looks_binary(head: &[u8]) -> bool {
    let controls = head
        .iter()
        .filter(|&&byte| byte < 0x20 && !matches!(byte, b'\t' | b'\n' | b'\r' | 0x0C))
        .count();
    head.contains(&0) || controls * 20 > head.len()
}

/// Picks comma, semicolon or tab by counting them, outside quotes, in the header line.
pub(crate) fn detect_delimiter(decoded_start: &[u8]) -> u8 {
    let mut counts = [0usize; 3];
    let mut in_quotes = false;
    for &byte in decoded_start {
        match byte {
            b'"' => in_quotes = !in_quotes,
            b'\n' | b'\r' if !in_quotes => break,
            b',' if !in_quotes => counts[0] += 1,
            b';' if !in_quotes => counts[1] += 1,
            b'\t' if !in_quotes => counts[2] += 1,
            _ => {}
        }
    }
    let delimiters = [b',', b';', b'\t'];
    let mut best = 0;
    for candidate in 1..3 {
        if counts[candidate] > counts[best] {
            best = candidate;
        }
    }
    delimiters[best]
}

pub(crate) fn delimiter_notice(delimiter: u8) -> Option<&'static str> {
    match delimiter {
        b';' => {
            Some("Columns in this file are separated by semicolons; it will be sent with commas.")
        }
        b'\t' => Some("Columns in this file are separated by tabs; it will be sent with commas."),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delimiter_is_the_most_frequent_outside_quotes() {
        assert_eq!(detect_delimiter(b"a,b,c\n1;2;3;4;5"), b',');
        assert_eq!(detect_delimiter(b"a;b;\"c,d,e\"\n"), b';');
        assert_eq!(detect_delimiter(b"a\tb\tc"), b'\t');
        assert_eq!(detect_delimiter(b"single"), b',');
    }

    #[test]
    fn utf16_without_bom_is_recognized() {
        let le: Vec<u8> = "sheet_name,x\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        let be: Vec<u8> = "sheet_name,x\n"
            .encode_utf16()
            .flat_map(u16::to_be_bytes)
            .collect();
        assert_eq!(
            sniff_utf16_without_bom(&le),
            Some(TextEncoding::Utf16Le { bom: false })
        );
        assert_eq!(
            sniff_utf16_without_bom(&be),
            Some(TextEncoding::Utf16Be { bom: false })
        );
        assert_eq!(sniff_utf16_without_bom(b"plain,text\n"), None);
    }
}
