//! HTML of the operator console: the page shell with its security headers, the login form, the
//! queue table with the approve and reject forms, its filter form and next-page link, and the
//! audit trail (national office). Pure functions of their inputs; every value
//! that did not come from this file goes through [`escape`].

use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use ikd_core::{Lang, Localized, RegistrationState, RejectionReason};

use crate::api::audit::AuditPage;
use crate::api::operator::QueueItem;
use crate::api::operator_queue::QueuePage;
use crate::api::problem::ApiError;
use crate::text::{escape, pick as tr};

const STYLE: &str = "*{box-sizing:border-box}body{margin:0;font:16px/1.5 system-ui,sans-serif;color:#1b1b1b;background:#f3f5f7}main{max-width:75rem;margin:0 auto;padding:1rem}header{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center;justify-content:space-between}h1{font-size:1.4rem;margin:.25rem 0}.sub{color:#555;font-size:.85rem;margin:0}a{color:#0b5cad}.banner{padding:.75rem 1rem;border-radius:.5rem;margin:1rem 0}.ok{background:#e3f6e8;border:1px solid #2e7d32}.err{background:#fdecea;border:1px solid #c62828}table{width:100%;border-collapse:collapse;background:#fff}th,td{padding:.5rem;border-bottom:1px solid #dde;text-align:left;vertical-align:top;overflow-wrap:anywhere}label{display:block;font-weight:600;margin:.6rem 0 .25rem}input,select,textarea,button{font:inherit;width:100%;min-height:2.75rem;padding:.5rem;border:1px solid #889;border-radius:.4rem;background:#fff}button{background:#0b5cad;color:#fff;border:0;font-weight:600;margin-top:.6rem;cursor:pointer}button.danger{background:#b3261e}button.secondary{background:#fff;color:#0b5cad;border:1px solid #0b5cad}header form button{width:auto;padding:.5rem 1.25rem;margin:0}summary{min-height:2.75rem;padding:.5rem 0;cursor:pointer;font-weight:600;color:#0b5cad}.card{background:#fff;padding:1rem;border-radius:.5rem;max-width:28rem}video{width:100%;margin-top:.5rem}@media(max-width:50rem){thead{display:none}tr,td{display:block}tr{border:1px solid #dde;border-radius:.5rem;margin:.75rem 0;background:#fff}td{border:0;padding:.25rem .75rem}td::before{content:attr(data-label);display:block;font-size:.8rem;color:#555}}";

const SCRIPT: &str = "(()=>{if(!('BarcodeDetector' in window)||!navigator.mediaDevices)return;const det=new BarcodeDetector({formats:['qr_code']});document.querySelectorAll('button.scan').forEach(b=>{b.hidden=false;b.onclick=async()=>{const input=document.getElementById(b.dataset.target);const s=await navigator.mediaDevices.getUserMedia({video:{facingMode:'environment'}}).catch(()=>null);if(!s){b.textContent=b.dataset.fail;return}const v=document.createElement('video');v.muted=true;v.playsInline=true;v.srcObject=s;b.after(v);const stop=()=>{s.getTracks().forEach(t=>t.stop());v.remove()};v.onclick=stop;await v.play();const tick=async()=>{if(!v.isConnected)return;try{const q=(await det.detect(v)).find(c=>c.rawValue.startsWith('IKDREG'));if(q){input.value=q.rawValue;stop();input.focus();return}}catch(e){}requestAnimationFrame(tick)};tick()}})})();";

/// The query that keeps the language across links and forms.
pub(super) fn keep(lang: Lang) -> &'static str {
    tr(lang, "", "?lang=en")
}

pub(super) fn message(err: &ApiError, lang: Lang) -> &str {
    tr(lang, &err.message_id, &err.message_en)
}

fn csp_hash(source: &str) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, source.as_bytes());
    format!("'sha256-{}'", STANDARD.encode(digest))
}

/// A whole page with its security headers.
pub(super) fn page(status: StatusCode, lang: Lang, title: &str, body: &str) -> Response {
    let html = format!(
        "<!doctype html><html lang=\"{}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>{}</title><style>{STYLE}</style></head><body><main>{body}</main><script>{SCRIPT}</script></body></html>",
        tr(lang, "id", "en"),
        escape(title)
    );
    let csp = format!(
        "default-src 'none'; img-src 'self'; style-src {}; script-src {}; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        csp_hash(STYLE),
        csp_hash(SCRIPT)
    );
    let headers = [
        (header::CONTENT_SECURITY_POLICY, csp),
        (header::CACHE_CONTROL, "no-store".to_owned()),
        (header::REFERRER_POLICY, "no-referrer".to_owned()),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
    ];
    (status, headers, Html(html)).into_response()
}

