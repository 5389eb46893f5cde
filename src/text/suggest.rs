//! Comparing what people typed: "did you mean" suggestions, and the loose form
//! in which two texts count as the same.

/// `text` lowercased, with every run of whitespace as one space and none at
/// either end: "Ada  LOVELACE " and "ada lovelace" are the same person.
pub fn loose(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// The candidate closest to `word`, if it is close enough to be a likely typo.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(word, c), c))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::{closest, loose};

    #[test]
    fn loose_text_ignores_case_and_spacing() {
        assert_eq!(loose("  Ada \t LOVELACE\n"), "ada lovelace");
        assert_eq!(loose("Every  3\u{a0}Weeks"), "every 3 weeks");
        assert_ne!(loose("Ada Lovelace"), loose("AdaLovelace"));
    }

    #[test]
    fn suggests_close_keys_only() {
        let keys = ["frequency", "session_minutes", "modes", "also_via"];
        assert_eq!(closest("sesion_minutes", keys), Some("session_minutes"));
        assert_eq!(closest("mode", keys), Some("modes"));
        assert_eq!(closest("colour", keys), None);
    }
}
