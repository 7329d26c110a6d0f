//! Safe local names for server-chosen output filenames.

/// Longest name we write, in bytes; well under the 255-byte limit of common file systems, leaving
/// room for a ` (123)` suffix.
const MAX_NAME_BYTES: usize = 150;
const FALLBACK_NAME: &str = "output";

/// Device names Windows reserves in every folder, with or without an extension (`CON`, `nul.json`), including
/// the superscript-digit ports that Windows also treats as devices.
const WINDOWS_RESERVED: [&str; 30] = [
    "CON",
    "PRN",
    "AUX",
    "NUL",
    "CONIN$",
    "CONOUT$",
    "COM1",
    "COM2",
    "COM3",
    "COM4",
    "COM5",
    "COM6",
    "COM7",
    "COM8",
    "COM9",
    "COM\u{b9}",
    "COM\u{b2}",
    "COM\u{b3}",
    "LPT1",
    "LPT2",
    "LPT3",
    "LPT4",
    "LPT5",
    "LPT6",
    "LPT7",
    "LPT8",
    "LPT9",
    "LPT\u{b9}",
    "LPT\u{b2}",
    "LPT\u{b3}",
];

/// Turns a server filename into a single, harmless file name. A separator inside the name (an
/// insured called `Acme: Corp/CON`) becomes `_`, keeping everything around it; only empty and
/// dots-only parts (`..`, `.`) are dropped, so a name can never climb out of the folder. Characters
/// Windows or Unix reject are replaced, `..` runs and leading/trailing dots and spaces go (Windows
/// drops trailing ones silently), reserved device names get a `_` prefix, the length is bounded and
/// the name is never empty.
pub fn sanitize_filename(raw: &str) -> String {
    let joined = raw
        .split(['/', '\\'])
        .filter(|part| !part.trim().trim_matches('.').is_empty())
        .collect::<Vec<_>>()
        .join("_");
    let mut name: String = joined
        .chars()
        .map(|c| match c {
            '<' | '>' | ':' | '"' | '|' | '?' | '*' => '_',
            c if c.is_control() => '_',
            c => c,
        })
        .collect();
    while name.contains("..") {
        name = name.replace("..", ".");
    }
    let mut name = name
        .trim_matches(|c: char| c == '.' || c.is_whitespace())
        .to_owned();
    if name.is_empty() || name.chars().all(|c| c == '_') {
        name = FALLBACK_NAME.to_owned();
    }
    let stem = name
        .split('.')
        .next()
        .unwrap_or("")
        .trim_end_matches([' ', '.']);
    if WINDOWS_RESERVED
        .iter()
        .any(|reserved| reserved.eq_ignore_ascii_case(stem))
    {
        name = format!("_{name}");
    }
    bound_length(&name)
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
    fn separators_inside_a_name_keep_what_comes_before_them() {
        assert_eq!(
            sanitize_filename("Acme: Corp/CON 2026-12.json"),
            "Acme_ Corp_CON 2026-12.json"
        );
        assert_eq!(
            sanitize_filename("Smith\\Jones LLP 2026-12.xlsx"),
            "Smith_Jones LLP 2026-12.xlsx"
        );
        assert_eq!(sanitize_filename("a/../b.json"), "a_b.json");
    }

    #[test]
    fn every_windows_reserved_name_is_defused() {
        for reserved in [
            "CON",
            "nul",
            "Aux.txt",
            "COM1.json",
            "lpt9",
            "CONIN$",
            "conout$.csv",
        ] {
            assert!(
                sanitize_filename(reserved).starts_with('_'),
                "{reserved} kept as a device name"
            );
        }
        assert_eq!(sanitize_filename("COM\u{b9}.json"), "_COM\u{b9}.json");
        assert_eq!(sanitize_filename("NUL .json"), "_NUL .json");
        // Only whole names are devices: these are ordinary files on Windows.
        assert_eq!(sanitize_filename("CONSOLE.json"), "CONSOLE.json");
        assert_eq!(sanitize_filename("COM10.json"), "COM10.json");
        assert_eq!(sanitize_filename("Acme CON.json"), "Acme CON.json");
    }

    #[test]
    fn characters_windows_forbids_and_trailing_dots_and_spaces() {
        assert_eq!(
            sanitize_filename("a<b>c:d\"e|f?g*h.json"),
            "a_b_c_d_e_f_g_h.json"
        );
        assert_eq!(sanitize_filename("report.json. . "), "report.json");
        assert_eq!(sanitize_filename("  report.json"), "report.json");
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
