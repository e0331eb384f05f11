//! Questions to the people around you at a venue.

use thirdspace_domain::exchange::{self, ExchangeDraft, ExchangeInput, Role, Source};
use thirdspace_domain::{tag, text, Invalid, Invalids};
use thirdspace_store::{Exchange, NewQuestion, Page, Paged, Question, User};
use uuid::Uuid;

use super::profiles::shown;
use super::{access, presence};
use super::{AppError, AppResult};
use crate::AppState;

/// A question as the caller sees it: the asker is identified only if their visibility allows
/// (for `venue` visibility: while both are checked in at this venue).
pub struct QuestionView {
    pub question: Question,
    pub asker_id: Option<Uuid>,
    pub asker_name: Option<String>,
}

/// The question with its asker as `viewer` may see them now.
pub async fn view(state: &AppState, question: Question, viewer: Option<&User>) -> AppResult<QuestionView> {
    let shown = shown(state, viewer, question.asker_id).await?;
    Ok(QuestionView {
        asker_id: shown.as_ref().map(|p| p.user_id),
        asker_name: shown.map(|p| p.display_name),
        question,
    })
}

/// Posts `asker`'s question to the people at `venue`: only someone checked in there, or its
/// staff, may.
pub async fn ask(state: &AppState, asker: &User, venue: Uuid, text: &str, tags: &[String]) -> AppResult<Question> {
    access::venue(state, venue).await?;
    let now = state.clock.now();
    if !presence::is_here(state, asker.id, venue).await? && !access::runs(state, venue, asker).await? {
        return Err(AppError::Forbidden("check in at this venue to ask the people here"));
    }
    let mut invalid = Invalids::default();
    let text = invalid.or_default(text::bounded("text", text, 3, 1000, true));
    let tags = invalid.or_default(tag::normalise_list("tags", tags));
    invalid.finish(())?;
    Ok(state.store.post_question(NewQuestion { venue, asker: asker.id, text, tags, now }).await?)
}

/// Posts `asker`'s question to the people where they are checked in now.
pub async fn ask_here(state: &AppState, asker: &User, text: &str, tags: &[String]) -> AppResult<Question> {
    match state.store.checked_in_at(asker.id, state.clock.now()).await? {
        Some(venue) => ask(state, asker, venue, text, tags).await,
        None => Err(AppError::Forbidden("check in at a venue to ask the people there")),
    }
}

/// The open questions of a venue, newest first, each asker as `viewer` may see them.
pub async fn open(state: &AppState, viewer: Option<&User>, venue: Uuid, page: Page) -> AppResult<Paged<QuestionView>> {
    access::venue(state, venue).await?;
    let questions = state.store.open_questions(venue, page).await?;
    let mut items = Vec::with_capacity(questions.items.len());
    for question in questions.items {
        items.push(view(state, question, viewer).await?);
    }
    Ok(Paged { items, page: questions.page, per_page: questions.per_page, total: questions.total })
}

/// Marks a question answered (its asker or the venue's staff).
pub async fn close(state: &AppState, actor: &User, id: Uuid) -> AppResult<Question> {
    let question = state.store.question(id).await?.ok_or(AppError::NotFound("question"))?;
    if question.asker_id != actor.id && !access::runs(state, question.venue_id, actor).await? {
        return Err(AppError::Forbidden("only the asker or the venue's staff may mark a question answered"));
    }
    Ok(state.store.mark_answered(id, state.clock.now()).await?)
}

/// The asker marks their question answered by someone: in one unit of work the question is
/// answered and an exchange from that person to the asker is proposed, for them to confirm. The
/// person must be someone the asker may see now; if anything is refused, nothing is written.
pub async fn answered_by(state: &AppState, actor: &User, id: Uuid, by: Uuid) -> AppResult<(Question, Exchange)> {
    let question = state.store.question(id).await?.ok_or(AppError::NotFound("question"))?;
    if question.asker_id != actor.id {
        return Err(AppError::Forbidden("only the asker says who answered their question"));
    }
    let now = state.clock.now();
    if by == actor.id || shown(state, Some(actor), by).await?.is_none() {
        return Err(Invalid::new("by", "name someone else you can see: this person is unknown or hidden").into());
    }
    let line = question.text.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("A question");
    let text: String = line.chars().take(exchange::MAX_TEXT_CHARS).collect();
    let input = ExchangeInput {
        with: by,
        role: Role::Received,
        tags: question.tags.clone(),
        text,
        venue_id: Some(question.venue_id),
        source: Some(Source::Question),
        source_id: Some(id),
    };
    let draft = ExchangeDraft::parse(actor.id, input)?;
    let mut work = state.store.begin().await?;
    let done = match work.mark_answered(id, now).await {
        Ok(answered) => work.propose_exchange(&draft, now).await.map(|e| (answered, e)),
        Err(e) => Err(e),
    };
    Ok(work.end(done).await?)
}
