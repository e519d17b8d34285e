//! The shell through Tauri's IPC, with the app's real configuration and capability file: the
//! commands answer the UI's JSON, errors reach it as `{code, message}`, a command outside the
//! capability is refused, and a registration reaches a real `siak-mock`. Secrets go to the real
//! Secret Service (the test command runs a gnome-keyring inside a D-Bus session).

#[path = "../../crates/ikd-client/tests/common/mod.rs"]
mod common;

use serde_json::{Value, json};
use tauri::test::{INVOKE_KEY, MockRuntime, get_ipc_response, mock_builder};
use tauri::webview::InvokeRequest;
use tauri::{Manager, WebviewWindow, WebviewWindowBuilder};

fn app_window(
    url: &str,
    dir: std::path::PathBuf,
    service: &str,
) -> (tauri::App<MockRuntime>, WebviewWindow<MockRuntime>) {
    let state = ikd_app_lib::build_app(url, dir, service).expect("the app opens its stores");
    let app = ikd_app_lib::with_commands(mock_builder())
        .plugin(tauri_plugin_opener::init())
        .build(tauri::generate_context!())
        .expect("app");
    app.manage(state);
    let window = WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .expect("window");
    (app, window)
}

fn invoke(window: &WebviewWindow<MockRuntime>, cmd: &str, body: Value) -> Result<Value, Value> {
    get_ipc_response(
        window,
        InvokeRequest {
            cmd: cmd.into(),
            callback: tauri::ipc::CallbackFn(0),
            error: tauri::ipc::CallbackFn(1),
            url: "tauri://localhost".parse().expect("url"),
            body: tauri::ipc::InvokeBody::Json(body),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        },
    )
    .map(|b| b.deserialize::<Value>().expect("json"))
}

/// A `liveness_frame` call as the UI makes it: raw bytes and the time header.
fn send_frame(
    window: &WebviewWindow<MockRuntime>,
    rgba: Vec<u8>,
    t_ms: u32,
) -> Result<Value, Value> {
    let mut headers = tauri::http::HeaderMap::new();
    headers.insert("x-ikd-frame-ms", t_ms.to_string().parse().expect("header"));
    get_ipc_response(
        window,
        InvokeRequest {
            cmd: "liveness_frame".into(),
            callback: tauri::ipc::CallbackFn(0),
            error: tauri::ipc::CallbackFn(1),
            url: "tauri://localhost".parse().expect("url"),
            body: tauri::ipc::InvokeBody::Raw(rgba),
            headers,
            invoke_key: INVOKE_KEY.to_string(),
        },
    )
    .map(|b| b.deserialize::<Value>().expect("json"))
}

