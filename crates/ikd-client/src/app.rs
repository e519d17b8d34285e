//! The app as its screens see it: [`App`] wraps a [`Resident`] with the app's language, the
//! lock (the PIN is asked every time the app opens or comes back from the background) and the
//! half-done registration form, and answers every command with a ready-to-render view or a
//! [`UiError`] in the current language. The Tauri shell calls these methods in one line each.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use chrono::{DateTime, SecondsFormat, Utc};
use ikd_core::credential::{Disclosed, PRESENTATION_LIFETIME_SECS, Profile};
use ikd_core::i18n::{Lang, Localized};
use ikd_core::link::Link;
use ikd_core::nik::{MaritalStatus, Sex};
use ikd_core::protocol::RegistrationQr;
use ikd_core::qr::QrImage;
use ikd_core::{Email, Nik, PhoneNumber, Pin};
use serde::{Deserialize, Serialize};

use crate::error::ClientError;
use crate::resident::{Resident, UnlockOutcome};
use crate::storage::SecretStore;
use crate::views::*;

const SETTINGS: &str = "settings";

/// The QR is remade this many seconds before it expires, so a verifier never scans one about to
/// lapse.
pub const QR_REFRESH_MARGIN_SECS: u32 = 15;

/// Settings kept between runs (not secret).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Settings {
    lang: Lang,
    draft: Draft,
}

/// The app behind the screens.
pub struct App<S: SecretStore> {
    resident: Resident<S>,
    unlocked: AtomicBool,
    /// Whether the last contact with the server succeeded (the QR is made on the device and
    /// never waits for the network to know this).
    online: AtomicBool,
    settings: Mutex<Settings>,
    /// The liveness attempt in progress.
    attempt: Mutex<Option<liveness::Attempt>>,
    /// The newest link the phone opened the app with, until the screens take it.
    pending_link: Mutex<Option<String>>,
}

mod liveness;

fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn message(err: &dyn Localized, lang: Lang) -> Message {
    Message {
        code: err.code().to_owned(),
        message: err.message(lang),
    }
}

fn pick(lang: Lang, id: &str, en: &str) -> String {
    match lang {
        Lang::Id => id.to_owned(),
        Lang::En => en.to_owned(),
    }
}

fn sex_label(sex: Sex, lang: Lang) -> String {
    match sex {
        Sex::Male => pick(lang, "Laki-laki", "Male"),
        Sex::Female => pick(lang, "Perempuan", "Female"),
    }
}

/// Turns any client error into what the UI shows, in `lang`.
pub fn ui_error(err: ClientError, lang: Lang) -> UiError {
    let (code, retry_after_secs) = match &err {
        ClientError::Refused(p) => (
            p.code.clone(),
            p.retry_after.map(|s| u32::try_from(s).unwrap_or(u32::MAX)),
        ),
        ClientError::PinLocked { retry_after_secs } => (
            "pin_locked".to_owned(),
            Some(u32::try_from(*retry_after_secs).unwrap_or(u32::MAX)),
        ),
        other => (other.code().to_owned(), None),
    };
    UiError {
        code,
        message: err.message(lang),
        retry_after_secs,
    }
}

fn field_ok(value: String) -> FieldCheck {
    FieldCheck {
        empty: false,
        ok: true,
        value: Some(value),
        error: None,
    }
}

fn field_err(err: &dyn Localized, lang: Lang) -> FieldCheck {
    FieldCheck {
        empty: false,
        ok: false,
        value: None,
        error: Some(message(err, lang)),
    }
}

/// A field checked by `parse`: empty (no error shown) when nothing was typed (blank for trimmed
/// fields), otherwise the parsed value as it will be sent, or the parser's error.
fn check_field<T, E: Localized>(
    input: &str,
    blank: bool,
    lang: Lang,
    parse: impl FnOnce(&str) -> Result<T, E>,
    sent_as: impl FnOnce(T) -> String,
) -> FieldCheck {
    if blank {
        return field_empty();
    }
    match parse(input) {
        Ok(value) => field_ok(sent_as(value)),
        Err(e) => field_err(&e, lang),
    }
}

