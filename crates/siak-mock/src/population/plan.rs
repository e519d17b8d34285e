//! Family plans: who is in a family (relationship, sex, age, statuses) before names, dates and
//! numbers are drawn. Random plans give a realistic mix; the showcase plans are the fixed families
//! that every population starts with, so that each registration outcome exists in every
//! population of 100 residents or more, in the five seed regencies of the service cards.

use ikd_core::{MaritalStatus, Sex};

use super::dice::Dice;
use super::model::{IdentityStatus, LifeStatus, Relationship, Religion};

/// How a member's email and phone are chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ContactPlan {
    /// Drawn by age (most adults have a phone, many an email).
    Drawn,
    /// A phone and an email of their own (showcase residents, so testers can register them).
    Both,
    /// Neither.
    Neither,
}

/// One member of a planned family.
#[derive(Debug, Clone)]
pub(crate) struct MemberPlan {
    pub relationship: Relationship,
    pub sex: Sex,
    pub age: u32,
    /// Days between the last birthday and the reference date; drawn when `None`.
    pub days_since_birthday: Option<u32>,
    pub marital: MaritalStatus,
    /// Born into the family (carries its surname) rather than married into it.
    pub blood: bool,
    pub birth_order: u32,
    /// KTP-el recorded; drawn by age when `None`.
    pub ktp_el: Option<bool>,
    pub life: LifeStatus,
    pub identity: IdentityStatus,
    /// For a duplicate: the regency of the other record (drawn when `None`).
    pub twin_regency: Option<u16>,
    pub contact: ContactPlan,
}

impl MemberPlan {
    fn new(relationship: Relationship, sex: Sex, age: u32, marital: MaritalStatus) -> MemberPlan {
        MemberPlan {
            relationship,
            sex,
            age,
            days_since_birthday: None,
            marital,
            blood: !matches!(relationship, Relationship::Istri | Relationship::Suami),
            birth_order: 0,
            ktp_el: None,
            life: LifeStatus::Alive,
            identity: IdentityStatus::Single,
            twin_regency: None,
            contact: ContactPlan::Drawn,
        }
    }

    fn showcase(mut self) -> MemberPlan {
        self.contact = ContactPlan::Both;
        self
    }
}

/// A planned family in a district.
#[derive(Debug, Clone)]
pub(crate) struct FamilyPlan {
    pub district: u32,
    pub religion: Option<Religion>,
    pub members: Vec<MemberPlan>,
}

use MaritalStatus::{BelumKawin, CeraiHidup, CeraiMati, Kawin};
use Relationship::{Anak, Istri, KepalaKeluarga, OrangTua, Suami};
use Sex::{Female, Male};

fn child(sex: Sex, age: u32, birth_order: u32) -> MemberPlan {
    let mut plan = MemberPlan::new(Anak, sex, age, BelumKawin);
    plan.birth_order = birth_order;
    plan
}

