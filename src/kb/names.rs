//! Names as people write them: matched ignoring case, spacing and the accents
//! of Latin letters.

/// Lowercases and collapses whitespace, for matching names as people write them.
pub fn normalize(name: &str) -> String {
    if !name.is_ascii() {
        return normalize_any(name);
    }
    // ASCII (all but a few names): one pass, one allocation, the same text.
    let mut out = String::with_capacity(name.len());
    for word in name.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(word.bytes().map(|b| char::from(b.to_ascii_lowercase())));
    }
    out
}

/// [`normalize`] for any text: words joined by one space, lowercased, and
/// the accents of Latin letters dropped, as reports in French, Spanish,
/// Portuguese, Italian or German often write terms without them
/// (`NECROLYSE EPIDERMIQUE TOXIQUE` for `nécrolyse épidermique toxique`).
pub(super) fn normalize_any(name: &str) -> String {
    let lower = name
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    let mut out = String::with_capacity(lower.len());
    for c in lower.chars() {
        match unaccented(c) {
            Some(plain) => out.push_str(plain),
            // Combining accents (a decomposed `é`) go with their letter.
            None if ('\u{300}'..='\u{36f}').contains(&c) => {}
            None => out.push(c),
        }
    }
    out
}

/// The unaccented spelling of a lowercase accented Latin letter.
fn unaccented(c: char) -> Option<&'static str> {
    Some(match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => "a",
        'ç' | 'ć' | 'č' => "c",
        'ď' => "d",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ė' | 'ę' | 'ě' => "e",
        'ì' | 'í' | 'î' | 'ï' | 'ī' | 'į' | 'ı' => "i",
        'ł' => "l",
        'ñ' | 'ń' | 'ň' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' => "o",
        'ř' => "r",
        'ś' | 'š' => "s",
        'ť' => "t",
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' | 'ų' => "u",
        'ý' | 'ÿ' => "y",
        'ź' | 'ż' | 'ž' => "z",
        'æ' => "ae",
        'œ' => "oe",
        'ß' => "ss",
        _ => return None,
    })
}

/// Whether `normalize(name) == normalized`, without building the normalized
/// text: lookups compare a case's term with every name of the knowledge base.
/// ASCII names (all but a few) are compared word by word; any other name is
/// normalized, so the answer is always exactly `normalize`'s.
pub fn normalizes_to(name: &str, normalized: &str) -> bool {
    if !name.is_ascii() {
        return normalize(name) == normalized;
    }
    let mut want = normalized.bytes();
    for (i, word) in name.split_whitespace().enumerate() {
        if i > 0 && want.next() != Some(b' ') {
            return false;
        }
        if !word
            .bytes()
            .all(|b| want.next() == Some(b.to_ascii_lowercase()))
        {
            return false;
        }
    }
    want.next().is_none()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The one-pass normalization of ASCII text gives what the general one gives.
        #[test]
        fn normalize_of_ascii_is_that_of_any_text(
            a in "[ \t\n\x0b\x0c\rAbZz09-]{0,12}",
        ) {
            prop_assert_eq!(normalize(&a), normalize_any(&a));
        }

        /// The allocation-free comparison answers exactly as comparing normalized texts.
        #[test]
        fn normalizes_to_agrees_with_normalize(
            a in "[ \t\n\x0b\x0cAbZz\u{3a3}\u{130}\u{a0}-]{0,8}",
            b in "[ \t\n\x0b\x0cAbZz\u{3a3}\u{130}\u{a0}-]{0,8}",
        ) {
            let nb = normalize(&b);
            prop_assert_eq!(normalizes_to(&a, &nb), normalize(&a) == nb);
            prop_assert!(normalizes_to(&a, &normalize(&a)));
        }
    }

    #[test]
    fn normalizes_to_examples() {
        assert!(normalizes_to(
            "  Stevens-Johnson   Syndrome ",
            "stevens-johnson syndrome"
        ));
        assert!(!normalizes_to(
            "Stevens-Johnson",
            "stevens-johnson syndrome"
        ));
        assert!(!normalizes_to(
            "Stevens-Johnson syndrome x",
            "stevens-johnson syndrome"
        ));
        assert!(normalizes_to(
            "\u{3a3}A\u{3a3}",
            &normalize("\u{3a3}A\u{3a3}")
        ));
    }

    #[test]
    fn accents_and_case_do_not_stop_a_match() {
        assert_eq!(
            normalize("NÉCROLYSE  ÉPIDERMIQUE toxique"),
            "necrolyse epidermique toxique"
        );
        assert_eq!(normalize("Angio-Œdème"), "angio-oedeme");
        // A decomposed accent (e + U+0301) reads as the composed one.
        assert_eq!(normalize("ne\u{301}crolyse"), normalize("nécrolyse"));
        assert_eq!(normalize("Quincke-Ödem"), "quincke-odem");
        assert!(normalizes_to(
            "nécrolyse épidermique toxique",
            "necrolyse epidermique toxique"
        ));
    }
}
