//! The e-mails members get: which ones a change queues (in the change's own unit of work, so an
//! e-mail exists exactly when what it tells of was committed), what each says when its time comes
//! (written then, from what is true then: a withdrawn answer is not reminded, a person appears only
//! as they allow now), and each member's switches.

use std::collections::BTreeSet;

use thirdspace_domain::booking::{Approval, BookingStatus};
use thirdspace_domain::mail::{self, MailKind};
use thirdspace_store::{Booking, GatheringDate, IntroAnswer, MailJob, NewMail, Rsvp, StoreResult, User, Work};
use uuid::Uuid;

use super::{access, profiles, AppResult};
use crate::mail::{File, Letter};
use crate::AppState;

/// What a queued e-mail comes to when its time comes.
#[derive(Debug)]
pub enum Composed {
    Send(Letter),
    /// No longer true, or switched off: not sent.
    Skip,
    /// Not yet: what it tells of moved later.
    Later(i64),
}

/// An e-mail's own words, before its greeting and the line about switching it off.
#[derive(Debug)]
pub enum Draft {
    Write { subject: String, body: String, attachment: Option<File> },
    Skip,
    Later(i64),
}

impl Draft {
    pub fn write(subject: String, body: String) -> Self {
        Self::Write { subject, body, attachment: None }
    }
}

/// Queues `mails` in the unit of work of the change they tell of.
pub async fn queue(work: &mut dyn Work, mails: &[NewMail], now: i64) -> StoreResult<()> {
    work.queue_mails(mails, now).await
}

/// The e-mails a booking made (or approved) queues: its confirmation, once booked, and the
/// reminder the evening before.
pub fn for_booking(b: &Booking, tz: chrono_tz::Tz, now: i64) -> Vec<NewMail> {
    let mut mails = Vec::new();
    let booked = b.status == BookingStatus::Booked && b.approval != Some(Approval::Pending);
    if booked {
        mails.push(NewMail {
            kind: MailKind::BookingConfirmed,
            key: Some(format!("booking_confirmed:{}", b.id)),
            user: b.user_id,
            subject: b.id,
            due_at: now,
        });
    }
    if let Some(due) = mail::evening_before(b.starts_at, tz, now).filter(|_| b.status == BookingStatus::Booked) {
        mails.push(NewMail {
            kind: MailKind::BookingReminder,
            key: Some(format!("booking_reminder:{}", b.id)),
            user: b.user_id,
            subject: b.id,
            due_at: due,
        });
    }
    mails
}

/// The e-mails an answer for a date queues: its confirmation and the reminder the day before
/// (sent only if the person is going then).
pub fn for_answer(rsvp: &Rsvp, date: &GatheringDate, now: i64) -> Vec<NewMail> {
    let mut mails = vec![NewMail {
        kind: MailKind::RsvpConfirmed,
        key: None,
        user: rsvp.user_id,
        subject: rsvp.date_id,
        due_at: now,
    }];
    mails.extend(reminder(rsvp, date, now));
    mails
}

/// The reminder of a date for whoever answered it, once per person and date.
pub fn reminder(rsvp: &Rsvp, date: &GatheringDate, now: i64) -> Option<NewMail> {
    mail::day_before(date.starts_at, now).map(|due| NewMail {
        kind: MailKind::GatheringReminder,
        key: Some(format!("gathering_reminder:{}:{}", rsvp.date_id, rsvp.user_id)),
        user: rsvp.user_id,
        subject: rsvp.date_id,
        due_at: due,
    })
}

/// The e-mails places offered from the line queue: one each, with its deadline.
pub fn for_offers(offered: &[Rsvp], now: i64) -> Vec<NewMail> {
    offered
        .iter()
        .map(|r| NewMail {
            kind: MailKind::PlaceOffered,
            key: Some(format!("place_offered:{}:{}:{}", r.date_id, r.user_id, r.offered_until.unwrap_or(now))),
            user: r.user_id,
            subject: r.date_id,
            due_at: now,
        })
        .collect()
}

/// One e-mail to each of `people` about `subject`, once per person.
pub fn to_each(kind: MailKind, people: &[Uuid], subject: Uuid, now: i64) -> Vec<NewMail> {
    people
        .iter()
        .map(|&user| NewMail {
            kind,
            key: Some(format!("{}:{subject}:{user}", kind.as_str())),
            user,
            subject,
            due_at: now,
        })
        .collect()
}

/// The kinds of e-mail `user` gets: every kind but those they switched off.
pub async fn settings(state: &AppState, user: &User) -> AppResult<Vec<(MailKind, bool)>> {
    let off: BTreeSet<MailKind> = state.store.mail_off(user.id).await?.into_iter().collect();
    Ok(MailKind::ALL.into_iter().map(|k| (k, !off.contains(&k))).collect())
}

