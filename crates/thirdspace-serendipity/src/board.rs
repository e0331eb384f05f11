//! Board posts for the people they fit: a need for what someone offers, an offer of what someone
//! looks for, scored by how near the post's tags are to theirs in the vocabulary.

use crate::closeness::{neighbourhood, Link};
use crate::vocabulary::{Term, Vocabulary};

/// What a post asks or gives, as the matcher reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The post offers its tags: it fits people who look for them.
    Offer,
    /// The post asks for its tags: it fits people who offer them.
    Need,
}

/// Why a post fits someone: its score and the nearest pair of tags (the post's, theirs) with how
/// they are linked.
#[derive(Debug, Clone, PartialEq)]
pub struct Fit {
    pub score: f32,
    pub post_tag: String,
    pub their_tag: String,
    pub link: Link,
}

/// How well a post with `tags` on `side` fits someone who offers `offers` and looks for `seeks`:
/// the sum over the post's tags of the nearest of theirs (an exact tag 1, a broader or narrower
/// one less, a related one a little), or `None` when nothing is near.
pub fn fit(vocabulary: &Vocabulary, side: Side, tags: &[String], offers: &[String], seeks: &[String]) -> Option<Fit> {
    let theirs = match side {
        Side::Offer => seeks,
        Side::Need => offers,
    };
    let their_terms: Vec<(Term, &String)> =
        theirs.iter().filter_map(|t| vocabulary.normalise(t).map(|term| (term, t))).collect();
    let mut score = 0.0;
    let mut best: Option<Fit> = None;
    for tag in tags {
        let Some(term) = vocabulary.normalise(tag) else { continue };
        let near = neighbourhood(vocabulary, &term);
        let found = their_terms
            .iter()
            .filter_map(|(theirs, raw)| {
                near.iter().find(|(n, _, _)| n == theirs).map(|(_, weight, link)| (*weight, *link, *raw))
            })
            .max_by(|a, b| a.0.total_cmp(&b.0));
        if let Some((weight, link, raw)) = found {
            score += weight;
            if best.as_ref().is_none_or(|b| weight > b.score) {
                best = Some(Fit { score: weight, post_tag: tag.clone(), their_tag: raw.clone(), link });
            }
        }
    }
    best.map(|b| Fit { score, ..b })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vocabulary::shipped;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|t| (*t).to_owned()).collect()
    }

    #[test]
    fn a_need_fits_those_who_offer_it_and_an_offer_those_who_look_for_it() {
        let v = shipped();
        let need = fit(v, Side::Need, &s(&["Bookkeeping"]), &s(&["bookkeeping"]), &[]).expect("offered");
        assert_eq!((need.score, need.link, need.their_tag.as_str()), (1.0, Link::Exact, "bookkeeping"));
        assert!(fit(v, Side::Need, &s(&["bookkeeping"]), &[], &s(&["bookkeeping"])).is_none(), "they look for it too");
        let offer = fit(v, Side::Offer, &s(&["bookkeeping"]), &[], &s(&["Bookkeeping"])).expect("sought");
        assert_eq!(offer.score, 1.0);
        assert!(fit(v, Side::Offer, &s(&["bookkeeping"]), &s(&["bookkeeping"]), &[]).is_none());
    }

    #[test]
    fn nearer_tags_score_more_and_every_tag_of_the_post_counts() {
        let v = shipped();
        let exact = fit(v, Side::Need, &s(&["python"]), &s(&["python"]), &[]).expect("exact").score;
        let two =
            fit(v, Side::Need, &s(&["python", "bookkeeping"]), &s(&["python", "bookkeeping"]), &[]).expect("two").score;
        assert!(two > exact, "{two} > {exact}");
        let tie = fit(v, Side::Need, &s(&["python", "bookkeeping"]), &s(&["bookkeeping", "python"]), &[]).expect("two");
        assert_eq!(tie.post_tag, "python", "of two as near, the post's first names the reason");
        assert!(fit(v, Side::Need, &s(&["knitting circles"]), &s(&["python"]), &[]).is_none(), "nothing near");
        assert!(fit(v, Side::Need, &[], &s(&["python"]), &[]).is_none());
    }

    #[test]
    fn the_reason_names_the_nearest_pair_whatever_the_order_of_the_tags() {
        let v = shipped();
        for tags in [["tax", "vat"], ["vat", "tax"]] {
            let f = fit(v, Side::Need, &s(&tags), &s(&["VAT"]), &[]).expect("near");
            assert_eq!((f.post_tag.as_str(), f.their_tag.as_str(), f.link), ("vat", "VAT", Link::Exact), "{tags:?}");
            assert!(f.score > 1.0 && f.score < 2.0, "an exact tag and a near one: {}", f.score);
        }
        let near = fit(v, Side::Need, &s(&["tax"]), &s(&["vat", "knitting"]), &[]).expect("one step");
        assert_eq!((near.their_tag.as_str(), near.link), ("vat", Link::Narrower));
        assert!(near.score < 1.0);
    }
}
