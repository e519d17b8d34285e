//! Mail to residents: the one builder of every mail the server sends (activation code,
//! rejection, device-change code and notice, hard lock; to an office: a throttled operator
//! login), and the mailer.
//!
//! Every mail is written to the `outbox` table in the same transaction as the change it reports,
//! so a mail is never lost and never sent for a change that was rolled back. When SMTP is
//! configured, the mail is then delivered through `lettre` after the commit.
//!
//! What the outbox keeps depends on the mode. In development mode (`serve --dev`) it keeps the
//! whole mail, codes included, and is the developer's mailbox (`GET /dev/outbox`, `siak-mock
//! outbox`). In deployment mode it keeps only what a support desk may see (recipient, subject,
//! kind, NIK, time, delivery) and an empty body, so the database never holds an activation or
//! device-change code in plain text; the SMTP relay is then the only way a mail reaches anyone.

use chrono::{DateTime, Utc};
use ikd_core::protocol::ActivationCode;
use ikd_core::registration::RejectionReason;
use ikd_core::{Lang, Localized};
use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use serde::{Deserialize, Serialize};

use crate::store::outbox::{self, Delivery, NewMail};

pub use crate::store::outbox::OutboxEntry;

/// How to reach the SMTP relay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmtpConfig {
    /// Host name or address.
    pub host: String,
    /// Port (25, 587, 465, or a test server's).
    pub port: u16,
    /// Transport security.
    pub security: SmtpSecurity,
    /// User name and password, when the relay needs them.
    pub credentials: Option<(String, String)>,
    /// The From address.
    pub from: String,
}

/// SMTP transport security.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SmtpSecurity {
    /// Plain SMTP (local relays and test servers only).
    None,
    /// STARTTLS on a plain connection (port 587).
    Starttls,
    /// TLS from the start (port 465).
    Tls,
}

/// One mail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mail {
    /// Recipient.
    pub to: String,
    /// Subject.
    pub subject: String,
    /// Plain-text body (Bahasa Indonesia first, then English).
    pub body: String,
    /// What it is: `activation_code`, `registration_rejected`, `device_released`.
    pub kind: String,
    /// The resident it concerns.
    pub nik: Option<String>,
}

/// Sends mail through SMTP when configured; the outbox always keeps a record, with the body only
/// in development mode.
#[derive(Debug, Clone)]
pub struct Mailer {
    smtp: Option<SmtpConfig>,
    keep_bodies: bool,
}

impl Mailer {
    /// A mailer; `None` keeps mail in the outbox only. The outbox keeps no bodies (deployment
    /// mode) until [`Mailer::keeping_bodies`] says otherwise.
    pub fn new(smtp: Option<SmtpConfig>) -> Self {
        Mailer {
            smtp,
            keep_bodies: false,
        }
    }

    /// The same mailer keeping whole mails, codes included, in the outbox (development mode).
    pub fn keeping_bodies(self, keep: bool) -> Self {
        Mailer {
            keep_bodies: keep,
            ..self
        }
    }

    /// Records `mail` in the outbox inside the caller's transaction.
    pub fn record(
        &self,
        conn: &rusqlite::Connection,
        mail: &Mail,
        now: DateTime<Utc>,
    ) -> rusqlite::Result<()> {
        let delivery = if self.smtp.is_some() {
            Delivery::Smtp
        } else {
            Delivery::Outbox
        };
        let row = NewMail {
            to: &mail.to,
            subject: &mail.subject,
            body: if self.keep_bodies { &mail.body } else { "" },
            kind: &mail.kind,
            nik: mail.nik.as_deref(),
        };
        outbox::insert(conn, row, delivery, now)
    }