/// The NIK field with nothing known about its holder (empty or not a NIK).
fn nik_unknown(field: FieldCheck) -> NikCheck {
    NikCheck {
        field,
        province: None,
        regency: None,
        district: None,
        birth_date: None,
        sex: None,
        age: None,
        warnings: vec![],
    }
}

fn field_empty() -> FieldCheck {
    FieldCheck {
        empty: true,
        ok: false,
        value: None,
        error: None,
    }
}

/// The PIN rules, as the PIN screens list them.
fn pin_rules(lang: Lang) -> Vec<String> {
    match lang {
        Lang::Id => vec![
            "Tepat 6 angka.".into(),
            "Paling sedikit 2 angka berbeda (bukan 111111).".into(),
            "Bukan urutan naik atau turun (bukan 123456 atau 654321).".into(),
            "Bukan tanggal lahir Anda (seperti tertulis di NIK).".into(),
        ],
        Lang::En => vec![
            "Exactly 6 digits.".into(),
            "At least 2 different digits (not 111111).".into(),
            "Not an ascending or descending run (not 123456 or 654321).".into(),
            "Not your birth date (as written in the NIK).".into(),
        ],
    }
}

/// A refusal by the app itself (not the core's nor the server's).
struct AppRefusal {
    code: &'static str,
    id: &'static str,
    en: &'static str,
}

impl Localized for AppRefusal {
    fn code(&self) -> &'static str {
        self.code
    }
    fn message(&self, lang: Lang) -> String {
        pick(lang, self.id, self.en)
    }
}

const PIN_MISMATCH: AppRefusal = AppRefusal {
    code: "pin_confirmation_mismatch",
    id: "PIN yang diulang tidak sama. Ketik PIN yang sama dua kali.",
    en: "The repeated PIN is different. Type the same PIN twice.",
};

const UNKNOWN_LANG: AppRefusal = AppRefusal {
    code: "lang_unknown",
    id: "Bahasa tidak dikenal. Pilih Bahasa Indonesia (id) atau English (en).",
    en: "Unknown language. Choose Bahasa Indonesia (id) or English (en).",
};

const UNKNOWN_PROFILE: AppRefusal = AppRefusal {
    code: "profile_unknown",
    id: "Pilihan data yang ditampilkan tidak dikenal (age17, basic atau full).",
    en: "Unknown disclosure choice (age17, basic or full).",
};

const LINK_OTHER_PHONE: AppRefusal = AppRefusal {
    code: "link_other_phone",
    id: "Tautan ini untuk pendaftaran atau ganti perangkat di ponsel lain. Buka email di ponsel yang Anda pakai mendaftar, atau ketik kodenya di sana.",
    en: "This link is for a registration or device change on another phone. Open the email on the phone you used, or type the code there.",
};

const LINK_ALREADY_ACTIVE: AppRefusal = AppRefusal {
    code: "link_already_active",
    id: "KTP Digital sudah aktif di ponsel ini; kode aktivasi tidak diperlukan lagi.",
    en: "The Digital KTP is already active on this phone; the activation code is no longer needed.",
};

impl<S: SecretStore> App<S> {
    /// The app around `resident`; settings are read from its data directory.
    pub fn new(resident: Resident<S>) -> Self {
        let settings: Settings = resident
            .dir()
            .load(SETTINGS)
            .ok()
            .flatten()
            .unwrap_or_default();
        App {
            resident,
            unlocked: AtomicBool::new(false),
            online: AtomicBool::new(false),
            settings: Mutex::new(settings),
            attempt: Mutex::new(None),
            pending_link: Mutex::new(None),
        }
    }

    /// The resident underneath (for tests and tools).
    pub fn resident(&self) -> &Resident<S> {
        &self.resident
    }

    /// The current language.
    pub fn lang(&self) -> Lang {
        self.settings.lock().map(|s| s.lang).unwrap_or_default()
    }