/// A success or error line above the page.
pub(super) struct Banner {
    pub(super) ok: bool,
    pub(super) text: String,
}

impl Banner {
    pub(super) fn error(err: &ApiError, lang: Lang) -> Banner {
        Banner {
            ok: false,
            text: message(err, lang).to_owned(),
        }
    }

    /// The refusal of a form whose token is missing, stale or another session's.
    pub(super) fn form_expired(lang: Lang) -> Banner {
        Banner {
            ok: false,
            text: tr(
                lang,
                "Formulir kedaluwarsa atau tidak sah. Muat ulang halaman lalu coba lagi.",
                "The form has expired or is not valid. Reload the page and try again.",
            )
            .into(),
        }
    }

    pub(super) fn html(&self) -> String {
        let (class, role) = if self.ok {
            ("ok", "status")
        } else {
            ("err", "alert")
        };
        format!(
            "<p class=\"banner {class}\" role=\"{role}\" data-testid=\"banner-{class}\">{}</p>",
            escape(&self.text)
        )
    }
}

pub(super) fn heading(lang: Lang, right: &str) -> String {
    let (other, other_label) = tr(
        lang,
        ("/operator?lang=en", "English"),
        ("/operator", "Bahasa Indonesia"),
    );
    format!(
        "<header><div><h1>{}</h1><p class=\"sub\">{}</p></div><div><a href=\"{other}\" lang=\"{}\">{other_label}</a> {right}</div></header>",
        tr(lang, "Konsol Petugas SIAK", "SIAK operator console"),
        tr(
            lang,
            "Disdukcapil · operator console",
            "Disdukcapil · konsol petugas"
        ),
        tr(lang, "en", "id"),
    )
}

pub(super) fn login_page(lang: Lang, status: StatusCode, banner: Option<Banner>) -> Response {
    let banner = banner.map(|b| b.html()).unwrap_or_default();
    let body = format!(
        "{}{banner}<form class=\"card\" method=\"post\" action=\"/operator/login{}\" data-testid=\"login-form\"><label for=\"username\">{}</label><input id=\"username\" name=\"username\" autocomplete=\"username\" autocapitalize=\"none\" required><label for=\"password\">{}</label><input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required><button type=\"submit\">{}</button></form>",
        heading(lang, ""),
        keep(lang),
        tr(lang, "Nama pengguna", "User name"),
        tr(lang, "Kata sandi", "Password"),
        tr(lang, "Masuk", "Log in"),
    );
    page(
        status,
        lang,
        tr(lang, "Masuk petugas", "Operator login"),
        &body,
    )
}

pub(super) fn hidden_csrf(csrf: &str) -> String {
    format!(
        "<input type=\"hidden\" name=\"csrf\" value=\"{}\">",
        escape(csrf)
    )
}

fn actions(item: &QueueItem, lang: Lang, csrf: &str) -> String {
    let id = escape(&item.registration.registration_id.to_string());
    if item.registration.state != RegistrationState::AwaitingOperatorScan {
        return escape(item.registration.state.code());
    }
    let reasons: String = RejectionReason::ALL
        .iter()
        .map(|r| {
            format!(
                "<option value=\"{}\">{}</option>",
                r.code(),
                escape(&r.message(lang))
            )
        })
        .collect();
    format!(
        "<details><summary>{}</summary>\
         <form method=\"post\" action=\"/operator/registrations/{id}/approve{q}\">{csrf}<label for=\"qr-{id}\">{}</label><input id=\"qr-{id}\" name=\"registration_qr\" placeholder=\"IKDREG2:…\" autocomplete=\"off\" autocapitalize=\"none\" required><button type=\"button\" class=\"scan secondary\" data-target=\"qr-{id}\" data-fail=\"{}\" hidden>{}</button><button type=\"submit\">{}</button></form>\
         <form method=\"post\" action=\"/operator/registrations/{id}/reject{q}\">{csrf}<label for=\"reason-{id}\">{}</label><select id=\"reason-{id}\" name=\"reason\" required><option value=\"\">{}</option>{reasons}</select><label for=\"note-{id}\">{}</label><textarea id=\"note-{id}\" name=\"note\" maxlength=\"500\" rows=\"2\"></textarea><button type=\"submit\" class=\"danger\">{}</button></form></details>",
        tr(lang, "Setujui / Tolak", "Approve / Reject"),
        tr(
            lang,
            "QR pendaftaran di HP penduduk (pindai atau tempel)",
            "Registration QR on the resident's phone (scan or paste)"
        ),
        tr(lang, "Kamera tidak tersedia", "Camera not available"),
        tr(lang, "Pindai dengan kamera", "Scan with the camera"),
        tr(lang, "Setujui", "Approve"),
        tr(lang, "Alasan penolakan", "Reason for rejection"),
        tr(lang, "— pilih alasan —", "— choose a reason —"),
        tr(
            lang,
            "Catatan untuk penduduk (opsional)",
            "Note for the resident (optional)"
        ),
        tr(lang, "Tolak", "Reject"),
        q = keep(lang),
        csrf = hidden_csrf(csrf),
    )
}

