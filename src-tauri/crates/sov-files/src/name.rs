//! File names that are safe on Windows and Unix alike, for names that come from outside: an insured's name, a
//! filename chosen by the server, an SOV id. One implementation for the corrections workbook's and change report's
//! plain names (`sov_workbook::file_name`) and for downloaded outputs and run folders (`sov_update`).

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

/// `raw` as one harmless part of a file name; may be empty. A separator inside it (an insured called
/// `Acme: Corp/CON`) becomes `replacement`, keeping everything around it; only empty and dots-only parts between
/// separators (`..`, `.`) are dropped, so a name can never climb out of its folder. Control characters and the
/// characters Windows rejects (`< > : " | ? *`) become `replacement`, and leading and trailing dots and white space
/// go (Windows drops trailing ones silently, and a leading dot hides a file on Unix).
///
/// Reserved device names are left to [`defuse_device_name`], which wants the whole name: `CON` alone is a device on
/// Windows, `CON corrections.xlsx` is not.
pub fn clean(raw: &str, replacement: char) -> String {
    let joined = raw
        .split(['/', '\\'])
        .filter(|part| !part.trim().trim_matches('.').is_empty())
        .collect::<Vec<_>>()
        .join(replacement.encode_utf8(&mut [0; 4]));
    let replaced: String = joined
        .chars()
        .map(|c| match c {
            '<' | '>' | ':' | '"' | '|' | '?' | '*' => replacement,
            c if c.is_control() => replacement,
            c => c,
        })
        .collect();
    replaced
        .trim_matches(|c: char| c == '.' || c.is_whitespace())
        .to_owned()
}

/// A whole file name that Windows would take for a device (`CON`, `con.json`, `NUL .txt`, `COM1.csv`) with a `_`
/// in front; any other name unchanged. Windows goes by the part before the first dot, trailing spaces ignored.
pub fn defuse_device_name(name: String) -> String {
    let stem = name
        .split('.')
        .next()
        .unwrap_or("")
        .trim_end_matches([' ', '.']);
    if WINDOWS_RESERVED
        .iter()
        .any(|reserved| reserved.eq_ignore_ascii_case(stem))
    {
        format!("_{name}")
    } else {
        name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A whole name as the downloads make it: cleaned with `_`, then defused.
    fn safe(raw: &str) -> String {
        defuse_device_name(clean(raw, '_'))
    }

    #[test]
    fn ordinary_names_are_kept() {
        assert_eq!(safe("Acme Corp 2026-06.json"), "Acme Corp 2026-06.json");
        assert_eq!(clean("Acme Corp", ' '), "Acme Corp");
    }

    #[test]
    fn separators_inside_a_name_keep_what_comes_before_them() {
        assert_eq!(
            safe("Acme: Corp/CON 2026-12.json"),
            "Acme_ Corp_CON 2026-12.json"
        );
        assert_eq!(
            safe("Smith\\Jones LLP 2026-12.xlsx"),
            "Smith_Jones LLP 2026-12.xlsx"
        );
        assert_eq!(safe("a/../b.json"), "a_b.json");
        assert_eq!(clean("A/B: \"Holdings\"", ' '), "A B   Holdings");
    }

    #[test]
    fn nothing_climbs_out_of_the_folder() {
        for raw in ["..", "../..", "/", " . / .. \\ ", "   "] {
            assert_eq!(clean(raw, '_'), "", "{raw}");
        }
        assert_eq!(clean("../../x", '_'), "x");
        assert_eq!(clean("/etc/passwd", '_'), "etc_passwd");
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
            "LPT1.csv",
        ] {
            assert!(
                safe(reserved).starts_with('_'),
                "{reserved} kept as a device name"
            );
        }
        assert_eq!(safe("con.json"), "_con.json");
        assert_eq!(safe("COM\u{b9}.json"), "_COM\u{b9}.json");
        assert_eq!(safe("NUL .json"), "_NUL .json");
        // Only whole names are devices: these are ordinary files on Windows.
        assert_eq!(safe("CONSOLE.json"), "CONSOLE.json");
        assert_eq!(safe("COM10.json"), "COM10.json");
        assert_eq!(safe("Acme CON.json"), "Acme CON.json");
        assert_eq!(
            defuse_device_name("CON corrections 2026-12-03.xlsx".into()),
            "CON corrections 2026-12-03.xlsx"
        );
    }

    #[test]
    fn characters_windows_forbids_and_trailing_dots_and_spaces() {
        assert_eq!(safe("a<b>c:d\"e|f?g*h.json"), "a_b_c_d_e_f_g_h.json");
        assert_eq!(safe("a\u{0}b\nc\u{7f}.json"), "a_b_c_.json");
        assert_eq!(safe("report.json. . "), "report.json");
        assert_eq!(safe("  report.json"), "report.json");
        assert_eq!(safe(".hidden"), "hidden");
        assert_eq!(clean("Acme Inc.", ' '), "Acme Inc");
        assert_eq!(clean("what?", ' '), "what");
    }
}
