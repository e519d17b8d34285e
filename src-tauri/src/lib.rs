//! The IKD resident app: a Tauri 2 shell over [`ikd_client::App`]. Everything that matters —
//! rules, crypto, storage, the SIAK protocol — is in `ikd-client` and `ikd-core`; this crate
//! opens the platform secret store and the data directory, registers the commands and, on Linux,
//! lets WebKitGTK use the camera for the liveness selfie.
//!
//! Configuration: `IKD_SIAK_URL` (default `http://127.0.0.1:8080`, the mock SIAK of
//! `scripts/run.sh`), `IKD_DATA_DIR` (default: the platform's app data directory),
//! `IKD_KEYRING_SERVICE` (default `id.ikd.resident`; tests use their own).

pub mod command_names;
pub mod commands;

use std::path::PathBuf;

use ikd_client::{App, ClientError, KeyringStore, Resident, SiakClient, StateDir};
use tauri::Manager;

/// The app state every command receives.
pub type Ikd = App<KeyringStore>;

/// The default SIAK server (the mock started by `scripts/run.sh`).
pub const DEFAULT_SIAK_URL: &str = "http://127.0.0.1:8080";

/// The platform secret store. On Linux the Secret Service; the mobile stores are wired by the
/// mobile issue. There is no in-memory fallback: without a secure store the app does not start.
fn platform_store(service: &str) -> Result<KeyringStore, ClientError> {
    #[cfg(target_os = "linux")]
    {
        KeyringStore::secret_service(service)
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = service;
        Err(ClientError::Storage(
            "no secure store is wired for this platform yet".into(),
        ))
    }
}

/// Builds the app state from the environment and the data directory `default_dir`.
pub fn open_app(default_dir: PathBuf) -> Result<Ikd, ClientError> {
    let url = std::env::var("IKD_SIAK_URL").unwrap_or_else(|_| DEFAULT_SIAK_URL.to_owned());
    let dir = std::env::var_os("IKD_DATA_DIR")
        .map(PathBuf::from)
        .unwrap_or(default_dir);
    let service =
        std::env::var("IKD_KEYRING_SERVICE").unwrap_or_else(|_| "id.ikd.resident".to_owned());
    build_app(&url, dir, &service)
}

/// The app state for the SIAK server at `url`, data in `dir`, secrets under `service` in the
/// platform store.
pub fn build_app(url: &str, dir: PathBuf, service: &str) -> Result<Ikd, ClientError> {
    let resident = Resident::new(
        SiakClient::new(url)?,
        platform_store(service)?,
        StateDir::new(dir)?,
    );
    Ok(App::new(resident))
}

/// Registers every command of [`command_names::ALL`] on `builder`.
/// The body and time of a `liveness_frame` call: the RGBA bytes (empty with the test camera) and
/// the `x-ikd-frame-ms` header (0 when missing or not a number). Desktop and iOS deliver the
/// bytes raw; Android's postMessage IPC turns them into a JSON array of numbers, which is taken
/// too (an array with anything but bytes in it is no frame).
pub fn frame_of<'a>(request: &'a tauri::ipc::Request<'_>) -> (std::borrow::Cow<'a, [u8]>, u32) {
    let body = match request.body() {
        tauri::ipc::InvokeBody::Raw(bytes) => std::borrow::Cow::Borrowed(bytes.as_slice()),
        tauri::ipc::InvokeBody::Json(serde_json::Value::Array(items)) => items
            .iter()
            .map(|v| v.as_u64().and_then(|n| u8::try_from(n).ok()))
            .collect::<Option<Vec<u8>>>()
            .unwrap_or_default()
            .into(),
        tauri::ipc::InvokeBody::Json(_) => std::borrow::Cow::Borrowed(&[][..]),
    };
    let t_ms = request
        .headers()
        .get("x-ikd-frame-ms")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    (body, t_ms)
}

pub fn with_commands<R: tauri::Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    builder.invoke_handler(tauri::generate_handler![
        commands::app_info,
        commands::set_lang,
        commands::save_draft,
        commands::check_registration,
        commands::check_pin,
        commands::liveness_start,
        commands::recovery_start,
        commands::liveness_frame,
        commands::liveness_cancel,
        commands::liveness_finish,
        commands::recovery_confirm,
        commands::registration_status,
        commands::start_over,
        commands::activate,
        commands::unlock,
        commands::lock,
        commands::refresh,
        commands::card,
        commands::profiles,
        commands::present,
        commands::change_pin,
        commands::release_device,
        commands::family,
        commands::activity,
        commands::office,
    ])
}

/// On Linux, WebKitGTK ships with media streams off: turn them on for this webview and grant
/// only camera/microphone (user media) permission requests, refusing every other kind.
#[cfg(target_os = "linux")]
fn enable_camera(window: &tauri::WebviewWindow) {
    let _ = window.with_webview(|webview| {
        use webkit2gtk::glib::prelude::ObjectExt;
        use webkit2gtk::{PermissionRequestExt, SettingsExt, WebViewExt};
        let view = webview.inner();
        if let Some(settings) = view.settings() {
            settings.set_enable_media_stream(true);
        }
        view.connect_permission_request(|_, request| {
            if request.is::<webkit2gtk::UserMediaPermissionRequest>() {
                request.allow();
            } else {
                request.deny();
            }
            true
        });
    });
}

/// Starts the app.
#[cfg_attr(mobile, tauri::mobile_entry_point)]
pub fn run() {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .try_init();
    let result = with_commands(tauri::Builder::default())
        .plugin(tauri_plugin_opener::init())
        .setup(|app| {
            let dir = app.path().app_data_dir()?;
            let ikd = open_app(dir).map_err(|e| {
                tracing::error!("cannot start: {e}");
                Box::new(e) as Box<dyn std::error::Error>
            })?;
            app.manage(ikd);
            #[cfg(target_os = "linux")]
            if let Some(window) = app.get_webview_window("main") {
                enable_camera(&window);
            }
            Ok(())
        })
        .run(tauri::generate_context!());
    if let Err(e) = result {
        eprintln!("ikd-app: {e}");
        std::process::exit(1);
    }
}