    /// [`Mailer::deliver`] on the running async runtime, for code on the blocking pool that has
    /// just committed the transaction recording `mail` (no runtime: the outbox keeps it).
    pub fn deliver_later(&self, mail: Mail) {
        if self.smtp.is_none() {
            return;
        }
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            let mailer = self.clone();
            runtime.spawn(async move { mailer.deliver(mail).await });
        }
    }

    /// Delivers `mail` over SMTP after the transaction that recorded it committed. Failures are
    /// logged (the outbox keeps the mail); they never undo the change the mail reports.
    pub async fn deliver(&self, mail: Mail) {
        let Some(smtp) = &self.smtp else { return };
        if let Err(e) = send(smtp, &mail).await {
            tracing::warn!(to = %mail.to, kind = %mail.kind, error = %e, "SMTP delivery failed; the mail stays in the outbox");
        } else {
            tracing::info!(to = %mail.to, kind = %mail.kind, "mail delivered over SMTP");
        }
    }
}

async fn send(smtp: &SmtpConfig, mail: &Mail) -> anyhow::Result<()> {
    let message = Message::builder()
        .from(smtp.from.parse::<Mailbox>()?)
        .to(mail.to.parse::<Mailbox>()?)
        .subject(&mail.subject)
        .body(mail.body.clone())?;
    let mut builder = match smtp.security {
        SmtpSecurity::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&smtp.host),
        SmtpSecurity::Starttls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&smtp.host)?,
        SmtpSecurity::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&smtp.host)?,
    }
    .port(smtp.port)
    .timeout(Some(std::time::Duration::from_secs(20)));
    if let Some((user, password)) = &smtp.credentials {
        builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
    }
    builder.build().send(message).await?;
    Ok(())
}

/// What a mail tells a resident; [`Mail::notice`] writes it.
#[derive(Debug, Clone, Copy)]
pub enum Notice<'a> {
    /// The registration was approved: the activation code and the app links.
    ActivationCode {
        /// The code.
        code: &'a ActivationCode,
        /// When it stops working.
        expires: DateTime<Utc>,
        /// The link lines (`AppLinks::mail_lines`).
        links: &'a str,
    },
    /// The registration was rejected.
    Rejected {
        /// Why.
        reason: RejectionReason,
        /// The operator's note.
        note: Option<&'a str>,
    },
    /// A device change was asked: the code and the app links.
    DeviceChangeCode {
        /// The code.
        code: &'a ActivationCode,
        /// When it stops working.
        expires: DateTime<Utc>,
        /// The link lines.
        links: &'a str,
    },
    /// The account moved to a new device.
    DeviceChanged {
        /// When.
        at: DateTime<Utc>,
    },
    /// A device change was confirmed with the code and now waits: when it completes, and the
    /// one-tap cancel link.
    DeviceChangeWaiting {
        /// When the new phone may take the account over.
        completes_at: DateTime<Utc>,
        /// The cancel link (`…/device-change/cancel?token=…`).
        cancel_url: &'a str,
    },
    /// A waiting device change was cancelled.
    DeviceChangeCancelled {
        /// When.
        at: DateTime<Utc>,
        /// By the resident's Disdukcapil office (else by the old phone or the mailed link).
        by_office: bool,
    },
    /// The account was hard-locked after too many wrong PINs.
    AccountHardLocked {
        /// When.
        at: DateTime<Utc>,
    },
    /// The registration waited for its operator longer than the pending expiry.
    RegistrationExpired {
        /// How many days it could wait.
        days: i64,
    },
}

