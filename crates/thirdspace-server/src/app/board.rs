//! The community board: members put up offers and needs at a venue or in a city, write to a
//! post's author through the platform (no e-mail address is ever shown), renew a post before it
//! comes down, and mark it fulfilled — with someone, which proposes an exchange in the ledger.
//! The serendipity engine suggests posts to the people they fit.

use thirdspace_domain::board::{self, PostDraft, PostInput, PostKind, PostVenue};
use thirdspace_domain::exchange::{ExchangeDraft, Source};
use thirdspace_domain::mail::MailKind;
use thirdspace_domain::{text, Invalid};
use thirdspace_serendipity::board::{fit, Side};
use thirdspace_serendipity::vocabulary::shipped;
use thirdspace_store::{
    BoardConflict, BoardMessage, BookingsWhen, MailJob, NewMail, Page, Post, PostStatus, User, Where,
};
use uuid::Uuid;

use super::mails::{self, Draft};
use super::{access, profiles, AppError, AppResult};
use crate::AppState;

/// The most posts a listing shows.
pub const MAX_LISTED: u32 = 100;
/// The longest message about a post.
pub const MAX_MESSAGE_CHARS: usize = 2000;
/// The most posts suggested at once.
pub const MAX_SUGGESTED: usize = 20;

/// A post as a reader sees it: its author by name only where they allow it.
pub struct PostView {
    pub post: Post,
    pub author_name: Option<String>,
    /// Whether the reader wrote it.
    pub mine: bool,
}

async fn view(state: &AppState, viewer: Option<&User>, post: Post) -> AppResult<PostView> {
    let author_name = profiles::shown(state, viewer, post.author_id).await?.map(|p| p.display_name);
    let mine = viewer.is_some_and(|u| u.id == post.author_id);
    Ok(PostView { post, author_name, mine })
}

/// The reminders before a post comes down, each queued once for its expiry.
fn expiry_mails(post: &Post, now: i64) -> Vec<NewMail> {
    board::reminders(post.expires_at, now)
        .into_iter()
        .map(|(days, due_at)| NewMail {
            kind: MailKind::BoardExpiry,
            key: Some(format!("board_expiry:{}:{days}:{}", post.id, post.expires_at)),
            user: post.author_id,
            subject: post.id,
            due_at,
        })
        .collect()
}

/// Puts up a post; its author is reminded a week and a day before it comes down.
pub async fn put_up(state: &AppState, actor: &User, input: PostInput) -> AppResult<PostView> {
    let venue = match input.venue_id {
        Some(id) => Some(access::venue_named(state, id, "venue_id").await?),
        None => None,
    };
    let tz = venue.as_ref().map(access::time_zone).transpose()?;
    let at = venue.as_ref().zip(tz).map(|(v, time_zone)| PostVenue { city: &v.city, time_zone });
    let now = state.clock.now();
    let draft = PostDraft::parse(input, at, tz.unwrap_or(chrono_tz::UTC), now)?;
    let mut work = state.store.begin().await?;
    let done = async {
        let post = work.create_post(actor.id, &draft, now).await?;
        mails::queue(work.as_mut(), &expiry_mails(&post, now), now).await?;
        Ok(post)
    }
    .await;
    let post = work.end(done).await?;
    view(state, Some(actor), post).await
}

/// The open posts of a city or venue, newest first; of one kind when asked.
pub async fn listed(
    state: &AppState,
    viewer: Option<&User>,
    place: Where<'_>,
    kind: Option<PostKind>,
) -> AppResult<Vec<PostView>> {
    if let Where::Venue(id) = place {
        access::venue(state, id).await?;
    }
    let mut shown = Vec::new();
    for post in state.store.posts_in(place, kind, state.clock.now(), MAX_LISTED).await? {
        shown.push(view(state, viewer, post).await?);
    }
    Ok(shown)
}

/// One post; a closed or expired one only for its author.
pub async fn show(state: &AppState, viewer: Option<&User>, id: Uuid) -> AppResult<PostView> {
    let post = state.store.post(id).await?.ok_or(AppError::NotFound("post"))?;
    let standing = post.status == PostStatus::Open && post.expires_at > state.clock.now();
    if !standing && viewer.is_none_or(|u| u.id != post.author_id) {
        return Err(AppError::NotFound("post"));
    }
    view(state, viewer, post).await
}

/// The post, if `actor` wrote it.
async fn own(state: &AppState, actor: &User, id: Uuid) -> AppResult<Post> {
    let post = state.store.post(id).await?.ok_or(AppError::NotFound("post"))?;
    if post.author_id != actor.id {
        return Err(AppError::Forbidden("only the post's author may do that"));
    }
    Ok(post)
}

