//! "Did you mean" suggestions.

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
    use super::closest;

    #[test]
    fn suggests_close_keys_only() {
        let keys = ["frequency", "session_minutes", "modes", "also_via"];
        assert_eq!(closest("sesion_minutes", keys), Some("session_minutes"));
        assert_eq!(closest("mode", keys), Some("modes"));
        assert_eq!(closest("colour", keys), None);
    }
}
