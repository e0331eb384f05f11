//! Profiles as the serendipity engine sees them.

use thirdspace_domain::profile::Visibility;
use thirdspace_serendipity::person::{terms, Person};
use thirdspace_serendipity::route::{Candidate, Help};
use thirdspace_serendipity::score::{Intro, Reason};
use thirdspace_serendipity::vocabulary::Vocabulary;
use thirdspace_store::{Helping, NewIntro, Profile};
use uuid::Uuid;

/// The engine's view of a profile, with today's focus as part of what they look for; hidden
/// people are never suggested, people not open to meet neither.
pub fn person(vocabulary: &Vocabulary, profile: &Profile, focus: Option<&str>) -> Person {
    let mut p =
        Person::new(vocabulary, profile.user_id.as_u128(), &profile.display_name, &profile.offers, &profile.seeking);
    p.need_text = [profile.seeking_text.as_deref(), focus].into_iter().flatten().collect::<Vec<_>>().join(" ");
    p.interests = terms(vocabulary, &profile.interests);
    p.field = profile.field.clone();
    p.open_to_meet = profile.open_to_meet;
    p.visible = profile.visibility != Visibility::Hidden;
    p
}

/// Someone who might answer a question: their offers, the words of their headline and bio and of
/// what they helped on, and each time they helped lately, with its topics.
pub fn candidate(vocabulary: &Vocabulary, profile: &Profile, helping: &Helping) -> Candidate {
    let helped_on = helping.topics.join(" ");
    Candidate {
        offers: terms(vocabulary, &profile.offers),
        text: [profile.headline.as_deref().unwrap_or(""), profile.bio.as_deref().unwrap_or(""), &helped_on].join(" "),
        helps: helping.latest.iter().map(|h| Help { at: h.at, topics: terms(vocabulary, &h.topics) }).collect(),
        helped: helping.times,
    }
}

/// The engine's intros among `people`, ready to record, each reason kept as what matched (see
/// [`read_reason`]).
pub fn new_intros(vocabulary: &Vocabulary, people: &[Person], intros: &[Intro], venue: Option<Uuid>) -> Vec<NewIntro> {
    intros
        .iter()
        .map(|i| NewIntro {
            venue,
            a: Uuid::from_u128(people[i.a].id),
            b: Uuid::from_u128(people[i.b].id),
            score: i.score,
            reason: serde_json::to_string(&i.reason(vocabulary, people)).unwrap_or_default(),
        })
        .collect()
}

/// A stored reason written out for `reader` (one of the two, spoken to as "you"; `None` for a
/// room or a host), each other person called by `name` as the reader may see them now. `None`
/// for a reason stored as a finished sentence by an earlier version.
pub fn read_reason(stored: &str, reader: Option<Uuid>, name: impl Fn(Uuid) -> String) -> Option<String> {
    let reason: Reason = serde_json::from_str(stored).ok()?;
    Some(reason.read_by(reader.map(|r| r.as_u128()), |id| name(Uuid::from_u128(id))))
}

/// How a reason calls someone the reader may see: by their first name.
pub fn first_name(display_name: &str) -> String {
    display_name.split_whitespace().next().unwrap_or(display_name).to_owned()
}

/// How a reason calls someone the reader may not see.
pub const SOMEONE: &str = "someone";
