//! Turns family plans into records: names, birth dates, NIK and KK numbers, addresses, contacts.
//!
//! [`Generator`] is an iterator of family cards, so a million residents stream into the database
//! without being held in memory. It must stay a pure function of the [`PopulationSpec`]: no clock,
//! no thread-local randomness, no iteration over hash maps.

use std::collections::{HashMap, VecDeque};

use chrono::{Datelike, Days, Months, NaiveDate};
use ikd_core::nik::regions;
use ikd_core::{MaritalStatus, Sex};

use super::PopulationSpec;
use super::areas::{District, areas, place_name};
use super::attributes;
use super::dice::Dice;
use super::model::{Address, Citizenship, FamilyCard, IdentityStatus, LifeStatus, Relationship};
use super::model::{Religion, Resident};
use super::names::{FamilyNames, NameStyle};
use super::plan::{ContactPlan, FamilyPlan, MemberPlan, random_family, showcase_families};

/// Regencies of the five public service cards; a tenth of random families live there.
pub const SEED_REGENCIES: [u16; 5] = [3574, 1223, 1376, 1207, 5171];

/// A deterministic stream of family cards holding exactly `spec.count` residents in total.
pub struct Generator {
    spec: PopulationSpec,
    dice: Dice,
    remaining: u32,
    showcase: VecDeque<FamilyPlan>,
    pending: VecDeque<FamilyCard>,
    random_families: u32,
    provinces: Vec<u8>,
    nik_serials: HashMap<u64, u16>,
    kk_serials: HashMap<u64, u16>,
    phones: u32,
    emails: u32,
}

impl Generator {
    /// A generator for `spec`.
    pub fn new(spec: PopulationSpec) -> Generator {
        let mut provinces: Vec<u8> = areas()
            .districts()
            .iter()
            .map(District::province_code)
            .collect();
        provinces.dedup();
        Generator {
            dice: Dice::new(spec.seed),
            remaining: spec.count,
            showcase: showcase_families().into(),
            pending: VecDeque::new(),
            random_families: 0,
            provinces,
            nik_serials: HashMap::new(),
            kk_serials: HashMap::new(),
            phones: 0,
            emails: 0,
            spec,
        }
    }

    /// The district of the next random family: first one per province, then a tenth in the seed
    /// regencies, the rest anywhere.
    fn next_district(&mut self) -> u32 {
        let table = areas();
        let n = self.random_families;
        self.random_families += 1;
        let candidates = if let Some(&province) = self.provinces.get(n as usize) {
            table.districts_under(u32::from(province), 2)
        } else if self.dice.chance(100) {
            let regency = SEED_REGENCIES[self.dice.below(5) as usize];
            table.districts_under(u32::from(regency), 4)
        } else {
            table.districts()
        };
        self.dice.pick(candidates).code
    }

    fn realize(&mut self, plan: FamilyPlan) -> FamilyCard {
        let table = areas();
        let district = table
            .district(plan.district)
            .or_else(|| table.districts().first())
            .expect("the embedded area table is not empty");
        let province = district.province_code();
        let village = *self.dice.pick(&district.villages);
        let address = Address {
            street: attributes::street(&mut self.dice, !village.is_kelurahan()),
            rt: attributes::rt_rw(&mut self.dice, 15),
            rw: attributes::rt_rw(&mut self.dice, 12),
            village_code: format!("{:010}", village.code),
            village: village.name.to_uppercase(),
            district_code: district.code,
            district: regions::district_name(district.code)
                .unwrap_or_default()
                .to_uppercase(),
            regency: regions::regency_name(district.regency_code())
                .unwrap_or_default()
                .to_uppercase(),
            province: regions::province_name(province)
                .unwrap_or_default()
                .to_uppercase(),
        };
        let religion = plan
            .religion
            .unwrap_or_else(|| attributes::religion(&mut self.dice, province));
        let style = NameStyle::for_family(&mut self.dice, province, religion);
        let names = FamilyNames::new(&mut self.dice, style, religion);
        let days_ago = self.dice.range(30, 3650);
        let issued = self.spec.reference_date - Days::new(u64::from(days_ago));
        let (kk, issued_on) = self.unique_number(district.code, issued, None, true);

        let mut members: Vec<Resident> = Vec::with_capacity(plan.members.len());
        for member in &plan.members {
            let name = names.name(&mut self.dice, member.sex, member.blood, member.birth_order);
            let birth_date = self.birth_date(member);
            let mut resident =
                self.resident(member, district.code, &kk, name, birth_date, religion);
            if resident.phone.is_none()
                && member.contact == ContactPlan::Drawn
                && member.relationship != Relationship::KepalaKeluarga
                && member.age >= 13
                && self.dice.chance(300)
            {
                // One phone may serve the members of one family card.
                resident.phone = members.first().and_then(|head| head.phone.clone());
            }
            if member.identity == IdentityStatus::Duplicate {
                let twin = self.twin(member, &resident);
                self.pending.push_back(twin);
            }
            members.push(resident);
        }
        FamilyCard {
            kk,
            issued_on,
            address,
            members,
        }
    }