    fn err(&self, err: ClientError) -> UiError {
        ui_error(err, self.lang())
    }

    fn refusal(&self, refusal: &AppRefusal) -> UiError {
        UiError {
            code: refusal.code.to_owned(),
            message: refusal.message(self.lang()),
            retry_after_secs: None,
        }
    }

    fn update_settings(&self, change: impl FnOnce(&mut Settings)) -> Result<(), UiError> {
        let snapshot = {
            let mut settings = self
                .settings
                .lock()
                .map_err(|_| self.err(ClientError::Storage("settings lock".into())))?;
            change(&mut settings);
            settings.clone()
        };
        self.resident
            .dir()
            .save(SETTINGS, &snapshot)
            .map_err(|e| self.err(e))
    }

    fn require_unlocked(&self) -> Result<(), UiError> {
        if self.unlocked.load(Ordering::SeqCst) {
            Ok(())
        } else {
            Err(self.err(ClientError::NotReady("locked")))
        }
    }

    /// Which screen to open, the language and the draft.
    pub fn info(&self) -> Result<AppInfo, UiError> {
        let state = self.resident.state().map_err(|e| self.err(e))?;
        let stage = if state.recovery.is_some() {
            Stage::Recovering
        } else if state.activated {
            Stage::Activated
        } else if state.registration_id.is_some() {
            Stage::Registered
        } else {
            Stage::New
        };
        let settings = self.settings.lock().map(|s| s.clone()).unwrap_or_default();
        Ok(AppInfo {
            stage,
            lang: match settings.lang {
                Lang::Id => "id".into(),
                Lang::En => "en".into(),
            },
            server: self.resident.server().to_owned(),
            draft: settings.draft,
            registration_id: state.registration_id,
            unlocked: self.unlocked.load(Ordering::SeqCst),
            recovery: state
                .recovery
                .as_ref()
                .map(|p| self.recovery_view(p, Utc::now())),
            version: env!("CARGO_PKG_VERSION").to_owned(),
        })
    }

    /// A link the phone opened the app with (from the activation or device-change mail): which
    /// screen to show with which code. Refused, with the reason, when it is not this app's link
    /// or not for the registration or device change waiting on this phone. Nothing is sent and
    /// nothing changes: the resident still confirms with a new PIN.
    pub fn open_link(&self, url: &str) -> Result<LinkView, UiError> {
        let host = self.resident.client().app_link_host();
        let link =
            ikd_core::link::parse(url, host).map_err(|e| self.err(ClientError::invalid(&e)))?;
        let state = self.resident.state().map_err(|e| self.err(e))?;
        let (screen, waiting, id, code) = match link {
            Link::Activate { .. } if state.activated => {
                return Err(self.refusal(&LINK_ALREADY_ACTIVE));
            }
            Link::Activate { registration, code } => (
                LinkScreen::Activate,
                state.registration_id.as_deref(),
                registration,
                code,
            ),
            Link::Recover { recovery, code } => (
                LinkScreen::Recover,
                state.recovery.as_ref().map(|r| r.id.as_str()),
                recovery,
                code,
            ),
        };
        if !waiting.is_some_and(|w| w.eq_ignore_ascii_case(&id)) {
            return Err(self.refusal(&LINK_OTHER_PHONE));
        }
        Ok(LinkView {
            screen,
            code: code.to_string(),
        })
    }

    /// Keeps a link the phone opened the app with (the shell calls this from the OS's deep-link
    /// event, possibly before the screens are up); a newer link replaces an older one.
    pub fn offer_link(&self, url: &str) {
        if let Ok(mut pending) = self.pending_link.lock() {
            *pending = Some(url.to_owned());
        }
    }

    /// The screens ask for the link the app was opened with, if any: taken once, then checked
    /// as [`App::open_link`] does.
    pub fn take_link(&self) -> Result<Option<LinkView>, UiError> {
        let url = self.pending_link.lock().ok().and_then(|mut p| p.take());
        url.map(|u| self.open_link(&u)).transpose()
    }

