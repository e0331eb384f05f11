//! The community board in the browser: a city's open offers and needs, putting one up (every
//! problem shown at once, next to its field), the posts suggested to a member, and a post's page,
//! where a member writes to its author and the author answers, renews it, marks it fulfilled
//! (with someone who wrote) or withdraws it. Nobody's e-mail address is ever shown.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use chrono::NaiveDate;
use serde::Deserialize;
use thirdspace_domain::board::{Category, PostDraft, PostInput, PostKind};
use thirdspace_domain::{Invalid, Invalids};
use thirdspace_store::{BoardConflict, Conflict, Post, PostStatus, User, Where};
use uuid::Uuid;

use super::gatherings::default_city;
use super::{failed, message, render, status_of, to_login, Errors, FormData, Labels, Nav, Params, Visitor};
use crate::app::board::{self, MessageView, PostView, MAX_MESSAGE_CHARS};
use crate::app::{access, gatherings, AppError};
use crate::AppState;

/// The most suggestions the board shows at once.
const SUGGESTED_SHOWN: usize = 5;

/// A kind of post, as a label.
fn kind_name(kind: PostKind) -> &'static str {
    match kind {
        PostKind::Offer => "Offer",
        PostKind::Need => "Need",
    }
}

/// Where a post is and the time zone its days are counted in: its venue's, else UTC.
struct Place {
    /// The venue's page and name.
    venue: Option<(Uuid, String)>,
    tz: chrono_tz::Tz,
}

/// Finds the places of posts, each venue read once.
#[derive(Default)]
struct Places(HashMap<Uuid, Option<(String, chrono_tz::Tz)>>);

impl Places {
    async fn of(&mut self, state: &AppState, post: &Post) -> Result<Place, AppError> {
        let Some(id) = post.venue_id else { return Ok(Place { venue: None, tz: chrono_tz::UTC }) };
        let found = match self.0.get(&id) {
            Some(found) => found.clone(),
            None => {
                let found = match access::venue(state, id).await {
                    Ok(v) => Some((v.name.clone(), access::time_zone(&v)?)),
                    Err(AppError::NotFound(_)) => None,
                    Err(e) => return Err(e),
                };
                self.0.insert(id, found.clone());
                found
            }
        };
        Ok(match found {
            Some((name, tz)) => Place { venue: Some((id, name)), tz },
            None => Place { venue: None, tz: chrono_tz::UTC },
        })
    }
}

/// A local day, in words: "Thursday 24 December 2026".
fn day(t: i64, tz: chrono_tz::Tz) -> String {
    chrono::DateTime::from_timestamp(t, 0)
        .map(|t| t.with_timezone(&tz).format("%A %-d %B %Y").to_string())
        .unwrap_or_default()
}

/// A post as a listing and its own page show it.
struct Listed {
    id: Uuid,
    kind: &'static str,
    category: &'static str,
    title: String,
    tags: Vec<String>,
    /// The venue it is at: its page and name.
    venue: Option<(Uuid, String)>,
    city: String,
    /// Its author as they allow the reader to see them.
    author: String,
    /// "Thursday 24 December 2026".
    comes_down: String,
}

impl Listed {
    async fn of(state: &AppState, places: &mut Places, view: &PostView) -> Result<Self, AppError> {
        let p = &view.post;
        let place = places.of(state, p).await?;
        Ok(Self {
            id: p.id,
            kind: kind_name(p.kind),
            category: p.category.words(),
            title: p.title.clone(),
            tags: p.tags.clone(),
            venue: place.venue,
            city: p.city.clone(),
            author: view.author_name.clone().unwrap_or_else(|| "A member".to_owned()),
            comes_down: day(p.expires_at, place.tz),
        })
    }
}

/// A post suggested to the reader, and why.
struct Suggestion {
    post: Listed,
    reason: String,
}

#[derive(Deserialize, Default)]
struct BrowseQuery {
    #[serde(default)]
    city: String,
    #[serde(default)]
    kind: String,
}

/// The post form as typed.
#[derive(Deserialize, Default)]
struct PostForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    tags: String,
    #[serde(default)]
    city: String,
    #[serde(default)]
    expires_on: String,
    #[serde(default)]
    csrf: String,
}