fn queue_table(queue: &[QueueItem], lang: Lang, csrf: &str) -> String {
    if queue.is_empty() {
        return format!(
            "<p data-testid=\"queue-empty\">{}</p>",
            tr(
                lang,
                "Tidak ada pendaftaran di sini.",
                "No registrations here."
            )
        );
    }
    let labels = [
        tr(lang, "Nama", "Name"),
        "NIK",
        tr(lang, "Kabupaten/Kota", "Regency/City"),
        "Email",
        tr(lang, "Telepon", "Phone"),
        tr(lang, "Diajukan", "Submitted"),
        tr(lang, "Swafoto liveness", "Liveness selfie"),
        tr(lang, "Tindakan", "Action"),
    ];
    let head: String = labels.iter().map(|l| format!("<th>{l}</th>")).collect();
    let rows: String = queue
        .iter()
        .map(|item| {
            let liveness = liveness_cell(item, lang);
            let cells = [
                escape(&item.name),
                escape(&item.nik),
                escape(&item.regency),
                escape(&item.email),
                escape(&item.phone),
                item.registration
                    .created_at
                    .format("%Y-%m-%d %H:%M UTC")
                    .to_string(),
                liveness,
                actions(item, lang, csrf),
            ];
            let cells: String = labels
                .iter()
                .zip(cells)
                .map(|(label, cell)| format!("<td data-label=\"{label}\">{cell}</td>"))
                .collect();
            format!(
                "<tr data-testid=\"registration-{}\">{cells}</tr>",
                escape(&item.registration.registration_id.to_string())
            )
        })
        .collect();
    format!("<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")
}

/// The filter form (GET): the state and the region of the queue.
fn filter_form(lang: Lang, page: &QueuePage) -> String {
    let states = [
        ("waiting", tr(lang, "Menunggu", "Waiting")),
        ("approved", tr(lang, "Disetujui", "Approved")),
        ("activated", tr(lang, "Diaktifkan", "Activated")),
        ("rejected", tr(lang, "Ditolak", "Rejected")),
    ];
    let options: String = states
        .iter()
        .map(|(code, label)| {
            let selected = if *code == page.state { " selected" } else { "" };
            format!("<option value=\"{code}\"{selected}>{label}</option>")
        })
        .collect();
    let lang_field = match lang {
        Lang::En => "<input type=\"hidden\" name=\"lang\" value=\"en\">",
        _ => "",
    };
    format!(
        "<form method=\"get\" action=\"/operator\" class=\"card\" data-testid=\"queue-filter\">{lang_field}<label for=\"state\">{}</label><select id=\"state\" name=\"state\">{options}</select><label for=\"region\">{}</label><input id=\"region\" name=\"region\" inputmode=\"numeric\" maxlength=\"4\" placeholder=\"PPRR\" value=\"{}\"><button type=\"submit\" class=\"secondary\">{}</button></form>",
        tr(lang, "Status", "State"),
        tr(
            lang,
            "Wilayah (kode kabupaten/kota)",
            "Region (regency code)"
        ),
        escape(page.region.as_deref().unwrap_or_default()),
        tr(lang, "Tampilkan", "Show"),
    )
}

/// The logged-in page: header with logout (and the audit link for the national office), the
/// banner, the filter form, the queue page and its next-page link (or the error loading it).
pub(super) fn queue_page(
    lang: Lang,
    status: StatusCode,
    csrf: &str,
    banner: Option<Banner>,
    national: bool,
    loaded: Result<(QueuePage, String), ApiError>,
) -> Response {
    let audit = if national {
        format!(
            "<a href=\"/operator/audit{}\" data-testid=\"audit-link\">{}</a> ",
            keep(lang),
            tr(lang, "Jejak audit", "Audit trail")
        )
    } else {
        String::new()
    };
    let logout = format!(
        "{audit}<form method=\"post\" action=\"/operator/logout{}\">{}<button type=\"submit\" class=\"secondary\">{}</button></form>",
        keep(lang),
        hidden_csrf(csrf),
        tr(lang, "Keluar", "Log out")
    );
    let banner = banner.map(|b| b.html()).unwrap_or_default();
    let (status, content) = match loaded {
        Ok((page, name)) => {
            let next = page
                .next
                .as_deref()
                .map(|q| {
                    let lang_q = tr(lang, "", "&lang=en");
                    format!(
                        "<p><a href=\"/operator?{}{lang_q}\" rel=\"next\" data-testid=\"next-page\">{}</a></p>",
                        escape(q),
                        tr(lang, "Halaman berikutnya →", "Next page →")
                    )
                })
                .unwrap_or_default();
            (
                status,
                format!(
                    "{banner}<p>{} <strong>{}</strong> · <a href=\"/operator/device-changes{}\">{}</a></p>{}<h2>{}</h2>{}{next}",
                    tr(lang, "Masuk sebagai", "Logged in as"),
                    escape(&name),
                    keep(lang),
                    tr(lang, "Pindah perangkat menunggu", "Waiting device changes"),
                    filter_form(lang, &page),
                    tr(lang, "Pendaftaran", "Registrations"),
                    queue_table(&page.items, lang, csrf)
                ),
            )
        }
        Err(e) => (
            e.status,
            format!("{banner}{}", Banner::error(&e, lang).html()),
        ),
    };
    let body = format!("{}{content}", heading(lang, &logout));
    page(
        status,
        lang,
        tr(lang, "Antrean pendaftaran", "Registration queue"),
        &body,
    )
}

