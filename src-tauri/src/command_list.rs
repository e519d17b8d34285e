// The app's commands, each written once: its doc, `fn` or `async fn`, name, arguments (the first
// is the app state), return type (none: nothing) and its one- or two-line body over `ikd_client::App`.
//
// Not a module: `commands.rs` and `build.rs` `include!` this file, each with its own `commands!`
// macro. In the app it becomes the `#[tauri::command]` functions, the invoke handler, the names
// and the signatures `ui/src/generated/commands.ts` is generated from; in the build script only
// the names (the app manifest the capability file grants). Adding a command here means: its
// `allow-*` in `capabilities/main.json` (`tests/ipc.rs` checks) and regenerating the TypeScript
// (`IKD_REGENERATE_TYPES=1 cargo test -p ikd-app --test bindings`). `Result<T>` rejects with a
// `UiError`; a `Request` argument is a binary call (the body and headers as the UI sent them).

commands! {
    /// Where the resident is: stage, language, draft, registration.
    fn app_info(app) -> Result<AppInfo> { app.info() }

    /// Changes the language of every later message (`id` or `en`).
    fn set_lang(app, lang: String) -> Result<AppInfo> { app.set_lang(&lang) }

    /// Saves the registration form as typed.
    fn save_draft(app, draft: Draft) -> Result<()> { app.save_draft(draft) }

    /// The registration form's live checks.
    fn check_registration(app, nik: String, email: String, phone: String) -> RegistrationCheck {
        app.check_registration(&nik, &email, &phone, Utc::now())
    }

    /// The PIN rules, live, for a new PIN and its confirmation.
    fn check_pin(app, pin: String, confirm: String) -> PinCheck {
        app.check_pin(&pin, &confirm, Utc::now())
    }

    /// Checks the form, saves the draft and fetches a liveness challenge for the registration.
    async fn liveness_start(app, nik: String, email: String, phone: String) -> Result<LivenessSession> {
        app.liveness_start(&nik, &email, &phone, Utc::now()).await
    }

    /// A liveness challenge to move the account to this device (new phone or forgotten PIN).
    async fn recovery_start(app, nik: String, email: String) -> Result<LivenessSession> {
        app.recovery_start(&nik, &email, Utc::now()).await
    }

    /// A camera frame: the raw RGBA bytes as the body, the time in the `x-ikd-frame-ms` header.
    /// Runs off the main thread (the analysis takes milliseconds).
    async fn liveness_frame(app, request: Request<'_>) -> Result<LivenessProgress> {
        let (rgba, t_ms) = crate::frame_of(&request);
        app.liveness_frame(&rgba, t_ms)
    }

    /// Forgets the attempt (the capture screen is left without finishing).
    fn liveness_cancel(app) { app.liveness_cancel() }

    /// Sends the attempt's evidence (the registration, or the device change).
    async fn liveness_finish(app) -> Result<LivenessResult> { app.liveness_finish(Utc::now()).await }

    /// The emailed code: the device change is confirmed and now waits (see `waiting`).
    async fn recovery_confirm(app, code: String) -> Result<RecoveryView> {
        app.recovery_confirm(&code, Utc::now()).await
    }

    /// Where the confirmed device change stands (the waiting screen polls it when online).
    async fn recovery_poll(app) -> Result<RecoveryView> { app.recovery_poll(Utc::now()).await }

    /// The new PIN once the wait is over: the account is on this device now, unlocked.
    async fn recovery_complete(app, pin: String) -> Result<UnlockView> {
        app.recovery_complete(&pin, Utc::now()).await
    }

    /// A device change waiting on this (old) phone's account, for the home banner.
    async fn device_change_notice(app) -> Result<Option<DeviceChangeNotice>> {
        app.device_change_notice(Utc::now()).await
    }

    /// Cancels, for good, the device change waiting on this phone's account.
    async fn device_change_cancel(app) -> Result<()> { app.device_change_cancel().await }

    /// The registration's state for the status tracker.
    async fn registration_status(app) -> Result<RegistrationStatus> { app.registration_status().await }

    /// The registration QR for the operator, made on the phone for the current 30-second window.
    fn registration_qr(app) -> Result<RegistrationQrView> { app.registration_qr(Utc::now()) }

    /// Back to the form after a rejection, with what was typed.
    fn start_over(app) -> Result<AppInfo> { app.start_over() }

    /// The activation code and the chosen PIN: the app is activated and unlocked.
    async fn activate(app, code: String, pin: String) -> Result<UnlockView> {
        app.activate(&code, &pin, Utc::now()).await
    }

    /// Opens the app with the PIN.
    async fn unlock(app, pin: String) -> Result<UnlockView> { app.unlock(&pin, Utc::now()).await }

    /// Asks for the PIN again (the app went to the background).
    async fn lock(app) -> Result<()> { app.lock().await; Ok(()) }

    /// Tries the server again after an offline unlock.
    async fn refresh(app) -> Result<UnlockView> { app.refresh().await }

    /// The card (biodata) of the unlocked app.
    async fn card(app) -> Result<CardView> { app.card(Utc::now()).await }

    /// The disclosure profiles a QR can be made for.
    fn profiles(app) -> Vec<ProfileOption> { app.profiles() }

    /// A QR presentation for `profile`.
    async fn present(app, profile: String) -> Result<QrView> { app.present(&profile, Utc::now()).await }

    /// Changes the PIN (the old one first).
    async fn change_pin(app, old: String, new: String) -> Result<()> {
        app.change_pin(&old, &new, Utc::now()).await
    }

    /// Releases the account from this device (with the PIN).
    async fn release_device(app, pin: String) -> Result<AppInfo> {
        app.release_device(&pin, Utc::now()).await
    }

    /// The family card's members.
    async fn family(app) -> Result<FamilyView> { app.family().await }

    /// The account's activity history.
    async fn activity(app) -> Result<Vec<ActivityView>> { app.activity().await }

    /// The resident's Disdukcapil office and its channels.
    fn office(app) -> OfficeView { app.office(Utc::now()) }

    /// The mail link the OS opened the app with, once (after an `ikd-link` event, and once at
    /// start); null when none.
    fn take_link(app) -> Result<Option<LinkView>> { app.take_link() }
}
