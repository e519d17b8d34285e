//! The UI's TypeScript types are generated from the Rust views; this test fails when they drift.
//! Regenerate with `IKD_REGENERATE_TYPES=1 cargo test -p ikd-client --test bindings`.

use std::path::PathBuf;

#[test]
fn the_ui_typescript_types_match_the_rust_views() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/generated/types.ts");
    let generated = ikd_client::views::typescript_declarations();
    if std::env::var_os("IKD_REGENERATE_TYPES").is_some() {
        std::fs::write(&path, &generated).expect("write the generated types");
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "ui/src/generated/types.ts is out of date: run `IKD_REGENERATE_TYPES=1 cargo test -p ikd-client --test bindings`"
    );
    // Every view the commands return is declared.
    for name in [
        "AppInfo",
        "UiError",
        "RegistrationStatus",
        "QrView",
        "CardView",
        "OfficeView",
    ] {
        assert!(
            generated.contains(&format!("export type {name} = ")),
            "{name} missing"
        );
    }
}