    /// Switches the language (`id` or `en`) and remembers it.
    pub fn set_lang(&self, tag: &str) -> Result<AppInfo, UiError> {
        let lang = Lang::from_tag(tag).ok_or_else(|| self.refusal(&UNKNOWN_LANG))?;
        self.update_settings(|s| s.lang = lang)?;
        self.info()
    }

    /// Keeps what was typed in the registration form (going back never loses it).
    pub fn save_draft(&self, draft: Draft) -> Result<(), UiError> {
        self.update_settings(|s| s.draft = draft)
    }

    /// Checks the registration form as the resident types.
    pub fn check_registration(
        &self,
        nik: &str,
        email: &str,
        phone: &str,
        now: DateTime<Utc>,
    ) -> RegistrationCheck {
        let lang = self.lang();
        let today = now.date_naive();
        let nik = if nik.trim().is_empty() {
            nik_unknown(field_empty())
        } else {
            match Nik::parse(nik, today) {
                Ok(n) => {
                    let age = n.age_on(today);
                    let mut warnings: Vec<Message> =
                        n.warnings().iter().map(|w| message(w, lang)).collect();
                    if age < ikd_core::credential::KTP_AGE {
                        warnings.push(Message {
                            code: "under_17".into(),
                            message: pick(
                                lang,
                                "Menurut NIK, usia Anda di bawah 17 tahun. KTP Digital hanya untuk yang berusia 17 tahun ke atas atau sudah/pernah kawin.",
                                "According to the NIK you are under 17. The Digital KTP is for residents aged 17 or over, or who are or have been married.",
                            ),
                        });
                    }
                    NikCheck {
                        field: field_ok(n.as_str().to_owned()),
                        province: Some(n.province_name().to_owned()),
                        regency: n.regency_name().map(str::to_owned),
                        district: n.district_name().map(str::to_owned),
                        birth_date: Some(n.birth_date().format("%Y-%m-%d").to_string()),
                        sex: Some(sex_label(n.sex(), lang)),
                        age: Some(age),
                        warnings,
                    }
                }
                Err(e) => nik_unknown(field_err(&e, lang)),
            }
        };
        let email = check_field(email, email.trim().is_empty(), lang, Email::parse, |e| {
            e.as_str().to_owned()
        });
        let phone = check_field(
            phone,
            phone.trim().is_empty(),
            lang,
            PhoneNumber::parse,
            |p| p.e164().to_owned(),
        );
        let ready = nik.field.ok && email.ok && phone.ok;
        RegistrationCheck {
            nik,
            email,
            phone,
            ready,
        }
    }

    /// Checks a new PIN typed twice (against the registered NIK's birth date too).
    pub fn check_pin(&self, pin: &str, confirm: &str, now: DateTime<Utc>) -> PinCheck {
        let lang = self.lang();
        let nik = self
            .resident
            .state()
            .ok()
            .and_then(|s| s.nik)
            .and_then(|n| Nik::parse(&n, now.date_naive()).ok());
        let first = check_field(
            pin,
            pin.is_empty(),
            lang,
            |pin| match &nik {
                Some(nik) => Pin::parse_new(pin, nik),
                None => Pin::parse(pin),
            },
            |_| String::new(),
        );
        let second = if confirm.is_empty() {
            field_empty()
        } else if confirm == pin {
            field_ok(String::new())
        } else {
            field_err(&PIN_MISMATCH, lang)
        };
        let ready = first.ok && second.ok;
        PinCheck {
            pin: first,
            confirm: second,
            ready,
            rules: pin_rules(lang),
        }
    }