/// Keeps a post up for another 30 days from today (its reminders follow the new expiry).
pub async fn renew(state: &AppState, actor: &User, id: Uuid) -> AppResult<PostView> {
    let post = own(state, actor, id).await?;
    let tz = match post.venue_id {
        Some(venue) => access::time_zone(&access::venue(state, venue).await?)?,
        None => chrono_tz::UTC,
    };
    let now = state.clock.now();
    let until = board::renewed(post.expires_at, tz, now);
    let mut work = state.store.begin().await?;
    let done = async {
        let renewed = work.renew_post(id, until, now).await?;
        mails::queue(work.as_mut(), &expiry_mails(&renewed, now), now).await?;
        Ok(renewed)
    }
    .await;
    let post = work.end(done).await?;
    view(state, Some(actor), post).await
}

/// Takes a post down: fulfilled (with someone who wrote about it, which proposes an exchange —
/// the author gave what they offered, or received what they needed), or withdrawn.
pub async fn close(
    state: &AppState,
    actor: &User,
    id: Uuid,
    fulfilled: bool,
    with: Option<Uuid>,
) -> AppResult<PostView> {
    let post = own(state, actor, id).await?;
    if let Some(other) = with {
        if !fulfilled {
            return Err(Invalid::new("with_user_id", "only a fulfilled post is fulfilled with someone").into());
        }
        let wrote = state.store.correspondents(id).await?.iter().any(|(member, _)| *member == other);
        if !wrote {
            return Err(Invalid::new("with_user_id", "name someone who wrote to you about this post").into());
        }
    }
    let status = if fulfilled { PostStatus::Fulfilled } else { PostStatus::Withdrawn };
    let now = state.clock.now();
    let mut work = state.store.begin().await?;
    let done = async {
        let closed = work.close_post(id, status, with, now).await?;
        if let Some(other) = with {
            let (giver, receiver) = match post.kind {
                PostKind::Offer => (actor.id, other),
                PostKind::Need => (other, actor.id),
            };
            let draft = ExchangeDraft {
                proposer: actor.id,
                giver,
                receiver,
                tags: post.tags.clone(),
                text: format!("From the board: {}", post.title),
                venue: post.venue_id,
                source: Source::Free,
                source_id: None,
            };
            work.propose_exchange(&draft, now).await?;
        }
        Ok(closed)
    }
    .await;
    let post = work.end(done).await?;
    view(state, Some(actor), post).await
}

/// A message in a conversation, as one of its two people sees it.
pub struct MessageView {
    pub message: BoardMessage,
    pub from_me: bool,
}

/// Writes about a post: a member to its author, or its author back to a member who wrote (`to`).
/// The other side is told by e-mail, without either address shown.
pub async fn write(state: &AppState, actor: &User, id: Uuid, body: &str, to: Option<Uuid>) -> AppResult<MessageView> {
    let body = text::bounded("body", body, 1, MAX_MESSAGE_CHARS, true)?;
    let post = state.store.post(id).await?.ok_or(AppError::NotFound("post"))?;
    let now = state.clock.now();
    let (member, recipient) = if post.author_id == actor.id {
        let Some(member) = to else { return Err(AppError::Conflict(BoardConflict::OwnPost.into())) };
        let wrote = state.store.correspondents(id).await?.iter().any(|(m, _)| *m == member);
        if !wrote {
            return Err(Invalid::new("to", "reply to someone who wrote to you about this post").into());
        }
        (member, member)
    } else {
        if to.is_some_and(|t| t != post.author_id) {
            return Err(Invalid::new("to", "you write to the post's author; leave `to` out").into());
        }
        if post.status != PostStatus::Open || post.expires_at <= now {
            return Err(AppError::NotFound("post"));
        }
        (actor.id, post.author_id)
    };
    if let Err(wait) = crate::limits::message(&*state.store, actor.id, now).await? {
        return Err(AppError::Denied(super::Denial::TooManyEmails { wait }));
    }
    let message =
        BoardMessage { id: Uuid::now_v7(), post_id: id, member_id: member, from_id: actor.id, body, created_at: now };
    let mut work = state.store.begin().await?;
    let done = async {
        work.add_board_message(&message).await?;
        let tell =
            NewMail { kind: MailKind::BoardContact, key: None, user: recipient, subject: message.id, due_at: now };
        mails::queue(work.as_mut(), &[tell], now).await?;
        Ok(())
    }
    .await;
    work.end(done).await?;
    Ok(MessageView { message, from_me: true })
}

/// The conversation about a post between its author and a member: the member's own, or, for
/// the author, the one with `with`.
pub async fn conversation(state: &AppState, actor: &User, id: Uuid, with: Option<Uuid>) -> AppResult<Vec<MessageView>> {
    let post = state.store.post(id).await?.ok_or(AppError::NotFound("post"))?;
    let member = if post.author_id == actor.id {
        with.ok_or_else(|| Invalid::new("with", "name the member whose conversation to read"))?
    } else {
        actor.id
    };
    let messages = state.store.conversation(id, member).await?;
    Ok(messages.into_iter().map(|message| MessageView { from_me: message.from_id == actor.id, message }).collect())
}