    /// A resident's record (contacts drawn, NIK made unique) in district `district`.
    fn resident(
        &mut self,
        member: &MemberPlan,
        district: u32,
        kk: &str,
        full_name: String,
        birth_date: NaiveDate,
        religion: Religion,
    ) -> Resident {
        let sex = member.sex;
        let (nik, birth_date) = self.unique_number(district, birth_date, Some(sex), false);
        let dice = &mut self.dice;
        let own_regency = (district / 100) as u16;
        let place_regency = if dice.chance(800) {
            own_regency
        } else {
            *dice.pick(areas().regencies())
        };
        let married = member.marital != MaritalStatus::BelumKawin;
        let ktp_el_recorded = member.ktp_el.unwrap_or_else(|| match member.age {
            _ if member.age >= 17 || married => dice.chance(970),
            16 => dice.chance(300),
            _ => false,
        });
        let (phone_per_mille, email_per_mille) = match (member.contact, member.age) {
            (ContactPlan::Both, _) => (1000, 1000),
            (ContactPlan::Neither, _) => (0, 0),
            (ContactPlan::Drawn, 17..) => (850, 650),
            (ContactPlan::Drawn, 13..) => (300, 200),
            (ContactPlan::Drawn, _) => (0, 0),
        };
        // The dead and inactive keep no contact, except showcase residents a tester registers.
        let reachable = member.life == LifeStatus::Alive || member.contact == ContactPlan::Both;
        let phone = (reachable && self.dice.chance(phone_per_mille)).then(|| {
            self.phones += 1;
            attributes::phone(&mut self.dice, self.phones)
        });
        let email = (reachable && self.dice.chance(email_per_mille)).then(|| {
            self.emails += 1;
            attributes::email(&mut self.dice, &full_name, self.emails)
        });
        Resident {
            nik,
            kk: kk.to_string(),
            relationship: member.relationship,
            full_name,
            sex,
            place_of_birth: place_name(place_regency),
            birth_date,
            blood_type: attributes::blood_type(&mut self.dice),
            religion,
            marital_status: member.marital,
            occupation: attributes::occupation(&mut self.dice, member.age, sex).to_string(),
            citizenship: Citizenship::Wni,
            ktp_el_recorded,
            identity: member.identity,
            life_status: member.life,
            email,
            phone,
        }
    }

    /// The other record of a duplicated person: same name, sex and birth date, another district.
    fn twin(&mut self, member: &MemberPlan, original: &Resident) -> FamilyCard {
        let table = areas();
        let regency = member
            .twin_regency
            .unwrap_or_else(|| *self.dice.pick(table.regencies()));
        let candidates = table.districts_under(u32::from(regency), 4);
        let district = if candidates.is_empty() {
            self.dice.pick(table.districts()).code
        } else {
            self.dice.pick(candidates).code
        };
        let mut plan = member.clone();
        plan.relationship = Relationship::KepalaKeluarga;
        plan.identity = IdentityStatus::Single;
        plan.ktp_el = Some(true);
        plan.contact = ContactPlan::Neither;
        let mut family = self.realize(FamilyPlan {
            district,
            religion: Some(original.religion),
            members: vec![plan],
        });
        for twin in &mut family.members {
            let (nik, _) =
                self.unique_number(district, original.birth_date, Some(original.sex), false);
            twin.nik = nik;
            twin.full_name.clone_from(&original.full_name);
            twin.birth_date = original.birth_date;
            twin.identity = IdentityStatus::Duplicate;
        }
        family
    }

    /// A birth date giving `member.age` whole years on the reference date.
    fn birth_date(&mut self, member: &MemberPlan) -> NaiveDate {
        let reference = self.spec.reference_date;
        let birthday = reference
            .checked_sub_months(Months::new(12 * member.age))
            .unwrap_or(reference);
        let days = member
            .days_since_birthday
            .unwrap_or_else(|| self.dice.below(365));
        let date = birthday - Days::new(u64::from(days));
        if reference.years_since(date) == Some(member.age) {
            date
        } else {
            birthday
        }
    }

    /// A unique NIK (`sex` given) or KK number for `district` and `date`, and the date it encodes.
    ///
    /// The serial counts up per district and date; in the unlikely case all 9,999 are taken the
    /// date moves one day earlier.
    fn unique_number(
        &mut self,
        district: u32,
        mut date: NaiveDate,
        sex: Option<Sex>,
        family_card: bool,
    ) -> (String, NaiveDate) {
        loop {
            let day = date.day() + if sex == Some(Sex::Female) { 40 } else { 0 };
            let ddmmyy = day * 10_000 + date.month() * 100 + date.year().rem_euclid(100) as u32;
            let key = u64::from(district) * 1_000_000 + u64::from(ddmmyy);
            let serials = if family_card {
                &mut self.kk_serials
            } else {
                &mut self.nik_serials
            };
            let serial = serials.entry(key).or_insert(0);
            if *serial < 9_999 {
                *serial += 1;
                return (format!("{district:06}{ddmmyy:06}{:04}", *serial), date);
            }
            date = date.pred_opt().unwrap_or(date);
        }
    }
}

impl Iterator for Generator {
    type Item = FamilyCard;

    fn next(&mut self) -> Option<FamilyCard> {
        if self.remaining == 0 {
            return None;
        }
        let mut family = match self.pending.pop_front() {
            Some(family) => family,
            None => {
                let plan = match self.showcase.pop_front() {
                    Some(plan) => plan,
                    None => {
                        let district = self.next_district();
                        random_family(&mut self.dice, district)
                    }
                };
                self.realize(plan)
            }
        };
        family.members.truncate(self.remaining as usize);
        self.remaining -= family.members.len() as u32;
        Some(family)
    }
}
