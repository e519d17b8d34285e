//! Small text helpers every layer may use: the workspace's bilingual pick (Bahasa Indonesia
//! first, English second), HTML escaping for the pages the server renders, and lower-case hex
//! for ids. A leaf module: it imports nothing from the rest of the crate.

pub use ikd_core::i18n::pick;

/// Escapes text for HTML element content and quoted attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Lower-case hex.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::{escape, hex, pick};
    use ikd_core::Lang;

    #[test]
    fn escape_neutralises_markup_quotes_and_ampersands() {
        assert_eq!(
            escape("<script>alert('x')</script>"),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"
        );
        assert_eq!(escape("a \"b\" & c"), "a &quot;b&quot; &amp; c");
        assert_eq!(escape("&amp;"), "&amp;amp;");
        assert_eq!(escape("Siti Nurhaliza"), "Siti Nurhaliza");
    }

    #[test]
    fn pick_follows_the_language_and_hex_is_lower_case() {
        assert_eq!(pick(Lang::Id, "ya", "yes"), "ya");
        assert_eq!(pick(Lang::En, "ya", "yes"), "yes");
        assert_eq!(hex(&[0x0a, 0xff]), "0aff");
    }
}
