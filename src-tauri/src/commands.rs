//! The commands the UI calls: each is one line over [`ikd_client::App`]. Errors reach the UI as
//! `{code, message, retry_after_secs?}` ([`UiError`]) in the app's current language.

use chrono::Utc;
use ikd_client::views::*;
use tauri::State;
use tauri::ipc::Request;

use crate::Ikd;

type Result<T> = std::result::Result<T, UiError>;

#[tauri::command]
pub fn app_info(app: State<'_, Ikd>) -> Result<AppInfo> {
    app.info()
}

#[tauri::command]
pub fn set_lang(app: State<'_, Ikd>, lang: String) -> Result<AppInfo> {
    app.set_lang(&lang)
}

#[tauri::command]
pub fn save_draft(app: State<'_, Ikd>, draft: Draft) -> Result<()> {
    app.save_draft(draft)
}

#[tauri::command]
pub fn check_registration(
    app: State<'_, Ikd>,
    nik: String,
    email: String,
    phone: String,
) -> RegistrationCheck {
    app.check_registration(&nik, &email, &phone, Utc::now())
}

#[tauri::command]
pub fn check_pin(app: State<'_, Ikd>, pin: String, confirm: String) -> PinCheck {
    app.check_pin(&pin, &confirm, Utc::now())
}

#[tauri::command]
pub async fn liveness_start(
    app: State<'_, Ikd>,
    nik: String,
    email: String,
    phone: String,
) -> Result<LivenessSession> {
    app.liveness_start(&nik, &email, &phone, Utc::now()).await
}

#[tauri::command]
pub async fn recovery_start(
    app: State<'_, Ikd>,
    nik: String,
    email: String,
) -> Result<LivenessSession> {
    app.recovery_start(&nik, &email, Utc::now()).await
}

/// A camera frame: the raw RGBA bytes as the body, the time in the `x-ikd-frame-ms` header.
/// Runs off the main thread (the analysis takes milliseconds).
#[tauri::command(async)]
pub fn liveness_frame(app: State<'_, Ikd>, request: Request<'_>) -> Result<LivenessProgress> {
    let (rgba, t_ms) = crate::frame_of(&request);
    app.liveness_frame(&rgba, t_ms)
}

#[tauri::command]
pub fn liveness_cancel(app: State<'_, Ikd>) {
    app.liveness_cancel()
}

#[tauri::command]
pub async fn liveness_finish(app: State<'_, Ikd>) -> Result<LivenessResult> {
    app.liveness_finish(Utc::now()).await
}

#[tauri::command]
pub async fn recovery_confirm(
    app: State<'_, Ikd>,
    code: String,
    pin: String,
) -> Result<UnlockView> {
    app.recovery_confirm(&code, &pin, Utc::now()).await
}

#[tauri::command]
pub async fn registration_status(app: State<'_, Ikd>) -> Result<RegistrationStatus> {
    app.registration_status().await
}

#[tauri::command]
pub fn start_over(app: State<'_, Ikd>) -> Result<AppInfo> {
    app.start_over()
}

#[tauri::command]
pub async fn activate(app: State<'_, Ikd>, code: String, pin: String) -> Result<UnlockView> {
    app.activate(&code, &pin, Utc::now()).await
}

#[tauri::command]
pub async fn unlock(app: State<'_, Ikd>, pin: String) -> Result<UnlockView> {
    app.unlock(&pin, Utc::now()).await
}

#[tauri::command]
pub async fn lock(app: State<'_, Ikd>) -> Result<()> {
    app.lock().await;
    Ok(())
}

#[tauri::command]
pub async fn refresh(app: State<'_, Ikd>) -> Result<UnlockView> {
    app.refresh().await
}

#[tauri::command]
pub async fn card(app: State<'_, Ikd>) -> Result<CardView> {
    app.card(Utc::now()).await
}

#[tauri::command]
pub fn profiles(app: State<'_, Ikd>) -> Vec<ProfileOption> {
    app.profiles()
}

#[tauri::command]
pub async fn present(app: State<'_, Ikd>, profile: String) -> Result<QrView> {
    app.present(&profile, Utc::now()).await
}

#[tauri::command]
pub async fn change_pin(app: State<'_, Ikd>, old: String, new: String) -> Result<()> {
    app.change_pin(&old, &new, Utc::now()).await
}

#[tauri::command]
pub async fn release_device(app: State<'_, Ikd>, pin: String) -> Result<AppInfo> {
    app.release_device(&pin, Utc::now()).await
}

#[tauri::command]
pub async fn family(app: State<'_, Ikd>) -> Result<FamilyView> {
    app.family().await
}

#[tauri::command]
pub async fn activity(app: State<'_, Ikd>) -> Result<Vec<ActivityView>> {
    app.activity().await
}

#[tauri::command]
pub fn office(app: State<'_, Ikd>) -> OfficeView {
    app.office(Utc::now())
}

/// The link the OS opened the app with (after an `ikd-link` event, and once at start).
#[tauri::command]
pub fn take_link(app: State<'_, Ikd>) -> Result<Option<LinkView>> {
    app.take_link()
}