/// The audit trail page (national office), newest first, with its next-page link.
pub(super) fn audit_page(lang: Lang, loaded: Result<AuditPage, ApiError>) -> Response {
    let back = format!(
        "<a href=\"/operator{}\">{}</a>",
        keep(lang),
        tr(lang, "← Antrean", "← Queue")
    );
    let (status, content) = match loaded {
        Ok(audit) => {
            let labels = [
                tr(lang, "Waktu", "Time"),
                tr(lang, "Petugas", "Operator"),
                tr(lang, "Kantor", "Office"),
                tr(lang, "Tindakan", "Action"),
                tr(lang, "Objek", "Subject"),
                "NIK",
                tr(lang, "Dari", "From"),
            ];
            let head: String = labels.iter().map(|l| format!("<th>{l}</th>")).collect();
            let rows: String = audit
                .entries
                .iter()
                .map(|e| {
                    let cells = [
                        e.at.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
                        escape(&e.username),
                        escape(e.office_code.as_deref().unwrap_or("—")),
                        e.action.code().to_owned(),
                        escape(e.subject.as_deref().unwrap_or("—")),
                        escape(e.nik.as_deref().unwrap_or("—")),
                        escape(&e.client_addr),
                    ];
                    let cells: String = labels
                        .iter()
                        .zip(cells)
                        .map(|(label, cell)| format!("<td data-label=\"{label}\">{cell}</td>"))
                        .collect();
                    format!("<tr data-testid=\"audit-{}\">{cells}</tr>", e.id)
                })
                .collect();
            let next = audit
                .next_before
                .map(|before| {
                    format!(
                        "<p><a href=\"/operator/audit?before={before}{}\" rel=\"next\" data-testid=\"next-page\">{}</a></p>",
                        tr(lang, "", "&lang=en"),
                        tr(lang, "Halaman berikutnya →", "Next page →")
                    )
                })
                .unwrap_or_default();
            (
                StatusCode::OK,
                format!(
                    "<h2>{}</h2><table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>{next}",
                    tr(lang, "Jejak audit petugas", "Operators' audit trail")
                ),
            )
        }
        Err(e) => (e.status, Banner::error(&e, lang).html()),
    };
    let body = format!("{}{content}", heading(lang, &back));
    page(status, lang, tr(lang, "Jejak audit", "Audit trail"), &body)
}

/// The liveness cell: what was asked, the server's verdict and the frames kept.
fn liveness_cell(item: &QueueItem, lang: Lang) -> String {
    let Some(l) = &item.liveness else {
        return tr(lang, "Tidak ada", "None").to_owned();
    };
    let verdict = if l.result == "passed" {
        format!(
            "{} ({:.1} s)",
            tr(lang, "Lolos pemeriksaan server", "Passed the server check"),
            f64::from(l.duration_ms) / 1000.0
        )
    } else {
        escape(&l.result)
    };
    let frames: String = (0..l.frames)
        .map(|i| {
            format!(
                "<img class=\"frame\" src=\"/operator/liveness/{id}/{i}\" width=\"80\" height=\"60\" alt=\"{alt} {n}\">",
                id = escape(&l.challenge_id.to_string()),
                alt = tr(lang, "Bingkai", "Frame"),
                n = i + 1
            )
        })
        .collect();
    format!(
        "<div class=\"liveness\" data-testid=\"liveness-{id}\"><p>{verdict}</p><p class=\"actions\">{actions}</p><div class=\"frames\">{frames}</div></div>",
        id = escape(&l.challenge_id.to_string()),
        actions = escape(&l.actions.join(" → ")),
    )
}
