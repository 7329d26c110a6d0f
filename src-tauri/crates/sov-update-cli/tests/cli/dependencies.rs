//! The CLI must run where no display exists: no GUI crate may be in its dependency tree.
//! Not built for Windows: it runs the build machine's cargo, which a Windows test program under wine cannot start;
//! the tree it checks is the build's, the same whichever platform runs the test.
#![cfg(unix)]
#![allow(clippy::unwrap_used)]

use std::process::Command;

const GUI_CRATES: [&str; 8] = [
    "tauri",
    "gtk",
    "gdk",
    "webkit",
    "wry",
    "tao",
    "javascriptcore",
    "soup",
];

#[test]
fn cargo_tree_of_the_cli_has_no_gui_crate() {
    let manifest = concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml");
    let output = Command::new(env!("CARGO"))
        .args([
            "tree",
            "--manifest-path",
            manifest,
            "-p",
            "sov-update-cli",
            "-e",
            "normal,build",
        ])
        .args(["--prefix", "none", "--format", "{p}", "--offline"])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let tree = String::from_utf8(output.stdout).unwrap();
    let names: Vec<&str> = tree
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .collect();
    assert!(
        names.contains(&"sov-update") && names.contains(&"reqwest"),
        "unexpected tree: {tree}"
    );
    let gui: Vec<&&str> = names
        .iter()
        .filter(|name| GUI_CRATES.iter().any(|gui| is_gui(name, gui)))
        .collect();
    assert!(gui.is_empty(), "GUI crates in the CLI's tree: {gui:?}");
}

/// `tauri-utils`, `gtk-sys`, `webkit2gtk`, `soup3`, `tao-macros`, ... (but not e.g. `taos`).
fn is_gui(name: &str, gui: &str) -> bool {
    match gui {
        "tao" | "wry" => name == gui || name.starts_with(&format!("{gui}-")),
        _ => name.starts_with(gui),
    }
}