    fn status_view(&self, view: ikd_core::wire::RegistrationView) -> RegistrationStatus {
        let lang = self.lang();
        let order = [
            ("submitted", "Pendaftaran terkirim", "Registration sent"),
            (
                "central_check",
                "Verifikasi data oleh SIAK Terpusat",
                "Data checked by the central SIAK",
            ),
            (
                "operator_scan",
                "Petugas Disdukcapil memindai kode QR Anda",
                "A Disdukcapil officer scans your QR code",
            ),
            (
                "approved",
                "Disetujui: kode aktivasi dikirim ke email",
                "Approved: activation code sent by email",
            ),
            ("activated", "Akun aktif", "Account active"),
        ];
        let rejected = view.state == "rejected";
        // Index of the current step; steps before it are done.
        let current = match view.state.as_str() {
            "submitted" => 1,
            "awaiting_operator_scan" => 2,
            "approved" => 4,
            "activated" => 5,
            // The operator's reasons stop at the operator's step; the others at the central
            // check.
            _ => match view.reason.as_deref() {
                Some("data_mismatch" | "liveness_failed") => 2,
                _ => 1,
            },
        };
        let steps = order
            .iter()
            .enumerate()
            .map(|(i, (key, id, en))| StatusStep {
                key: (*key).to_owned(),
                label: pick(lang, id, en),
                state: if i < current {
                    "done"
                } else if i == current && rejected {
                    "failed"
                } else if i == current {
                    "current"
                } else {
                    "todo"
                }
                .to_owned(),
            })
            .collect();
        let next = match view.state.as_str() {
            "submitted" => pick(
                lang,
                "Data Anda sedang diperiksa. Halaman ini diperbarui sendiri.",
                "Your data is being checked. This page updates by itself.",
            ),
            "awaiting_operator_scan" => pick(
                lang,
                "Tunjukkan kode QR ini kepada petugas Disdukcapil (datang langsung atau lewat panggilan video sambil menunjukkan KTP-el).",
                "Show this QR code to a Disdukcapil officer (in person, or by video call while showing your KTP-el).",
            ),
            "approved" => pick(
                lang,
                "Disetujui. Buka email Anda dan masukkan kode aktivasi.",
                "Approved. Open your email and enter the activation code.",
            ),
            "activated" => pick(lang, "Akun sudah aktif.", "The account is active."),
            _ => pick(
                lang,
                "Pendaftaran ditolak. Baca alasannya; setelah diperbaiki Anda dapat mendaftar lagi.",
                "The registration was rejected. Read the reason; once it is fixed you can register again.",
            ),
        };
        let reason = view.reason.as_ref().map(|code| Message {
            code: code.clone(),
            message: match lang {
                Lang::Id => view.reason_message_id.clone(),
                Lang::En => view.reason_message_en.clone(),
            }
            .unwrap_or_else(|| code.clone()),
        });
        let qr_svg = view
            .registration_qr
            .as_deref()
            .filter(|text| RegistrationQr::parse(text).is_ok())
            .and_then(|text| QrImage::new(text).ok())
            .map(|qr| qr.to_svg(6));
        RegistrationStatus {
            registration_id: view.registration_id,
            state: view.state,
            steps,
            next,
            reason,
            qr_text: view.registration_qr,
            qr_svg,
            submitted_at: rfc3339(view.created_at),
        }
    }

    /// The registration's status (the tracker polls this).
    pub async fn registration_status(&self) -> Result<RegistrationStatus, UiError> {
        let view = self
            .resident
            .registration_status()
            .await
            .map_err(|e| self.err(e))?;
        Ok(self.status_view(view))
    }

    /// After a rejection: back to the form, with what was typed.
    pub fn start_over(&self) -> Result<AppInfo, UiError> {
        self.resident
            .forget_registration()
            .map_err(|e| self.err(e))?;
        self.info()
    }

    /// Activates with the emailed code and the new PIN; the app is then unlocked.
    pub async fn activate(
        &self,
        code: &str,
        pin: &str,
        now: DateTime<Utc>,
    ) -> Result<UnlockView, UiError> {
        self.resident
            .activate(code, pin, now)
            .await
            .map_err(|e| self.err(e))?;
        self.unlocked.store(true, Ordering::SeqCst);
        self.update_settings(|s| s.draft = Draft::default())?;
        let outcome = self.resident.reconnect().await.map_err(|e| self.err(e))?;
        Ok(self.unlock_view(outcome))
    }

