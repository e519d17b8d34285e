//! The names of the app's commands: shared by `build.rs` (the permission manifest) and the
//! shell (the invoke handler), so the capability file and the handler cannot drift apart.

/// Every command the UI may call.
pub const ALL: &[&str] = &[
    "app_info",
    "set_lang",
    "save_draft",
    "check_registration",
    "check_pin",
    "liveness_start",
    "recovery_start",
    "liveness_frame",
    "liveness_cancel",
    "liveness_finish",
    "recovery_confirm",
    "registration_status",
    "start_over",
    "activate",
    "unlock",
    "lock",
    "refresh",
    "card",
    "profiles",
    "present",
    "change_pin",
    "release_device",
    "family",
    "activity",
    "office",
    "take_link",
];
