//! Compiles the Tauri context; the app manifest lists the app's own commands so the capability
//! file can grant exactly those (and nothing else) to the window. The names come from the one
//! command list (`src/command_list.rs`), read here by a `commands!` that keeps only the names.

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
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .unwrap_or_else(|e| panic!("tauri build: {e:#}"));
}

/// Keeps the name of each entry of the command list.
macro_rules! commands {
    ($($(#[doc = $doc:literal])* $(async)? fn $name:ident $args:tt $(-> $ret:ty)? $body:block)*) => {
        /// Every command of the list.
        const COMMANDS: &[&str] = &[$(stringify!($name)),*];
    };
}

include!("src/command_list.rs");