    fn stale_notice(&self, outcome: &UnlockOutcome) -> Option<String> {
        let lang = self.lang();
        if !outcome.stale {
            return None;
        }
        Some(match outcome.credentials_valid_until {
            Some(until) => match lang {
                Lang::Id => format!(
                    "Tidak terhubung ke server: KTP Digital ditampilkan dari data tersimpan (berlaku sampai {}). Akan diperbarui saat ada koneksi.",
                    until.format("%d-%m-%Y %H:%M UTC")
                ),
                Lang::En => format!(
                    "Not connected to the server: the Digital KTP is shown from saved data (valid until {}). It refreshes when the connection returns.",
                    until.format("%Y-%m-%d %H:%M UTC")
                ),
            },
            None => pick(
                lang,
                "Tidak terhubung ke server dan belum ada KTP Digital tersimpan. Sambungkan ke internet.",
                "Not connected to the server and no Digital KTP is saved yet. Connect to the internet.",
            ),
        })
    }

    fn unlock_view(&self, outcome: UnlockOutcome) -> UnlockView {
        self.online.store(outcome.online, Ordering::SeqCst);
        UnlockView {
            online: outcome.online,
            stale: outcome.stale,
            valid_until: outcome.credentials_valid_until.map(rfc3339),
            notice: self.stale_notice(&outcome),
        }
    }

    /// Unlocks with the PIN (offline too, with the lockout policy).
    pub async fn unlock(&self, pin: &str, now: DateTime<Utc>) -> Result<UnlockView, UiError> {
        let outcome = self
            .resident
            .unlock(pin, now)
            .await
            .map_err(|e| self.err(e))?;
        self.unlocked.store(true, Ordering::SeqCst);
        Ok(self.unlock_view(outcome))
    }

    /// Locks (the app went to the background): the PIN is asked again.
    pub async fn lock(&self) {
        self.unlocked.store(false, Ordering::SeqCst);
        self.online.store(false, Ordering::SeqCst);
        self.resident.lock().await;
    }

    /// Tries the server again after an offline unlock (the network came back).
    pub async fn refresh(&self) -> Result<UnlockView, UiError> {
        self.require_unlocked()?;
        let outcome = self.resident.reconnect().await.map_err(|e| self.err(e))?;
        Ok(self.unlock_view(outcome))
    }