/// A random family in `district` with a realistic mix of households and statuses.
pub(crate) fn random_family(dice: &mut Dice, district: u32) -> FamilyPlan {
    let mut members = Vec::new();
    let sex = |dice: &mut Dice| if dice.chance(500) { Male } else { Female };
    match dice.weighted(&[(0u8, 620), (1, 100), (2, 140), (3, 80), (4, 60)]) {
        // A married couple with children, sometimes with the head's parent (3).
        kind @ (0 | 3) => {
            let married_minor = dice.chance(4);
            let head_age = if married_minor {
                dice.range(18, 25)
            } else {
                (dice.range(22, 75) + dice.range(22, 60)) / 2
            };
            let spouse_age = if married_minor {
                16
            } else {
                head_age.saturating_sub(dice.range(0, 8)).max(19)
            };
            let female_head = dice.chance(30);
            let (head_sex, spouse_rel) = if female_head {
                (Female, Suami)
            } else {
                (Male, Istri)
            };
            members.push(MemberPlan::new(KepalaKeluarga, head_sex, head_age, Kawin));
            let spouse_sex = if female_head { Male } else { Female };
            let mut spouse = MemberPlan::new(spouse_rel, spouse_sex, spouse_age, Kawin);
            if married_minor {
                // Married at 16: recorded for a KTP-el at marriage, as the law allows.
                spouse.ktp_el = Some(true);
            }
            members.push(spouse);
            let childbearing = spouse_age.min(head_age).saturating_sub(18).min(30);
            let children = if childbearing == 0 {
                0
            } else {
                dice.weighted(&[(0u32, 15), (1, 25), (2, 30), (3, 18), (4, 8), (5, 4)])
            };
            let mut ages: Vec<u32> = (0..children).map(|_| dice.range(0, childbearing)).collect();
            ages.sort_unstable_by(|a, b| b.cmp(a));
            for (order, age) in ages.into_iter().enumerate() {
                members.push(child(sex(dice), age, order as u32));
            }
            if kind == 3 {
                let age = (head_age + dice.range(20, 32)).min(98);
                members.push(MemberPlan::new(OrangTua, sex(dice), age, CeraiMati));
            }
        }
        // A single parent, widowed or divorced.
        1 => {
            let head_age = dice.range(28, 70);
            let marital = if dice.chance(500) {
                CeraiMati
            } else {
                CeraiHidup
            };
            let head_sex = if dice.chance(700) { Female } else { Male };
            members.push(MemberPlan::new(KepalaKeluarga, head_sex, head_age, marital));
            let childbearing = head_age.saturating_sub(18).min(30);
            let mut ages: Vec<u32> = (0..dice.range(1, 3))
                .map(|_| dice.range(0, childbearing))
                .collect();
            ages.sort_unstable_by(|a, b| b.cmp(a));
            for (order, age) in ages.into_iter().enumerate() {
                members.push(child(sex(dice), age, order as u32));
            }
        }
        // A young adult living alone.
        2 => {
            let marital = if dice.chance(850) {
                BelumKawin
            } else {
                CeraiHidup
            };
            members.push(MemberPlan::new(
                KepalaKeluarga,
                sex(dice),
                dice.range(18, 40),
                marital,
            ));
        }
        // An older widow or widower alone.
        _ => {
            let head_sex = if dice.chance(700) { Female } else { Male };
            members.push(MemberPlan::new(
                KepalaKeluarga,
                head_sex,
                dice.range(60, 92),
                CeraiMati,
            ));
        }
    }
    for member in &mut members {
        let old = member.age >= 60;
        if dice.chance(if old { 40 } else { 3 }) {
            member.life = LifeStatus::Deceased;
        } else if member.age >= 17 && dice.chance(4) {
            member.life = LifeStatus::Inactive;
        } else if member.age >= 17 && dice.chance(3) {
            member.identity = IdentityStatus::Duplicate;
        }
    }
    // A spouse who died leaves the other widowed.
    let spouse_died = members
        .iter()
        .any(|m| matches!(m.relationship, Istri | Suami) && m.life == LifeStatus::Deceased);
    if spouse_died && members[0].life == LifeStatus::Alive {
        members[0].marital = CeraiMati;
    }
    FamilyPlan {
        district,
        religion: None,
        members,
    }
}

/// The fixed families every population starts with (district codes from the real table).
pub(crate) fn showcase_families() -> Vec<FamilyPlan> {
    let member = |rel, sex, age, marital| MemberPlan::new(rel, sex, age, marital).showcase();
    let mut families = Vec::new();

    // Kota Probolinggo: an eligible couple, an adult son without KTP-el, a 14-year-old daughter.
    let mut son = child(Male, 19, 0).showcase();
    son.ktp_el = Some(false);
    families.push(FamilyPlan {
        district: 357_401,
        religion: Some(Religion::Islam),
        members: vec![
            member(KepalaKeluarga, Male, 45, Kawin),
            member(Istri, Female, 41, Kawin),
            son,
            child(Female, 14, 1).showcase(),
        ],
    });

    // Kabupaten Labuhanbatu Utara: a 16-year-old wife (eligible by marriage) and a baby.
    let mut wife = member(Istri, Female, 16, Kawin);
    wife.ktp_el = Some(true);
    wife.days_since_birthday = Some(10);
    families.push(FamilyPlan {
        district: 122_301,
        religion: None,
        members: vec![
            member(KepalaKeluarga, Male, 21, Kawin),
            wife,
            child(Male, 0, 0),
        ],
    });

    // Kota Payakumbuh: a deceased head, his widow, an inactive son and an eligible daughter.
    let mut head = member(KepalaKeluarga, Male, 72, Kawin);
    head.life = LifeStatus::Deceased;
    let mut inactive = child(Male, 40, 0).showcase();
    inactive.life = LifeStatus::Inactive;
    families.push(FamilyPlan {
        district: 137_601,
        religion: Some(Religion::Islam),
        members: vec![
            head,
            member(Istri, Female, 68, CeraiMati),
            inactive,
            child(Female, 35, 1).showcase(),
        ],
    });

    // Kabupaten Deli Serdang: a head with a second record in Kota Medan (duplicate identity).
    let mut duplicate = member(KepalaKeluarga, Male, 38, Kawin);
    duplicate.identity = IdentityStatus::Duplicate;
    duplicate.twin_regency = Some(1271);
    families.push(FamilyPlan {
        district: 120_701,
        religion: None,
        members: vec![
            duplicate,
            member(Istri, Female, 35, Kawin),
            child(Female, 12, 0),
        ],
    });

    // Kota Denpasar: a Hindu family, two eligible adults, an 18-year-old and a 10-year-old.
    families.push(FamilyPlan {
        district: 517_101,
        religion: Some(Religion::Hindu),
        members: vec![
            member(KepalaKeluarga, Male, 50, Kawin),
            member(Istri, Female, 47, Kawin),
            child(Female, 18, 0).showcase(),
            child(Male, 10, 1),
        ],
    });
    families
}