#[test]
fn the_ui_reaches_the_commands_and_nothing_else() {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let server = runtime.block_on(common::start_server("shell-ipc"));
    let resident = common::eligible(&server);
    let service = format!("ikd-shell-test-{}", std::process::id());
    let (_app, window) = app_window(&server.url, server.dir.join("app"), &service);

    let info = invoke(&window, "app_info", json!({})).expect("app_info");
    assert_eq!(info["stage"], "new");
    assert_eq!(info["lang"], "id");
    // No link opened the app: nothing to take.
    assert_eq!(invoke(&window, "take_link", json!({})), Ok(Value::Null));
    let state = window.state::<ikd_app_lib::Ikd>();
    state.offer_link("ikd://activate?registration=0123456789abcdef0123456789abcdef&code=ABCDEFGH");
    let err = invoke(&window, "take_link", json!({})).expect_err("no registration here");
    assert_eq!(err["code"], "link_other_phone");

    // Live checks arrive with camelCase-free field names exactly as the generated types say.
    let check = invoke(
        &window,
        "check_registration",
        json!({"nik": "3574", "email": "", "phone": ""}),
    )
    .expect("check");
    assert_eq!(check["nik"]["field"]["error"]["code"], "nik_wrong_length");
    assert_eq!(check["email"]["empty"], true);

    // Errors are `{code, message}` in the current language.
    let err = invoke(&window, "set_lang", json!({"lang": "xx"})).expect_err("unknown language");
    assert_eq!(err["code"], "lang_unknown");
    assert!(
        err["message"]
            .as_str()
            .is_some_and(|m| m.contains("Bahasa"))
    );
    let err = invoke(&window, "present", json!({"profile": "basic"})).expect_err("locked");
    assert_eq!(err["code"], "locked");
    let err = invoke(&window, "unlock", json!({})).expect_err("missing argument");
    assert!(err.as_str().is_some_and(|m| m.contains("pin")), "{err}");

    // A command the capability does not grant is refused before it runs.
    let err = invoke(
        &window,
        "plugin:fs|read_file",
        json!({"path": "/etc/passwd"}),
    )
    .expect_err("not granted");
    assert!(err.to_string().contains("not allowed"), "{err}");

    // The opener opens only the office's kinds of links (nothing here is ever opened), and
    // nothing but links.
    let err = invoke(
        &window,
        "plugin:opener|open_url",
        json!({"url": "file:///etc/passwd"}),
    )
    .expect_err("out of scope");
    assert!(err.to_string().contains("Not allowed to open url"), "{err}");
    let err = invoke(
        &window,
        "plugin:opener|open_path",
        json!({"path": "/etc/passwd"}),
    )
    .expect_err("not granted");
    assert!(err.to_string().contains("not allowed"), "{err}");

    // The selfie: a challenge from the real server, frames as raw bytes with their time
    // header, then the registration goes out with the evidence and comes back as the status
    // tracker's view.
    let session = invoke(
        &window,
        "liveness_start",
        json!({
            "nik": resident.nik,
            "email": "warga@example.id",
            "phone": "081234567806",
        }),
    )
    .expect("challenge");
    let frames: Vec<(u32, Vec<u8>)> = if session["source"] == "test" {
        // The test camera (debug builds with `test-camera`): the UI sends empty frames.
        (0..160).map(|i| (i * 125, Vec::new())).collect()
    } else {
        let actions: Vec<&str> = session["steps"]
            .as_array()
            .expect("steps")
            .iter()
            .map(|s| s["action"].as_str().expect("action"))
            .collect();
        common::camera_frames(&actions, session["challenge_id"].as_str().expect("id"))
    };
    let err = send_frame(&window, vec![1, 2, 3], 0);
    if session["source"] == "camera" {
        assert_eq!(err.expect_err("wrong size")["code"], "frame_bad_size");
    }
    let mut phase = Value::Null;
    for (t, rgba) in frames {
        let progress = send_frame(&window, rgba, t).expect("progress");
        phase = progress["phase"].clone();
        if phase == "done" || phase == "failed" {
            common::let_capture_time_pass(t);
            break;
        }
    }
    assert_eq!(phase, "done");
    let result = invoke(&window, "liveness_finish", json!({})).expect("registered");
    assert_eq!(result["purpose"], "register");
    let status = result["status"].clone();
    assert_eq!(status["state"], "awaiting_operator_scan");
    let qr = invoke(&window, "registration_qr", json!({})).expect("registration_qr");
    assert!(qr["svg"].as_str().is_some_and(|s| s.contains("<svg")));
    assert!(
        qr["text"]
            .as_str()
            .is_some_and(|s| s.starts_with("IKDREG2:"))
    );
    let info = invoke(&window, "app_info", json!({})).expect("app_info");
    assert_eq!(info["stage"], "registered");

    // The device key went to the Secret Service, not to a file.
    let on_disk: String = std::fs::read_dir(server.dir.join("app"))
        .expect("data dir")
        .filter_map(|e| std::fs::read_to_string(e.ok()?.path()).ok())
        .collect();
    assert!(!on_disk.contains("PRIVATE") && !on_disk.contains("pkcs8"));
    let store = ikd_client::KeyringStore::platform(&service).expect("keyring");
    assert!(
        ikd_client::SecretStore::get(&store, "device_key")
            .expect("get")
            .is_some()
    );
    ikd_client::SecretStore::delete(&store, "device_key").expect("clean up");
    std::fs::remove_dir_all(&server.dir).ok();
}

#[test]
fn the_capability_grants_exactly_the_apps_own_commands() {
    let text = include_str!("../capabilities/main.json");
    let capability: Value = serde_json::from_str(text).expect("capability JSON");
    let permissions = capability["permissions"].as_array().expect("permissions");
    let granted: Vec<&str> = permissions.iter().filter_map(Value::as_str).collect();
    let mut expected: Vec<String> = ikd_app_lib::commands::ALL
        .iter()
        .map(|c| format!("allow-{}", c.replace('_', "-")))
        .collect();
    // Listening to events: the app's `ikd-link` (no deep-link plugin call is granted).
    expected.extend([
        "core:event:allow-listen".into(),
        "core:event:allow-unlisten".into(),
    ]);
    assert_eq!(granted, expected);
    // Besides those, only opening the office's links in the system's handler, scoped to the
    // schemes the channels use.
    let others: Vec<&Value> = permissions.iter().filter(|p| !p.is_string()).collect();
    assert_eq!(
        others,
        [&json!({
            "identifier": "opener:allow-open-url",
            "allow": [
                {"url": "https://*"},
                {"url": "http://*"},
                {"url": "mailto:*"},
                {"url": "tel:*"},
                {"url": "sms:*"},
            ],
        })]
    );
    assert_eq!(capability["windows"], json!(["main"]));
}