    /// The card, from the saved `full` credential.
    pub async fn card(&self, now: DateTime<Utc>) -> Result<CardView, UiError> {
        self.require_unlocked()?;
        let lang = self.lang();
        let credential = self
            .resident
            .saved_credential(Profile::Full)
            .map_err(|e| self.err(e))?;
        let Disclosed::Full(r) = credential.claims() else {
            return Err(self.err(ClientError::NotReady("no_credentials")));
        };
        let online = self.online.load(Ordering::SeqCst);
        let dash = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
        let f = |key: &str, id: &str, en: &str, value: String| CardField {
            key: key.into(),
            label: pick(lang, id, en),
            value,
        };
        let fields = vec![
            f("nik", "NIK", "NIK", r.nik.clone()),
            f("name", "Nama", "Name", r.name.clone()),
            f(
                "birth",
                "Tempat/Tgl Lahir",
                "Place/date of birth",
                format!("{}, {}", r.place_of_birth, r.birth_date.format("%d-%m-%Y")),
            ),
            f("sex", "Jenis Kelamin", "Sex", sex_label(r.sex, lang)),
            f(
                "blood_type",
                "Gol. Darah",
                "Blood type",
                dash(&r.blood_type),
            ),
            f("address", "Alamat", "Address", r.address.clone()),
            f("rt_rw", "RT/RW", "RT/RW", format!("{}/{}", r.rt, r.rw)),
            f("village", "Kel/Desa", "Village", r.village.clone()),
            f("district", "Kecamatan", "District", r.district.clone()),
            f(
                "regency",
                "Kabupaten/Kota",
                "Regency/City",
                r.regency.clone(),
            ),
            f("province", "Provinsi", "Province", r.province.clone()),
            f("religion", "Agama", "Religion", r.religion.clone()),
            f(
                "marital_status",
                "Status Perkawinan",
                "Marital status",
                match (lang, r.marital_status) {
                    (Lang::Id, status) => status.label_id(),
                    (Lang::En, MaritalStatus::BelumKawin) => "NOT MARRIED",
                    (Lang::En, MaritalStatus::Kawin) => "MARRIED",
                    (Lang::En, MaritalStatus::CeraiHidup) => "DIVORCED",
                    (Lang::En, MaritalStatus::CeraiMati) => "WIDOWED",
                }
                .to_owned(),
            ),
            f(
                "occupation",
                "Pekerjaan",
                "Occupation",
                r.occupation.clone(),
            ),
            f(
                "citizenship",
                "Kewarganegaraan",
                "Citizenship",
                r.citizenship.clone(),
            ),
            f(
                "valid_until",
                "Berlaku Hingga",
                "Valid until",
                r.valid_until
                    .map(|d| d.format("%d-%m-%Y").to_string())
                    .unwrap_or_else(|| "SEUMUR HIDUP".into()),
            ),
        ];
        let until = credential.contents().valid_until;
        let stale = !online || until <= now;
        Ok(CardView {
            nik: r.nik.clone(),
            name: r.name.clone(),
            fields,
            valid_until: rfc3339(until),
            stale,
            notice: self.stale_notice(&UnlockOutcome {
                online,
                credentials_valid_until: Some(until),
                stale,
            }),
        })
    }

    /// The profiles the resident can choose from, least revealing first.
    pub fn profiles(&self) -> Vec<ProfileOption> {
        let lang = self.lang();
        Profile::ALL
            .iter()
            .map(|p| ProfileOption {
                id: p.as_str().to_owned(),
                label: p.label(lang).to_owned(),
            })
            .collect()
    }

    /// A fresh QR of `profile` (valid 90 s), made on the device (works offline).
    pub async fn present(&self, profile: &str, now: DateTime<Utc>) -> Result<QrView, UiError> {
        self.require_unlocked()?;
        let chosen: Profile = profile
            .parse()
            .map_err(|_| self.refusal(&UNKNOWN_PROFILE))?;
        let presentation = self
            .resident
            .present(chosen, now)
            .map_err(|e| self.err(e))?;
        let qr =
            QrImage::new(presentation.as_str()).map_err(|e| self.err(ClientError::invalid(&e)))?;
        let stale = !self.online.load(Ordering::SeqCst);
        let lifetime = u32::try_from(PRESENTATION_LIFETIME_SECS).unwrap_or(90);
        Ok(QrView {
            profile: chosen.as_str().to_owned(),
            svg: qr.to_svg(4),
            version: qr.version(),
            text: presentation.into_string(),
            created_at: rfc3339(now),
            expires_at: rfc3339(now + chrono::TimeDelta::seconds(PRESENTATION_LIFETIME_SECS)),
            valid_secs: lifetime,
            refresh_after_secs: lifetime.saturating_sub(QR_REFRESH_MARGIN_SECS),
            stale,
        })
    }

    /// Changes the PIN.
    pub async fn change_pin(
        &self,
        old: &str,
        new: &str,
        now: DateTime<Utc>,
    ) -> Result<(), UiError> {
        self.require_unlocked()?;
        self.resident
            .change_pin(old, new, now)
            .await
            .map_err(|e| self.err(e))
    }

    /// Releases this device (Lepas Perangkat): the account can then be activated on another phone.
    pub async fn release_device(&self, pin: &str, now: DateTime<Utc>) -> Result<AppInfo, UiError> {
        self.require_unlocked()?;
        self.resident
            .release_device(pin, now)
            .await
            .map_err(|e| self.err(e))?;
        self.unlocked.store(false, Ordering::SeqCst);
        self.info()
    }