/// The form's own reading of what was typed: the input, what did not read, and whether the last
/// day did (when not, the board's rules do not judge the form's stand-in for it).
struct Read {
    input: PostInput,
    invalid: Invalids,
    day_unread: bool,
}

impl PostForm {
    fn read(&self) -> Read {
        let mut invalid = Invalids::default();
        let text = |raw: &str| Some(raw.trim().to_owned()).filter(|t| !t.is_empty());
        let kind = PostKind::from_str_opt(&self.kind).unwrap_or_else(|| {
            invalid.add(Invalid::new("kind", "choose whether you offer something or look for it"));
            PostKind::Offer
        });
        let category = Category::from_str_opt(&self.category).unwrap_or_else(|| {
            invalid.add(Invalid::new("category", "choose what it is about"));
            Category::Other
        });
        let mut day_unread = false;
        let expires_on = match self.expires_on.trim() {
            "" => None,
            raw => NaiveDate::parse_from_str(raw, "%Y-%m-%d").map(Some).unwrap_or_else(|_| {
                invalid.add(Invalid::new("expires_on", "pick a date (YYYY-MM-DD), or leave it empty for 30 days"));
                day_unread = true;
                None
            }),
        };
        let input = PostInput {
            kind,
            category,
            title: self.title.clone(),
            body: text(&self.body),
            tags: self.tags.split(',').map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned).collect(),
            venue_id: None,
            city: text(&self.city),
            expires_on,
        };
        Read { input, invalid, day_unread }
    }
}

/// The post form's fields in its order, with the labels it shows.
const LABELS: Labels = &[
    ("kind", "Offer or need"),
    ("category", "What it is"),
    ("title", "Title"),
    ("body", "More about it"),
    ("tags", "Tags"),
    ("city", "City"),
    ("expires_on", "Up until"),
];

struct Choice {
    value: &'static str,
    label: &'static str,
    selected: bool,
}

#[derive(Template)]
#[template(path = "board.html")]
struct BoardPage<'a> {
    nav: Option<Nav>,
    csrf: &'a str,
    /// The listing's filter as typed.
    city: String,
    kinds: Vec<Choice>,
    /// The heading over the posts, when a city was read.
    heading: Option<String>,
    listed: Vec<Listed>,
    filter_errors: Errors,
    suggested: Vec<Suggestion>,
    logged_in: bool,
    /// The post form as typed, its choices, and what is wrong with it.
    f: PostForm,
    post_kinds: Vec<Choice>,
    categories: Vec<Choice>,
    errors: Errors,
}

/// The listing's kinds: both, offers or needs.
fn filter_kinds(chosen: &str) -> Vec<Choice> {
    [("", "Offers and needs"), ("offer", "Offers"), ("need", "Needs")]
        .into_iter()
        .map(|(value, label)| Choice { value, label, selected: chosen == value })
        .collect()
}

