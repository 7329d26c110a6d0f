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

fn write_field(out: &mut Vec<u8>, field: &[u8]) {
    if !field
        .iter()
        .any(|byte| matches!(byte, b',' | b'"' | b'\n' | b'\r'))
    {
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
    use super::write_record;

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