/// Switches `user`'s e-mails: the kinds in `off` are not sent to them any more; the rest are.
pub async fn set_settings(state: &AppState, user: &User, off: &[MailKind]) -> AppResult<Vec<(MailKind, bool)>> {
    state.store.set_mail_off(user.id, off).await?;
    settings(state, user).await
}

pub fn local(tz: chrono_tz::Tz, t: i64, pattern: &str) -> String {
    chrono::DateTime::from_timestamp(t, 0).map(|t| t.with_timezone(&tz).format(pattern).to_string()).unwrap_or_default()
}

pub const WHEN: &str = "%A %-d %B at %H:%M";

/// Writes the e-mail `job` stands for, from what is true now.
pub async fn compose(state: &AppState, job: &MailJob) -> AppResult<Composed> {
    let Some(user) = state.store.user(job.user).await? else { return Ok(Composed::Skip) };
    if state.store.mail_off(user.id).await?.contains(&job.kind) {
        return Ok(Composed::Skip);
    }
    let now = state.clock.now();
    let base = &state.config.public_url;
    let draft = match job.kind {
        MailKind::BookingConfirmed | MailKind::BookingReminder => booking_letter(state, job, &user, now).await?,
        MailKind::RsvpConfirmed
        | MailKind::PlaceOffered
        | MailKind::GatheringReminder
        | MailKind::DateCancelled
        | MailKind::DateChanged
        | MailKind::OrganiserMessage => super::gatherings::letter(state, job, &user, now).await?,
        MailKind::IntroAccepted => intro_letter(state, job, &user).await?,
        MailKind::BoardContact | MailKind::BoardExpiry => super::board::letter(state, job, &user, now).await?,
        MailKind::WebhookFailing => super::webhooks::letter(state, job, &user).await?,
    };
    Ok(match draft {
        Draft::Write { subject, body, attachment } => Composed::Send(Letter {
            to: user.email.clone(),
            subject,
            body: format!(
                "Hello {},\n\n{body}\n\n--\nYou can switch e-mails like this one off in your settings: {base}/me/emails\n",
                user.display_name
            ),
            attachment,
        }),
        Draft::Skip => Composed::Skip,
        Draft::Later(at) => Composed::Later(at),
    })
}

async fn booking_letter(state: &AppState, job: &MailJob, user: &User, now: i64) -> AppResult<Draft> {
    let Some(b) = state.store.booking(job.subject).await? else { return Ok(Draft::Skip) };
    if b.user_id != user.id
        || b.status != BookingStatus::Booked
        || b.approval == Some(Approval::Pending)
        || b.starts_at <= now
    {
        return Ok(Draft::Skip);
    }
    let Some(venue) = state.store.venue(b.venue_id).await? else { return Ok(Draft::Skip) };
    let tz = access::time_zone(&venue)?;
    let when = format!("{} to {}", local(tz, b.starts_at, WHEN), local(tz, b.ends_at, "%H:%M"));
    let base = &state.config.public_url;
    Ok(match job.kind {
        MailKind::BookingConfirmed => {
            let ics = crate::calendar::booking(&b, &venue, base, now).map(|e| File {
                name: format!("thirdspace-{}.ics", b.date),
                content_type: "text/calendar; charset=utf-8; method=PUBLISH".to_owned(),
                content: crate::calendar::file(e),
            });
            Draft::Write {
                subject: format!("Your seat at {}", venue.name),
                body: format!(
                    "Your seat at {venue} is booked for {when}.\nYour focus: {focus}\nYou offer: {pledge}\n\n\
                     The calendar file is attached. Check in with the QR code on the venue's screen.\n\
                     Your booking: {base}/bookings/{id}",
                    venue = venue.name,
                    focus = b.focus,
                    pledge = b.pledge,
                    id = b.id
                ),
                attachment: ics,
            }
        }
        _ => Draft::write(
            format!("Tomorrow at {}", venue.name),
            format!(
                "A reminder: your seat at {venue} ({address}) is booked for {when}.\nYou offer: {pledge}\n\n\
                 Can't make it? Cancel, and the seat goes to someone else: {base}/bookings/{id}",
                venue = venue.name,
                address = venue.address,
                pledge = b.pledge,
                id = b.id
            ),
        ),
    })
}

async fn intro_letter(state: &AppState, job: &MailJob, user: &User) -> AppResult<Draft> {
    let Some(intro) = state.store.intro(job.subject).await? else { return Ok(Draft::Skip) };
    let Some((other, mine, theirs)) = intro.sides(user.id) else { return Ok(Draft::Skip) };
    if mine != IntroAnswer::Accepted || theirs != IntroAnswer::Accepted {
        return Ok(Draft::Skip);
    }
    let name = profiles::shown(state, Some(user), other).await?.map(|p| p.display_name);
    let who = name.as_deref().unwrap_or("the person you were introduced to");
    Ok(Draft::write(
        "You both said yes".to_owned(),
        format!(
            "You and {who} both said yes to meeting. Find each other, and afterwards say how it went: {base}/today",
            base = state.config.public_url
        ),
    ))
}
