//! The onboarding screens: the registration form checked as the resident types (kept as a
//! draft), the new PIN typed twice, the status tracker and its registration QR, "register again"
//! after a rejection, and the activation with the emailed code.

use chrono::{DateTime, NaiveDate, Utc};
use ikd_core::Localized;
use ikd_core::i18n::{Lang, pin_rules};
use ikd_core::protocol::registration_qr::seconds_left;
use ikd_core::qr::QrImage;
use ikd_core::registration::RegistrationState;
use ikd_core::wire::RegistrationView;
use ikd_core::{Email, Nik, PhoneNumber, Pin};

use super::form::{check_field, field_empty, field_err, field_ok, message, nik_unknown};
use super::refusal::PIN_MISMATCH;
use super::{App, rfc3339};
use crate::error::ClientError;
use crate::storage::SecretStore;
use crate::views::{
    AppInfo, Draft, Message, NikCheck, PinCheck, RegistrationCheck, RegistrationQrView,
    RegistrationStatus, StatusStep, UiError, UnlockView,
};

/// What a valid NIK says about its holder on `today`, with the warnings (an old region code,
/// under 17 by the NIK).
fn nik_check(nik: &Nik, today: NaiveDate, lang: Lang) -> NikCheck {
    let mut warnings: Vec<Message> = nik.warnings().iter().map(|w| message(w, lang)).collect();
    warnings.extend(nik.age_warning(today).map(|w| message(&w, lang)));
    NikCheck {
        field: field_ok(nik.as_str().to_owned()),
        province: Some(nik.province_name().to_owned()),
        regency: nik.regency_name().map(str::to_owned),
        district: nik.district_name().map(str::to_owned),
        birth_date: Some(nik.birth_date().format("%Y-%m-%d").to_string()),
        sex: Some(nik.sex().label(lang)),
        age: Some(nik.age_on(today)),
        warnings,
    }
}

impl<S: SecretStore> App<S> {
    /// Keeps what was typed in the registration form (going back never loses it).
    pub fn save_draft(&self, draft: Draft) -> Result<(), UiError> {
        self.session
            .update(self.resident.dir(), |s| s.draft = draft)
            .map_err(|e| self.err(e))
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
                Ok(n) => nik_check(&n, today, lang),
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
            .and_then(|s| s.registered_nik(now.date_naive()).ok());
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

    /// The status tracker's view of the server's `view`. A state or reason this version does not
    /// know is not our API: `server_down`.
    pub(super) fn status_view(
        &self,
        view: RegistrationView,
    ) -> Result<RegistrationStatus, UiError> {
        let lang = self.lang();
        let state = view.state;
        let steps = state
            .tracker_steps()
            .into_iter()
            .map(|(step, at)| StatusStep {
                key: step,
                label: step.label(lang),
                state: at,
            })
            .collect();
        let reason = match state {
            RegistrationState::Rejected(reason) => Some(Message {
                code: reason.code().to_owned(),
                message: match lang {
                    Lang::Id => view.reason_message_id.clone(),
                    Lang::En => view.reason_message_en.clone(),
                }
                .unwrap_or_else(|| reason.code().to_owned()),
            }),
            _ => None,
        };
        Ok(RegistrationStatus {
            registration_id: view.registration_id,
            state: state.state_code(),
            steps,
            next: state.describe(lang),
            reason,
            submitted_at: rfc3339(view.created_at),
        })
    }

    /// The registration's status (the tracker polls this).
    pub async fn registration_status(&self) -> Result<RegistrationStatus, UiError> {
        let view = self
            .resident
            .registration_status()
            .await
            .map_err(|e| self.err(e))?;
        self.status_view(view)
    }

    /// The registration QR for the operator at `now`, made on the phone (works offline); the
    /// screen shows it while the registration waits for the operator and asks again when
    /// `seconds_left` ran out.
    pub fn registration_qr(&self, now: DateTime<Utc>) -> Result<RegistrationQrView, UiError> {
        let qr = self
            .resident
            .registration_qr(now)
            .map_err(|e| self.err(e))?;
        let text = qr.to_string();
        let image = QrImage::any_text(&text).map_err(|e| self.err(ClientError::invalid(&e)))?;
        let left = seconds_left(now);
        Ok(RegistrationQrView {
            svg: image.to_svg(6),
            text,
            seconds_left: left,
            expires_at: rfc3339(now + chrono::TimeDelta::seconds(i64::from(left))),
        })
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
        self.session.set_unlocked(true);
        self.save_draft(Draft::default())?;
        self.reconnected().await
    }
}