/// The board of `q`'s city for `who`, with the post form as typed and its errors.
async fn board_page(
    state: &AppState,
    who: &Visitor,
    q: BrowseQuery,
    f: PostForm,
    (errors, status): (Errors, StatusCode),
) -> Response {
    let user = who.user.as_ref();
    let mut city = q.city.trim().to_owned();
    if q.city.is_empty() {
        city = match default_city(state, user).await {
            Ok(found) => found,
            Err(e) => return failed("", &e),
        };
    }
    let kind = match q.kind.as_str() {
        "" => Ok(None),
        raw => PostKind::from_str_opt(raw).map(Some).ok_or_else(|| AppError::invalid("kind", "choose offers or needs")),
    };
    let post_kinds = [PostKind::Offer, PostKind::Need]
        .into_iter()
        .map(|k| Choice {
            value: k.as_str(),
            label: if k == PostKind::Offer { "I offer something" } else { "I am looking for something" },
            selected: f.kind == k.as_str(),
        })
        .collect();
    let categories = Category::ALL
        .into_iter()
        .map(|c| Choice { value: c.as_str(), label: c.words(), selected: f.category == c.as_str() })
        .collect();
    let mut page = BoardPage {
        nav: Some(who.nav()),
        csrf: &who.csrf,
        kinds: filter_kinds(&q.kind),
        city: city.clone(),
        heading: None,
        listed: Vec::new(),
        filter_errors: Errors::default(),
        suggested: Vec::new(),
        logged_in: user.is_some(),
        f,
        post_kinds,
        categories,
        errors,
    };
    let mut places = Places::default();
    if let Some(user) = user {
        let suggested = match board::suggestions(state, user).await {
            Ok(found) => found,
            Err(e) => return failed("", &e),
        };
        for s in suggested.into_iter().take(SUGGESTED_SHOWN) {
            match Listed::of(state, &mut places, &s.view).await {
                Ok(post) => page.suggested.push(Suggestion { post, reason: s.reason }),
                Err(e) => return failed("", &e),
            }
        }
    }
    if city.is_empty() && q.city.is_empty() {
        // No venue yet to start from: the form asks for a city.
        return render(status, &page);
    }
    let found = match (gatherings::city(&city), kind) {
        (Ok(key), Ok(kind)) => board::listed(state, user, Where::City(&key), kind).await,
        (city, kind) => match super::every_invalid([city.err(), kind.err()]) {
            Ok(invalid) => Err(AppError::Invalid(invalid)),
            Err(e) => return failed("", &e),
        },
    };
    match found {
        Ok(found) => {
            page.heading = Some(match found.len() {
                1 => format!("1 post in {city}"),
                n => format!("{n} posts in {city}"),
            });
            for view in &found {
                match Listed::of(state, &mut places, view).await {
                    Ok(listed) => page.listed.push(listed),
                    Err(e) => return failed("", &e),
                }
            }
            render(status, &page)
        }
        Err(e) if status_of(&e).is_client_error() => {
            page.filter_errors = Errors::of_app(&e).labelled(&[("city", "City"), ("kind", "Show")]);
            let status = if status.is_success() { status_of(&e) } else { status };
            render(status, &page)
        }
        Err(e) => failed("", &e),
    }
}

async fn browse(State(state): State<AppState>, who: Visitor, Params(q): Params<BrowseQuery>) -> Response {
    let f =
        PostForm { kind: PostKind::Offer.as_str().to_owned(), city: q.city.trim().to_owned(), ..PostForm::default() };
    board_page(&state, &who, q, f, (Errors::default(), StatusCode::OK)).await
}

/// Every problem of a post form whose own fields did not all read: the board's rules still check
/// the rest, so one submit shows all there is to fix.
fn all_problems(state: &AppState, read: Read) -> Invalids {
    let Read { input, mut invalid, day_unread } = read;
    if let Err(more) = PostDraft::parse(input, None, chrono_tz::UTC, state.clock.now()) {
        invalid.extend(more.iter().filter(|e| !(day_unread && e.field == "expires_on")).cloned());
    }
    invalid
}

async fn put_up(State(state): State<AppState>, who: Visitor, FormData(form): FormData<PostForm>) -> Response {
    let Some(user) = &who.user else { return to_login("/board") };
    if let Some(page) = who.refuse_forged(&form.csrf) {
        return page;
    }
    let read = form.read();
    let made = if read.invalid.first().is_none() {
        board::put_up(&state, user, read.input).await
    } else {
        Err(AppError::Invalid(all_problems(&state, read)))
    };
    match made {
        Ok(view) => Redirect::to(&format!("/board/{}?done=posted", view.post.id)).into_response(),
        Err(e) if status_of(&e).is_client_error() => {
            let q = BrowseQuery { city: form.city.clone(), kind: String::new() };
            let errors = Errors::of_app(&e).labelled(LABELS);
            board_page(&state, &who, q, form, (errors, status_of(&e))).await
        }
        Err(e) => failed("", &e),
    }
}

/// A message in a conversation, as its page shows it.
struct Said {
    from_me: bool,
    /// "You", or the other side as the reader may see them.
    who: String,
    when: String,
    body: String,
}

/// A member's conversation with the author, for the author.
struct Thread {
    user_id: Uuid,
    name: String,
    said: Vec<Said>,
    /// The page's errors belong to this conversation's reply form.
    errors_here: bool,
}

