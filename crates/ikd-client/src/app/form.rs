//! A form field as the screens show it while the resident types: empty (no error yet), the
//! value as it will be sent, or the core's refusal in the current language.

use ikd_core::i18n::{Lang, Localized};

use crate::views::{FieldCheck, Message, NikCheck};

/// `err` as the screens show it, in `lang`.
pub(super) fn message(err: &dyn Localized, lang: Lang) -> Message {
    Message {
        code: err.code().to_owned(),
        message: err.message(lang),
    }
}

/// A valid field, with the value as it will be sent.
pub(super) fn field_ok(value: String) -> FieldCheck {
    FieldCheck {
        empty: false,
        ok: true,
        value: Some(value),
        error: None,
    }
}

/// A field refused with `err`.
pub(super) fn field_err(err: &dyn Localized, lang: Lang) -> FieldCheck {
    FieldCheck {
        empty: false,
        ok: false,
        value: None,
        error: Some(message(err, lang)),
    }
}

/// A field with nothing typed yet: no error shown.
pub(super) fn field_empty() -> FieldCheck {
    FieldCheck {
        empty: true,
        ok: false,
        value: None,
        error: None,
    }
}

/// A field checked by `parse`: empty (no error shown) when nothing was typed (blank for trimmed
/// fields), otherwise the parsed value as it will be sent, or the parser's error.
pub(super) fn check_field<T, E: Localized>(
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
pub(super) fn nik_unknown(field: FieldCheck) -> NikCheck {
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
