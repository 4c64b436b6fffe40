//! Names sorted in French order, the same on SQLite and PostgreSQL: « Émilie », « eric »,
//! « Éric », « Zoé » — accents and case only break ties, as in a French dictionary. The
//! databases' own orders differ (byte order on SQLite, the server's locale on PostgreSQL),
//! so lists of names are sorted here, by ICU's collator (already built for the documents'
//! typesetting, so it costs nothing more to compile).

use std::cmp::Ordering;
use std::sync::LazyLock;

use icu_collator::CollatorBorrowed;
use icu_collator::options::CollatorOptions;
use icu_locale_core::locale;

static FRENCH: LazyLock<CollatorBorrowed<'static>> = LazyLock::new(|| {
    CollatorBorrowed::try_new(locale!("fr").into(), CollatorOptions::default())
        .expect("the French collation is compiled in")
});

/// French order of two texts.
pub fn compare(a: &str, b: &str) -> Ordering {
    FRENCH.compare(a, b)
}

/// Sorts by a name, in French order; equal names keep their order (the caller's tie-break).
pub fn sort_by_key<T>(items: &mut [T], key: impl Fn(&T) -> &str) {
    items.sort_by(|a, b| compare(key(a), key(b)));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_dictionary_order() {
        let mut names = vec![
            "Zoé",
            "Éric",
            "eric",
            "Émilie",
            "Durand",
            "de la Tour",
            "Œuvre",
            "Oeuf",
            "LEFÈVRE",
            "LE CŒUR",
        ];
        sort_by_key(&mut names, |n| n);
        assert_eq!(
            names,
            [
                "de la Tour",
                "Durand",
                "Émilie",
                "eric",
                "Éric",
                "LE CŒUR",
                "LEFÈVRE",
                "Oeuf",
                "Œuvre",
                "Zoé"
            ]
        );
    }
}
