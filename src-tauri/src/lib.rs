//! The IKD resident app: a Tauri 2 shell over [`ikd_client::App`]. Everything that matters —
//! rules, crypto, storage, the SIAK protocol — is in `ikd-client` and `ikd-core`; this crate
//! opens the platform secret store and the data directory, registers the commands and, on Linux,
//! lets WebKitGTK use the camera for the liveness selfie.
//!
//! Configuration: `IKD_SIAK_URL` at run time, else as it was when the app was built (phones
//! have no environment: `IKD_SIAK_URL=https://… cargo tauri android build`), else the mock SIAK
//! of `scripts/run.sh` (`http://127.0.0.1:8080`; on Android `http://10.0.2.2:8080`, the
//! emulator's address of the developer's machine). Release builds accept only https.
//! `IKD_DATA_DIR` (default: the platform's app data directory), `IKD_KEYRING_SERVICE` (default
//! `id.ikd.resident`; tests use their own).
//!
//! A configuration the app must refuse (that address, an unusable data directory, no secret
//! store) opens the window on the UI's static `startup-error.html`, which says what is wrong and
//! what to do in both languages: the app never panics or exits at start.

pub mod commands;

use std::path::PathBuf;

use ikd_client::{App, ClientError, KeyringStore, Resident, SiakClient, StateDir};
use ikd_core::i18n::LocalizedMessage;
use tauri::{Emitter, Manager};
use tauri_plugin_deep_link::DeepLinkExt;
use tracing_subscriber::filter::Targets;
use tracing_subscriber::prelude::*;

/// The app state every command receives.
pub type Ikd = App<KeyringStore>;

/// The SIAK server when `IKD_SIAK_URL` is not set at run time: the one the app was built for,
/// else the mock started by `scripts/run.sh` on the developer's machine.
pub const DEFAULT_SIAK_URL: &str = match option_env!("IKD_SIAK_URL") {
    Some(url) => url,
    None if cfg!(target_os = "android") => "http://10.0.2.2:8080",
    None => "http://127.0.0.1:8080",
};

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
        KeyringStore::platform(service)?,
        StateDir::new(dir)?,
    );
    Ok(App::new(resident))
}

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

/// Registers every command of the list ([`commands::ALL`]) on `builder`.
pub fn with_commands<R: tauri::Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    builder.invoke_handler(commands::handler())
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

/// Hands the links the OS opens the app with (the activation and device-change mails) to
/// [`App::offer_link`] and tells the screens (`ikd-link` event), which then call `take_link`;
/// the link the app was started with is kept for their first look.
fn receive_links(handle: &tauri::AppHandle) {
    let offer = |handle: &tauri::AppHandle, urls: &[tauri::Url]| {
        if let Some(url) = urls.last() {
            handle.state::<Ikd>().offer_link(url.as_str());
            let _ = handle.emit("ikd-link", ());
        }
    };
    if let Ok(Some(urls)) = handle.deep_link().get_current() {
        offer(handle, &urls);
    }
    let h = handle.clone();
    handle
        .deep_link()
        .on_open_url(move |event| offer(&h, &event.urls()));
}

/// Starts the app. A configuration it must refuse (see [`open_app`]) never ends it: the window
/// opens on `startup-error.html` instead ([`show_startup_error`]), so a phone shows the reason
/// rather than crashing at launch.
#[cfg_attr(mobile, tauri::mobile_entry_point)]
pub fn run() {
    // `RUST_LOG` as `target=level` directives (`Targets`: no regex-based `EnvFilter` in the app).
    let filter = std::env::var("RUST_LOG")
        .ok()
        .and_then(|directives| directives.parse::<Targets>().ok())
        .unwrap_or_else(|| Targets::new().with_default(tracing::Level::INFO));
    let _ = tracing_subscriber::registry()
        .with(tracing_subscriber::fmt::layer().with_writer(std::io::stderr))
        .with(filter)
        .try_init();
    let result = with_commands(tauri::Builder::default())
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_deep_link::init())
        .setup(|app| {
            let opened = app
                .path()
                .app_data_dir()
                .map_err(|e| ClientError::Storage(format!("no app data directory: {e}")))
                .and_then(open_app);
            match opened {
                Ok(ikd) => {
                    app.manage(ikd);
                    receive_links(app.handle());
                    #[cfg(target_os = "linux")]
                    if let Some(window) = app.get_webview_window("main") {
                        enable_camera(&window);
                    }
                }
                Err(e) => {
                    tracing::error!("cannot start: {e}");
                    show_startup_error(app, &e);
                }
            }
            Ok(())
        })
        .run(tauri::generate_context!());
    if let Err(e) = result {
        eprintln!("ikd-app: {e}");
        std::process::exit(1);
    }
}

/// Points the main window at the UI's static `startup-error.html` with `err`'s stable code, its
/// messages in Bahasa Indonesia and English, and the technical detail in the query string. The
/// app state is not managed then: a command reaching the shell answers an error, never panics.
fn show_startup_error(app: &tauri::App, err: &ClientError) {
    let Some(window) = app.get_webview_window("main") else {
        tracing::error!("no main window to show the startup error in");
        return;
    };
    let text = LocalizedMessage::of(err);
    let shown = window.url().and_then(|start| {
        let mut page = start
            .join("startup-error.html")
            .map_err(tauri::Error::InvalidUrl)?;
        page.query_pairs_mut()
            .append_pair("code", &text.code)
            .append_pair("id", &text.message_id)
            .append_pair("en", &text.message_en)
            .append_pair("detail", &err.to_string());
        window.navigate(page)
    });
    if let Err(e) = shown {
        tracing::error!("cannot show the startup error: {e}");
    }
}