#[derive(Template)]
#[template(path = "board_post.html")]
struct PostPage<'a> {
    nav: Option<Nav>,
    csrf: &'a str,
    p: Listed,
    body: Option<String>,
    /// Up and taking messages.
    open: bool,
    /// How it stands when it is not up, for its author: "Fulfilled", "Withdrawn", "Came down".
    closed: Option<String>,
    mine: bool,
    logged_in: bool,
    /// "Write to Ann", or to the author when they keep to themselves.
    write_to: String,
    /// The reader's conversation with the author (a member who is not the author).
    said: Vec<Said>,
    /// For the author: everyone who wrote, each conversation with its reply form.
    threads: Vec<Thread>,
    /// Whether the errors belong to one conversation's reply form (else to the page's own forms).
    errors_for_thread: bool,
    /// The message as typed in the form that was refused.
    typed: String,
    errors: Errors,
    max_message: usize,
    city_link: String,
    notice: Option<&'static str>,
    refusal: Option<&'static str>,
}

/// The page for a post that does not exist or that the reader may not see.
fn missing() -> Response {
    message(
        StatusCode::NOT_FOUND,
        "This post is not on the board",
        "It may have been fulfilled or withdrawn, or it came down. Check the link, or see what else is on the board.",
    )
}

/// What a finished action says on the post's page.
fn notice(done: Option<&str>) -> Option<&'static str> {
    Some(match done? {
        "posted" => "Your post is up. Members write to you here, and you are told by e-mail; your address stays yours.",
        "sent" => "Sent. They are told by e-mail, without your address, and answer here.",
        "renewed" => "Renewed: it stays up for another 30 days from today.",
        "fulfilled" => "Marked fulfilled: it is off the board. Fulfilled with someone, an exchange waits for you both in the ledger.",
        "withdrawn" => "Withdrawn: it is off the board.",
        _ => return None,
    })
}

/// Something refused on a post's page, in the reader's words; `None` for a failure the page
/// does not explain.
fn refusal(e: &AppError) -> Option<&'static str> {
    Some(match e {
        AppError::Conflict(Conflict::Board(BoardConflict::PostClosed)) => {
            "This post is fulfilled, withdrawn or has come down: it cannot change any more."
        }
        AppError::Conflict(Conflict::Board(BoardConflict::OwnPost)) => {
            "This is your own post: answer the people who write to you, below."
        }
        AppError::Forbidden(_) => "Only the post's author can renew it, mark it fulfilled or withdraw it.",
        _ => return None,
    })
}

/// A conversation as the reader sees it: `other` is what the other side is called.
fn said(messages: Vec<MessageView>, other: &str, tz: chrono_tz::Tz) -> Vec<Said> {
    messages
        .into_iter()
        .map(|m| Said {
            from_me: m.from_me,
            who: if m.from_me { "You".to_owned() } else { other.to_owned() },
            when: chrono::DateTime::from_timestamp(m.message.created_at, 0)
                .map(|t| t.with_timezone(&tz).format("%-d %B, %H:%M").to_string())
                .unwrap_or_default(),
            body: m.message.body,
        })
        .collect()
}

/// Where the errors on a post's page belong: a conversation's reply form, or the page's own.
struct Trouble {
    thread: Option<Uuid>,
    typed: String,
    errors: Errors,
    status: StatusCode,
}

impl Trouble {
    fn none() -> Self {
        Self { thread: None, typed: String::new(), errors: Errors::default(), status: StatusCode::OK }
    }
}

