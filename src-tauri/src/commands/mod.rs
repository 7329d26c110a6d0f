//! Tauri commands: thin calls into the core crates. Each module serves one part of the window.

pub mod about;
pub mod connection;
pub mod desktop;
pub mod files;
pub mod history;
pub mod jobs;
pub mod settings;
