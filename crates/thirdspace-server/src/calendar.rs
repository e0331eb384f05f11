//! Calendar files and feeds (iCalendar, RFC 5545, with RFC 7986's `REFRESH-INTERVAL`): a seat
//! booked, a gathering's dates. Times are written in UTC, so every calendar places them right
//! across changes of the clocks; `UID`s are the ids of what they show, so they stay stable.

use icalendar::{Calendar, Component, Event, EventLike, EventStatus};
use thirdspace_domain::booking::BookingStatus;
use thirdspace_store::{Booking, Gathering, GatheringDate, Venue};

fn instant(t: i64) -> Option<chrono::DateTime<chrono::Utc>> {
    chrono::DateTime::from_timestamp(t, 0)
}

/// A booked seat as an event; a cancelled or released one is marked cancelled.
pub fn booking(b: &Booking, venue: &Venue, base: &str, now: i64) -> Option<Event> {
    let status = match b.status {
        BookingStatus::Cancelled | BookingStatus::Released => EventStatus::Cancelled,
        _ => EventStatus::Confirmed,
    };
    Some(
        Event::new()
            .uid(&format!("{}@thirdspace", b.id))
            .timestamp(instant(now)?)
            .starts(instant(b.starts_at)?)
            .ends(instant(b.ends_at)?)
            .summary(&format!("Seat at {}", venue.name))
            .location(&format!("{}, {}, {}", venue.address, venue.city, venue.country))
            .description(&format!(
                "Focus: {}\nPledge: {}\nCheck in with the QR code on the venue's screen.\n{base}/bookings/{}",
                b.focus, b.pledge, b.id
            ))
            .status(status)
            .done(),
    )
}

/// One date of a gathering as an event: its `SEQUENCE` is raised each time the date changes, and
/// a cancelled date keeps its `UID` with `STATUS:CANCELLED`. `address` is given only to people who
/// may see it; the city is shown otherwise.
pub fn gathering_date(g: &Gathering, d: &GatheringDate, address: Option<&str>, base: &str, now: i64) -> Option<Event> {
    let mut about = g.description.clone().unwrap_or_default();
    if !about.is_empty() {
        about.push_str("\n\n");
    }
    about.push_str(&format!("{} in {}. {base}/gatherings/{}", g.kind.words(), g.city, g.id));
    let status = if d.cancelled_at.is_some() { EventStatus::Cancelled } else { EventStatus::Confirmed };
    Some(
        Event::new()
            .uid(&format!("{}@thirdspace", d.id))
            .timestamp(instant(now)?)
            .starts(instant(d.starts_at)?)
            .ends(instant(d.ends_at)?)
            .summary(&g.title)
            .location(address.unwrap_or(&g.city))
            .description(&about)
            .sequence(d.sequence)
            .status(status)
            .done(),
    )
}

/// A calendar of `events` named `name`, to be read again every hour.
pub fn feed(name: &str, events: impl IntoIterator<Item = Event>) -> String {
    let mut calendar = Calendar::new();
    calendar.name(name).ttl(&chrono::Duration::hours(1));
    for event in events {
        calendar.push(event);
    }
    calendar.done().to_string()
}

/// One event as a calendar file.
pub fn file(event: Event) -> String {
    Calendar::new().push(event).done().to_string()
}