/// A post's page for `who`, with a notice, a refusal, or errors in one of its forms.
async fn show(
    state: &AppState,
    who: &Visitor,
    id: Uuid,
    (notice, refusal): (Option<&'static str>, Option<&'static str>),
    trouble: Trouble,
) -> Response {
    let view = match board::show(state, who.user.as_ref(), id).await {
        Ok(view) => view,
        Err(AppError::NotFound(_)) => return missing(),
        Err(e) => return failed("", &e),
    };
    let mut places = Places::default();
    let place = match places.of(state, &view.post).await {
        Ok(place) => place,
        Err(e) => return failed("", &e),
    };
    let p = match Listed::of(state, &mut places, &view).await {
        Ok(p) => p,
        Err(e) => return failed("", &e),
    };
    let post = &view.post;
    let expired = post.expires_at <= state.clock.now();
    let closed = match post.status {
        PostStatus::Fulfilled => Some("Fulfilled".to_owned()),
        PostStatus::Withdrawn => Some("Withdrawn".to_owned()),
        PostStatus::Open if expired => Some(format!("Came down on {}", p.comes_down)),
        PostStatus::Open => None,
    };
    let author = view.author_name.clone();
    let mut said_so_far = Vec::new();
    let mut threads = Vec::new();
    if let Some(user) = &who.user {
        if view.mine {
            match threads_of(state, user, id, place.tz, &trouble).await {
                Ok(found) => threads = found,
                Err(e) => return failed("", &e),
            }
        } else {
            match board::conversation(state, user, id, None).await {
                Ok(found) => said_so_far = said(found, author.as_deref().unwrap_or("The author"), place.tz),
                Err(e) => return failed("", &e),
            }
        }
    }
    let city: String = form_urlencoded::byte_serialize(post.city.as_bytes()).collect();
    let page = PostPage {
        nav: Some(who.nav()),
        csrf: &who.csrf,
        body: post.body.clone(),
        open: closed.is_none(),
        closed,
        mine: view.mine,
        logged_in: who.user.is_some(),
        write_to: format!("Write to {}", author.as_deref().unwrap_or("the author")),
        said: said_so_far,
        threads,
        errors_for_thread: trouble.thread.is_some(),
        typed: trouble.typed,
        errors: trouble.errors,
        max_message: MAX_MESSAGE_CHARS,
        city_link: format!("/board?city={city}"),
        notice,
        refusal,
        p,
    };
    render(trouble.status, &page)
}

/// Everyone who wrote to the author about their post, each with the conversation.
async fn threads_of(
    state: &AppState,
    user: &User,
    id: Uuid,
    tz: chrono_tz::Tz,
    trouble: &Trouble,
) -> Result<Vec<Thread>, AppError> {
    let mut threads = Vec::new();
    for (n, c) in board::correspondents(state, user, id).await?.into_iter().enumerate() {
        let name = c.name.unwrap_or_else(|| format!("A member who keeps to themselves ({})", n + 1));
        let messages = board::conversation(state, user, id, Some(c.user_id)).await?;
        threads.push(Thread {
            user_id: c.user_id,
            said: said(messages, &name, tz),
            name,
            errors_here: trouble.thread == Some(c.user_id),
        });
    }
    Ok(threads)
}

#[derive(Deserialize, Default)]
struct Done {
    done: Option<String>,
}

async fn page(
    State(state): State<AppState>,
    who: Visitor,
    Path(id): Path<String>,
    Params(q): Params<Done>,
) -> Response {
    let Ok(id) = Uuid::parse_str(&id) else { return missing() };
    show(&state, &who, id, (notice(q.done.as_deref()), None), Trouble::none()).await
}

/// The post's page again after an action was refused: a refusal in words at the top, or the
/// rules broken next to their fields in the form that was sent.
async fn refused(
    state: &AppState,
    who: &Visitor,
    id: Uuid,
    (thread, typed): (Option<Uuid>, String),
    e: AppError,
) -> Response {
    if let AppError::NotFound(_) = e {
        return missing();
    }
    let status = status_of(&e);
    if let Some(words) = refusal(&e) {
        let trouble = Trouble { status, ..Trouble::none() };
        return show(state, who, id, (None, Some(words)), trouble).await;
    }
    if !status.is_client_error() {
        return failed("", &e);
    }
    let labels: Labels = &[("body", "Your message"), ("to", "To"), ("with_user_id", "Fulfilled with")];
    let trouble = Trouble { thread, typed, errors: Errors::of_app(&e).labelled(labels), status };
    show(state, who, id, (None, None), trouble).await
}

#[derive(Deserialize)]
struct WriteForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    body: String,
    /// The member the author answers; left out by a member writing to the author.
    #[serde(default)]
    to: String,
}