    /// Data Keluarga.
    pub async fn family(&self) -> Result<FamilyView, UiError> {
        self.require_unlocked()?;
        let lang = self.lang();
        let family = self.resident.family().await.map_err(|e| self.err(e))?;
        Ok(FamilyView {
            kk: family.kk,
            members: family
                .members
                .into_iter()
                .map(|m| FamilyMemberView {
                    nik: m.nik,
                    name: m.name,
                    relationship: m.relationship,
                    sex: match m.sex.as_str() {
                        "L" | "male" | "LAKI-LAKI" => sex_label(Sex::Male, lang),
                        "P" | "female" | "PEREMPUAN" => sex_label(Sex::Female, lang),
                        other => other.to_owned(),
                    },
                    birth_date: m.birth_date.format("%Y-%m-%d").to_string(),
                })
                .collect(),
        })
    }

    /// Histori Aktivitas, newest first.
    pub async fn activity(&self) -> Result<Vec<ActivityView>, UiError> {
        self.require_unlocked()?;
        let lang = self.lang();
        let entries = self.resident.activity().await.map_err(|e| self.err(e))?;
        Ok(entries
            .into_iter()
            .map(|e| {
                let title = match e.kind.as_str() {
                    "registered" => pick(lang, "Pendaftaran dikirim", "Registration sent"),
                    "registration_approved" => {
                        pick(lang, "Pendaftaran disetujui", "Registration approved")
                    }
                    "registration_rejected" => {
                        pick(lang, "Pendaftaran ditolak", "Registration rejected")
                    }
                    "activated" => pick(lang, "Akun diaktifkan", "Account activated"),
                    "login" => pick(lang, "Masuk dengan PIN", "Signed in with the PIN"),
                    "pin_wrong" => pick(lang, "PIN salah dimasukkan", "Wrong PIN entered"),
                    "pin_locked" => pick(lang, "PIN dikunci sementara", "PIN temporarily locked"),
                    "pin_changed" => pick(lang, "PIN diubah", "PIN changed"),
                    "verified" => pick(
                        lang,
                        "KTP Digital diperiksa oleh verifikator",
                        "Digital KTP checked by a verifier",
                    ),
                    "device_released" => pick(lang, "Perangkat dilepas", "Device released"),
                    "credentials_issued" => pick(
                        lang,
                        "KTP Digital diperbarui di perangkat",
                        "Digital KTP refreshed on the device",
                    ),
                    other => other.to_owned(),
                };
                let detail = [e.verifier, e.profile, e.detail]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>();
                ActivityView {
                    at: rfc3339(e.at),
                    kind: e.kind,
                    title,
                    detail: (!detail.is_empty()).then(|| detail.join(" · ")),
                }
            })
            .collect())
    }

    /// Layanan & Pengaduan: the resident's own office, from the NIK's regency (or the draft's).
    pub fn office(&self, now: DateTime<Utc>) -> OfficeView {
        let lang = self.lang();
        let nik = self
            .resident
            .state()
            .ok()
            .and_then(|s| s.nik)
            .or_else(|| self.settings.lock().ok().map(|s| s.draft.nik.clone()))
            .and_then(|n| Nik::parse(&n, now.date_naive()).ok());
        let office = match &nik {
            Some(nik) => ikd_core::offices::office_for(nik),
            None => ikd_core::offices::national(),
        };
        OfficeView {
            name: office.name.to_owned(),
            address: office.address.map(str::to_owned),
            hours: office.hours.map(str::to_owned),
            service_level: match lang {
                Lang::Id => office.service_level_id,
                Lang::En => office.service_level_en,
            }
            .to_owned(),
            national: office.regency_code.is_none(),
            channels: office
                .channels
                .iter()
                .map(|c| ChannelView {
                    kind: serde_json::to_value(c.kind)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_owned))
                        .unwrap_or_default(),
                    label: c.label.to_owned(),
                    href: c.href.map(str::to_owned),
                })
                .collect(),
        }
    }
}
