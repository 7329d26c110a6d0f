//! Safe local names for server-chosen output filenames: `sov_files::name` makes them safe on Windows and Unix;
//! here they are also bounded in length and never empty.

/// Longest name we write, in bytes; well under the 255-byte limit of common file systems, leaving
/// room for a ` (123)` suffix.
const MAX_NAME_BYTES: usize = 150;
const FALLBACK_NAME: &str = "output";

/// Turns a server filename into a single, harmless file name. A separator inside the name (an
/// insured called `Acme: Corp/CON`) becomes `_`, keeping everything around it; only empty and
/// dots-only parts (`..`, `.`) are dropped, so a name can never climb out of the folder. Characters
/// Windows or Unix reject are replaced, `..` runs and leading/trailing dots and spaces go (Windows
/// drops trailing ones silently), reserved device names get a `_` prefix, the length is bounded and
/// the name is never empty.
pub fn sanitize_filename(raw: &str) -> String {
    let mut name = sov_files::name::clean(raw, '_');
    // Dots inside are harmless to Windows; a `..` run is still collapsed so no part of a server's name reads as
    // a way up.
    while name.contains("..") {
        name = name.replace("..", ".");
    }
    if name.is_empty() || name.chars().all(|c| c == '_') {
        name = FALLBACK_NAME.to_owned();
    }
    bound_length(&sov_files::name::defuse_device_name(name))
}

/// Cuts the stem so the whole name fits, keeping a short extension.
fn bound_length(name: &str) -> String {
    if name.len() <= MAX_NAME_BYTES {
        return name.to_owned();
    }
    let (stem, extension) = match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() && ext.len() <= 16 => (stem, format!(".{ext}")),
        _ => (name, String::new()),
    };
    let budget = MAX_NAME_BYTES - extension.len();
    let mut cut = String::new();
    for c in stem.chars() {
        if cut.len() + c.len_utf8() > budget {
            break;
        }
        cut.push(c);
    }
    format!("{}{extension}", cut.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_ordinary_names() {
        assert_eq!(
            sanitize_filename("Acme Corp 2026-06.json"),
            "Acme Corp 2026-06.json"
        );
    }

    #[test]
    fn hostile_names_become_single_safe_components() {
        assert_eq!(sanitize_filename("../../x"), "x");
        assert_eq!(sanitize_filename("..\\..\\evil.csv"), "evil.csv");
        assert_eq!(sanitize_filename("/etc/passwd"), "etc_passwd");
        assert_eq!(sanitize_filename(".."), FALLBACK_NAME);
        assert_eq!(sanitize_filename(""), FALLBACK_NAME);
        assert_eq!(sanitize_filename("   "), FALLBACK_NAME);
        assert_eq!(sanitize_filename("CON"), "_CON");
        assert_eq!(sanitize_filename("con.json"), "_con.json");
        assert_eq!(sanitize_filename("LPT1.csv"), "_LPT1.csv");
        assert_eq!(sanitize_filename("a\u{0}b\nc\u{7f}.json"), "a_b_c_.json");
        assert_eq!(sanitize_filename("what?.json"), "what_.json");
        assert_eq!(sanitize_filename("a..b.json"), "a.b.json");
        assert_eq!(sanitize_filename(".hidden"), "hidden");
        assert_eq!(sanitize_filename("trailing. . "), "trailing");
    }

    #[test]
    fn long_names_are_bounded_and_keep_their_extension() {
        let long = format!("{}.json", "a".repeat(300));
        let safe = sanitize_filename(&long);
        assert!(safe.len() <= MAX_NAME_BYTES);
        assert!(safe.ends_with(".json"));
        let multibyte = "é".repeat(300);
        let safe = sanitize_filename(&multibyte);
        assert!(safe.len() <= MAX_NAME_BYTES && !safe.is_empty());
    }
}
