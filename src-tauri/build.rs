//! Compiles the Tauri context; the app manifest lists the app's own commands so the capability
//! file can grant exactly those (and nothing else) to the window.

fn main() {
    // Release builds for Linux pack their relative relocations (DT_RELR, glibc ≥ 2.36): the
    // pointers of static tables (the NIK region names, vtables) otherwise cost 24 bytes of
    // relocation each, ~0.6 MB of the binary.
    if std::env::var("PROFILE").as_deref() == Ok("release")
        && std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux")
    {
        println!("cargo:rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
    }
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(ikd_commands::ALL)),
    )
    .unwrap_or_else(|e| panic!("tauri build: {e:#}"));
}

#[path = "src/command_names.rs"]
mod ikd_commands;