impl Mail {
    /// The mail telling resident `nik` (at `to`) about `notice`, Bahasa Indonesia first.
    pub fn notice(to: &str, nik: &str, notice: Notice<'_>) -> Mail {
        let (kind, subject, body) = match notice {
            Notice::ActivationCode {
                code,
                expires,
                links,
            } => {
                let until = expires.format("%Y-%m-%d %H:%M");
                (
                    "activation_code",
                    "Kode Aktivasi KTP Digital / Digital KTP activation code",
                    format!(
                        "Pendaftaran KTP Digital Anda disetujui.\n\nKode aktivasi: {code}\nBerlaku sampai: {until} UTC\nMasukkan kode ini di aplikasi IKD. Jangan berikan kode ini kepada siapa pun, termasuk petugas.\n\n---\n\nYour Digital KTP registration was approved.\n\nActivation code: {code}\nValid until: {until} UTC\nEnter this code in the IKD app. Never give it to anyone, including officials.\n\nBuka di aplikasi / Open in the app:\n{links}"
                    ),
                )
            }
            Notice::Rejected { reason, note } => {
                let note = note
                    .map(|n| format!("\nCatatan petugas / Operator's note: {n}\n"))
                    .unwrap_or_default();
                (
                    "registration_rejected",
                    "Pendaftaran KTP Digital ditolak / Digital KTP registration rejected",
                    format!(
                        "Pendaftaran KTP Digital Anda ditolak.\nAlasan: {}\n{note}\n---\n\nYour Digital KTP registration was rejected.\nReason: {}\n(code: {})\n",
                        reason.message(Lang::Id),
                        reason.message(Lang::En),
                        reason.code()
                    ),
                )
            }
            Notice::DeviceChangeCode {
                code,
                expires,
                links,
            } => {
                let until = expires.format("%Y-%m-%d %H:%M");
                (
                    "device_change_code",
                    "Ganti perangkat KTP Digital / Digital KTP device change",
                    format!(
                        "Seseorang meminta memindahkan KTP Digital Anda ke perangkat baru (swafoto bergerak sudah diperiksa).\n\nKode: {code}\nBerlaku sampai: {until} UTC\nJika ini Anda, masukkan kode di perangkat baru. Pemindahan lalu menunggu masa tunggu; selama itu perangkat lama tetap berfungsi dan dapat membatalkannya.\nJika BUKAN Anda, jangan berikan kode ini kepada siapa pun dan hubungi Disdukcapil.\n\n---\n\nSomeone asked to move your Digital KTP to a new device (the moving-face selfie was checked).\n\nCode: {code}\nValid until: {until} UTC\nIf this is you, enter the code on the new device. The move then waits out a waiting period, during which the old device keeps working and can cancel it.\nIf this is NOT you, never give this code to anyone and contact your Disdukcapil office.\n\nBuka di aplikasi baru / Open in the new app:\n{links}"
                    ),
                )
            }
            Notice::DeviceChanged { at } => {
                let at = at.format("%Y-%m-%d %H:%M");
                (
                    "device_changed",
                    "KTP Digital dipindahkan ke perangkat baru / Digital KTP moved to a new device",
                    format!(
                        "KTP Digital Anda dipindahkan ke perangkat baru pada {at} UTC. Perangkat lama sudah keluar dan kredensialnya dicabut.\nJika ini bukan Anda, segera hubungi Disdukcapil.\n\n---\n\nYour Digital KTP was moved to a new device at {at} UTC. The old device is signed out and its credentials are revoked.\nIf this was not you, contact your Disdukcapil office at once.\n"
                    ),
                )
            }
            Notice::DeviceChangeWaiting {
                completes_at,
                cancel_url,
            } => {
                let at = completes_at.format("%Y-%m-%d %H:%M");
                (
                    "device_change_waiting",
                    "KTP Digital akan dipindahkan / Your Digital KTP is about to move",
                    format!(
                        "Kode pindah perangkat sudah dimasukkan di ponsel baru. KTP Digital Anda akan dipindahkan ke ponsel itu pada {at} UTC; sampai saat itu ponsel lama tetap berfungsi.\nJika ini BUKAN Anda, batalkan sekarang dengan satu ketukan (atau pilih Batalkan di ponsel lama, atau datang ke Disdukcapil):\n{cancel_url}\nKantor Disdukcapil Anda juga dapat mempercepat pemindahan jika Anda datang dengan KTP-el.\n\n---\n\nThe device-change code was entered on a new phone. Your Digital KTP will move to that phone at {at} UTC; until then the old phone keeps working.\nIf this is NOT you, cancel it now with one tap (or choose Cancel on the old phone, or visit your Disdukcapil office):\n{cancel_url}\nYour Disdukcapil office can also speed the move up if you visit with your KTP-el.\n"
                    ),
                )
            }
            Notice::DeviceChangeCancelled { at, by_office } => {
                let at = at.format("%Y-%m-%d %H:%M");
                let (who_id, who_en) = if by_office {
                    ("oleh kantor Disdukcapil", "by the Disdukcapil office")
                } else {
                    ("atas permintaan Anda", "as you asked")
                };
                (
                    "device_change_cancelled",
                    "Pindah perangkat dibatalkan / Device change cancelled",
                    format!(
                        "Pemindahan KTP Digital Anda ke ponsel baru dibatalkan {who_id} pada {at} UTC. KTP Digital tetap di ponsel lama; ponsel baru tidak dapat menyelesaikan pemindahan ini.\n\n---\n\nThe move of your Digital KTP to a new phone was cancelled {who_en} at {at} UTC. Your Digital KTP stays on the old phone; the new phone can never complete this move.\n"
                    ),
                )
            }
            Notice::AccountHardLocked { at } => {
                let at = at.format("%Y-%m-%d %H:%M");
                (
                    "account_hard_locked",
                    "KTP Digital dikunci / Digital KTP locked",
                    format!(
                        "Akun KTP Digital Anda dikunci pada {at} UTC karena PIN salah dimasukkan terlalu sering. Semua sesi sudah diakhiri.\nUntuk membuka kunci: pilih Ganti Perangkat / Lupa PIN di aplikasi IKD (swafoto dan kode yang dikirim ke email ini, lalu PIN baru), atau datang ke kantor Disdukcapil dengan KTP-el.\nJika bukan Anda yang mencoba, seseorang mungkin memegang ponsel Anda: hubungi Disdukcapil.\n\n---\n\nYour Digital KTP account was locked at {at} UTC after too many wrong PINs. Every session was ended.\nTo unlock it: choose Change device / Forgot PIN in the IKD app (a selfie and a code sent to this address, then a new PIN), or visit a Disdukcapil office with your KTP-el.\nIf it was not you, someone may hold your phone: contact your Disdukcapil office.\n"
                    ),
                )
            }
            Notice::RegistrationExpired { days } => (
                "registration_expired",
                "Pendaftaran KTP Digital kedaluwarsa / Digital KTP registration expired",
                format!(
                    "Pendaftaran kedaluwarsa — daftar lagi. Pendaftaran KTP Digital Anda tidak dipindai petugas Disdukcapil dalam {days} hari, sehingga dibatalkan. Anda dapat mendaftar lagi di aplikasi IKD, lalu tunjukkan kode QR kepada petugas.\nJika Anda tidak mendaftar, abaikan email ini.\n\n---\n\nRegistration expired — register again. No Disdukcapil officer scanned your Digital KTP registration within {days} days, so it was cancelled. You can register again in the IKD app, then show the QR code to an officer.\nIf you did not register, ignore this mail.\n"
                ),
            ),
        };
        Mail {
            to: to.to_owned(),
            subject: subject.to_owned(),
            body,
            kind: kind.to_owned(),
            nik: Some(nik.to_owned()),
        }
    }

    /// The mail telling an office (at `to`) that logins of its operator `username` are refused
    /// until `until` after too many wrong passwords (kind `operator_login_throttled`).
    pub fn operator_throttled(to: &str, username: &str, until: DateTime<Utc>) -> Mail {
        let until = until.format("%Y-%m-%d %H:%M");
        Mail {
            to: to.to_owned(),
            subject: "Login petugas diblokir sementara / Operator login throttled".into(),
            body: format!(
                "Kata sandi akun petugas {username} dimasukkan salah terlalu sering. Login akun ini ditolak sampai {until} UTC.\nJika bukan petugas Anda yang mencoba, seseorang sedang menebak kata sandinya: periksa jejak audit dan ganti kata sandi (`siak-mock operator passwd`).\n\n---\n\nThe password of operator account {username} was entered wrong too often. Logins of this account are refused until {until} UTC.\nIf it was not your operator, someone is guessing the password: check the audit trail and change the password (`siak-mock operator passwd`).\n"
            ),
            kind: "operator_login_throttled".into(),
            nik: None,
        }
    }
}
