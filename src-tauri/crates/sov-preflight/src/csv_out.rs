//! Writes records as the server expects them: UTF-8, comma-separated, LF line endings,
//! quoted only where needed (RFC 4180).

pub(crate) fn write_record<'a>(out: &mut Vec<u8>, fields: impl IntoIterator<Item = &'a [u8]>) {
    let start = out.len();
    let mut count = 0;
    for (index, field) in fields.into_iter().enumerate() {
        count += 1;
        if index > 0 {
            out.push(b',');
        }
        write_field(out, field);
    }
    // A lone empty field would be an empty line, which CSV readers skip.
    if count == 1 && out.len() == start {
        out.extend_from_slice(b"\"\"");
    }
    out.push(b'\n');
}

/// How many bytes [`write_record`] writes for `fields`: measures a row without copying it.
pub(crate) fn record_len<'a>(fields: impl IntoIterator<Item = &'a [u8]>) -> u64 {
    let (mut count, mut len) = (0u64, 0u64);
    for field in fields {
        count += 1;
        len += field_len(field);
    }
    if count == 1 && len == 0 {
        len = 2; // `""`
    }
    // Commas between the fields, and the line ending.
    len + count.saturating_sub(1) + 1
}

fn needs_quotes(field: &[u8]) -> bool {
    field
        .iter()
        .any(|byte| matches!(byte, b',' | b'"' | b'\n' | b'\r'))
}

fn field_len(field: &[u8]) -> u64 {
    if !needs_quotes(field) {
        return field.len() as u64;
    }
    let quotes = field.iter().filter(|byte| **byte == b'"').count();
    (field.len() + quotes + 2) as u64
}

fn write_field(out: &mut Vec<u8>, field: &[u8]) {
    if !needs_quotes(field) {
        out.extend_from_slice(field);
        return;
    }
    out.push(b'"');
    for &byte in field {
        if byte == b'"' {
            out.push(b'"');
        }
        out.push(byte);
    }
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::{record_len, write_record};
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn record_len_is_what_write_record_writes(
            fields in prop::collection::vec(
                prop::collection::vec(prop::sample::select(b"a,\"\n\r ;".to_vec()), 0..6),
                0..5,
            )
        ) {
            let mut out = Vec::new();
            write_record(&mut out, fields.iter().map(Vec::as_slice));
            prop_assert_eq!(record_len(fields.iter().map(Vec::as_slice)), out.len() as u64);
        }
    }

    #[test]
    fn quotes_only_what_needs_it() {
        let mut out = Vec::new();
        write_record(
            &mut out,
            [&b"plain"[..], b"a,b", b"say \"hi\"", b"two\nlines", b""],
        );
        assert_eq!(out, b"plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\n");
        out.clear();
        write_record(&mut out, [&b""[..]]);
        assert_eq!(out, b"\"\"\n");
    }
}
