//! Profiles as the serendipity engine sees them.

use thirdspace_domain::profile::Visibility;
use thirdspace_serendipity::person::{terms, Person};
use thirdspace_serendipity::vocabulary::Vocabulary;
use thirdspace_store::Profile;

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