async fn write(
    State(state): State<AppState>,
    who: Visitor,
    Path(id): Path<String>,
    FormData(form): FormData<WriteForm>,
) -> Response {
    let Some(user) = &who.user else { return to_login(&format!("/board/{id}")) };
    if let Some(page) = who.refuse_forged(&form.csrf) {
        return page;
    }
    let Ok(id) = Uuid::parse_str(&id) else { return missing() };
    let to = match form.to.trim() {
        "" => None,
        raw => match Uuid::parse_str(raw) {
            Ok(to) => Some(to),
            Err(_) => return missing(),
        },
    };
    match board::write(&state, user, id, &form.body, to).await {
        Ok(_) => Redirect::to(&format!("/board/{id}?done=sent")).into_response(),
        Err(e) => refused(&state, &who, id, (to, form.body), e).await,
    }
}

#[derive(Deserialize)]
struct CloseForm {
    #[serde(default)]
    csrf: String,
    /// Someone who wrote, fulfilled with; empty for nobody.
    #[serde(default)]
    with_user_id: String,
}

/// What the author does to their post.
#[derive(Clone, Copy)]
enum Act {
    Renew,
    Fulfil,
    Withdraw,
}

async fn act(state: &AppState, who: &Visitor, id: &str, form: CloseForm, act: Act) -> Response {
    let Some(user) = &who.user else { return to_login(&format!("/board/{id}")) };
    if let Some(page) = who.refuse_forged(&form.csrf) {
        return page;
    }
    let Ok(id) = Uuid::parse_str(id) else { return missing() };
    let done = match act {
        Act::Renew => board::renew(state, user, id).await.map(|_| "renewed"),
        Act::Withdraw => board::close(state, user, id, false, None).await.map(|_| "withdrawn"),
        Act::Fulfil => match form.with_user_id.trim() {
            "" => board::close(state, user, id, true, None).await,
            raw => match Uuid::parse_str(raw) {
                Ok(with) => board::close(state, user, id, true, Some(with)).await,
                Err(_) => Err(AppError::invalid("with_user_id", "choose someone who wrote to you, or nobody")),
            },
        }
        .map(|_| "fulfilled"),
    };
    match done {
        Ok(done) => Redirect::to(&format!("/board/{id}?done={done}")).into_response(),
        Err(e) => refused(state, who, id, (None, String::new()), e).await,
    }
}

async fn renew(
    State(state): State<AppState>,
    who: Visitor,
    Path(id): Path<String>,
    FormData(form): FormData<CloseForm>,
) -> Response {
    act(&state, &who, &id, form, Act::Renew).await
}

async fn fulfil(
    State(state): State<AppState>,
    who: Visitor,
    Path(id): Path<String>,
    FormData(form): FormData<CloseForm>,
) -> Response {
    act(&state, &who, &id, form, Act::Fulfil).await
}

async fn withdraw(
    State(state): State<AppState>,
    who: Visitor,
    Path(id): Path<String>,
    FormData(form): FormData<CloseForm>,
) -> Response {
    act(&state, &who, &id, form, Act::Withdraw).await
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/board", get(browse).post(put_up))
        .route("/board/{id}", get(page))
        .route("/board/{id}/write", post(write))
        .route("/board/{id}/renew", post(renew))
        .route("/board/{id}/fulfil", post(fulfil))
        .route("/board/{id}/withdraw", post(withdraw))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_form_that_does_not_read_names_each_field_and_keeps_the_rest_for_the_rules() {
        let form = PostForm {
            kind: "swap".into(),
            category: "".into(),
            title: "Desk lamp".into(),
            tags: "lighting, , desk ".into(),
            city: " Utrecht ".into(),
            expires_on: "next week".into(),
            ..PostForm::default()
        };
        let read = form.read();
        let fields: Vec<&str> = read.invalid.iter().map(|i| i.field.as_str()).collect();
        assert_eq!(fields, ["kind", "category", "expires_on"]);
        assert!(read.day_unread);
        assert_eq!(read.input.tags, ["lighting", "desk"]);
        assert_eq!(read.input.city.as_deref(), Some("Utrecht"));
        assert_eq!((read.input.body, read.input.expires_on), (None, None));
    }
}