/// Someone who wrote to the author about their post.
pub struct Correspondent {
    pub user_id: Uuid,
    pub name: Option<String>,
    pub latest: i64,
}

/// Who wrote to the author about their post, latest first.
pub async fn correspondents(state: &AppState, actor: &User, id: Uuid) -> AppResult<Vec<Correspondent>> {
    own(state, actor, id).await?;
    let mut found = Vec::new();
    for (user_id, latest) in state.store.correspondents(id).await? {
        let name = profiles::shown(state, Some(actor), user_id).await?.map(|p| p.display_name);
        found.push(Correspondent { user_id, name, latest });
    }
    Ok(found)
}

/// A post suggested to someone, and why, in their words.
pub struct Suggested {
    pub view: PostView,
    pub reason: String,
}

/// The open posts that fit `actor`, best first: needs for what they offer and offers of what
/// they look for, in the cities where they book seats.
pub async fn suggestions(state: &AppState, actor: &User) -> AppResult<Vec<Suggested>> {
    let Some(me) = state.store.profile(actor.id).await? else { return Ok(Vec::new()) };
    let now = state.clock.now();
    let page = Page::new(1, 20);
    let mut cities: Vec<String> = Vec::new();
    for when in [BookingsWhen::Upcoming, BookingsWhen::Past] {
        for b in state.store.bookings_of(actor.id, when, now, page).await?.items {
            if let Some(v) = state.store.venue(b.venue_id).await? {
                let key = thirdspace_domain::venue::city_key(&v.city);
                if !cities.contains(&key) {
                    cities.push(key);
                }
            }
        }
    }
    let vocabulary = shipped();
    let mut fits = Vec::new();
    for post in state.store.open_posts(&cities, now, 500).await? {
        if post.author_id == actor.id {
            continue;
        }
        let side = match post.kind {
            PostKind::Offer => Side::Offer,
            PostKind::Need => Side::Need,
        };
        if let Some(f) = fit(vocabulary, side, &post.tags, &me.offers, &me.seeking) {
            fits.push((f, post));
        }
    }
    fits.sort_by(|a, b| b.0.score.total_cmp(&a.0.score).then(b.1.created_at.cmp(&a.1.created_at)));
    let mut suggested = Vec::new();
    for (f, post) in fits.into_iter().take(MAX_SUGGESTED) {
        let view = view(state, Some(actor), post).await?;
        let who = view.author_name.clone().unwrap_or_else(|| "Someone".to_owned());
        let reason = match view.post.kind {
            PostKind::Need => format!("{who} is looking for {}, and you offer {}", f.post_tag, f.their_tag),
            PostKind::Offer => format!("{who} offers {}, which you are looking for ({})", f.post_tag, f.their_tag),
        };
        suggested.push(Suggested { view, reason });
    }
    Ok(suggested)
}

/// The words of an e-mail about the board, from what is true now.
pub async fn letter(state: &AppState, job: &MailJob, user: &User, now: i64) -> AppResult<Draft> {
    let base = &state.config.public_url;
    match job.kind {
        MailKind::BoardContact => {
            let Some(m) = state.store.board_message(job.subject).await? else { return Ok(Draft::Skip) };
            let Some(post) = state.store.post(m.post_id).await? else { return Ok(Draft::Skip) };
            let from = profiles::shown(state, Some(user), m.from_id).await?.map(|p| p.display_name);
            let from = from.as_deref().unwrap_or("A member");
            let whose = if post.author_id == user.id { "your post" } else { "the post" };
            Ok(Draft::write(
                format!("About {whose}: {}", post.title),
                format!(
                    "{from} writes about {whose} \"{title}\":\n\n{body}\n\nReply on thirdspace (your e-mail address \
                     stays yours): {base}/board/{id}",
                    title = post.title,
                    body = m.body,
                    id = post.id
                ),
            ))
        }
        MailKind::BoardExpiry => {
            let Some(post) = state.store.post(job.subject).await? else { return Ok(Draft::Skip) };
            let before = post.expires_at - job.due_at;
            let reminded = board::REMINDERS.iter().any(|days| days * 86_400 == before);
            if post.status != PostStatus::Open || post.expires_at <= now || !reminded {
                return Ok(Draft::Skip);
            }
            let when = if before <= 86_400 { "tomorrow" } else { "in a week" };
            Ok(Draft::write(
                format!("Your post comes down {when}: {}", post.title),
                format!(
                    "Your post \"{title}\" comes down {when}. Still looking or offering? Renew it for another 30 \
                     days; done? Mark it fulfilled, and say with whom: {base}/board/{id}",
                    title = post.title,
                    id = post.id
                ),
            ))
        }
        _ => Ok(Draft::Skip),
    }
}
