//! Compiles the Tauri context; the app manifest lists the app's own commands so the capability
//! file can grant exactly those (and nothing else) to the window.

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(ikd_commands::ALL)),
    )
    .unwrap_or_else(|e| panic!("tauri build: {e:#}"));
}

#[path = "src/command_names.rs"]
mod ikd_commands;
