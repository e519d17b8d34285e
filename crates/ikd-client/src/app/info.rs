//! The information screens of an unlocked resident: the card (Biodata, from the saved `full`
//! credential, offline too), the family card (Data Keluarga), the activity history (Histori
//! Aktivitas) and the resident's own office (Layanan & Pengaduan).

use chrono::{DateTime, Utc};
use ikd_core::Nik;
use ikd_core::credential::{Disclosed, Profile};

use super::{App, rfc3339};
use crate::error::ClientError;
use crate::storage::SecretStore;
use crate::views::{
    ActivityView, CardField, CardView, ChannelView, FamilyMemberView, FamilyView, OfficeView,
    UiError,
};

impl<S: SecretStore> App<S> {
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
        let fields = ikd_core::card::lines(r, lang)
            .into_iter()
            .map(|line| CardField {
                key: line.key.to_owned(),
                label: line.label,
                value: line.value,
            })
            .collect();
        let until = credential.contents().valid_until;
        let stale = !self.session.is_online() || until <= now;
        Ok(CardView {
            nik: r.nik.clone(),
            name: r.name.clone(),
            fields,
            valid_until: rfc3339(until),
            stale,
            notice: self.stale_notice(stale, Some(until)),
        })
    }

    /// Data Keluarga. (A sex or NIK the app cannot read made the server's answer an error.)
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
                    sex: m.sex.label(lang),
                    nik: m.nik.to_string(),
                    name: m.name,
                    relationship: m.relationship,
                    birth_date: m.birth_date.format("%Y-%m-%d").to_string(),
                })
                .collect(),
        })
    }

    /// Histori Aktivitas, newest first. (A kind the app does not know made the server's answer an
    /// error.)
    pub async fn activity(&self) -> Result<Vec<ActivityView>, UiError> {
        self.require_unlocked()?;
        let lang = self.lang();
        let entries = self.resident.activity().await.map_err(|e| self.err(e))?;
        Ok(entries
            .into_iter()
            .map(|e| {
                let profile = e.profile.map(|p| p.as_str().to_owned());
                let detail = [e.verifier, profile, e.detail]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>();
                ActivityView {
                    at: rfc3339(e.at),
                    kind: e.kind,
                    title: e.kind.label(lang),
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
            .or_else(|| Some(self.session.settings().draft.nik))
            .and_then(|n| Nik::parse(&n, now.date_naive()).ok());
        let office = match &nik {
            Some(nik) => ikd_core::offices::office_for(nik),
            None => ikd_core::offices::national(),
        };
        OfficeView {
            name: office.name.to_owned(),
            address: office.address.map(str::to_owned),
            hours: office.hours.map(str::to_owned),
            service_level: ikd_core::i18n::pick(
                lang,
                office.service_level_id.to_owned(),
                office.service_level_en.to_owned(),
            ),
            national: office.regency_code.is_none(),
            channels: office
                .channels
                .iter()
                .map(|c| ChannelView {
                    kind: c.kind,
                    label: c.label.to_owned(),
                    href: c.href.map(str::to_owned),
                })
                .collect(),
        }
    }
}
