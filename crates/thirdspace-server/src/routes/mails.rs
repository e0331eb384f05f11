//! A member's e-mail switches over the API.

use axum::extract::State;
use axum::Json;
use serde::{Deserialize, Serialize};
use thirdspace_domain::mail::MailKind;
use thirdspace_domain::Invalid;
use utoipa::ToSchema;

use crate::app::mails;
use crate::auth::Auth;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::ApiJson;
use crate::AppState;

/// One kind of e-mail and whether you get it.
#[derive(Debug, Serialize, ToSchema)]
pub struct MailSetting {
    /// `booking_confirmed`, `booking_reminder`, `rsvp_confirmed`, `place_offered`,
    /// `gathering_reminder`, `organiser_message`, `date_cancelled`, `date_changed`, `intro_accepted`,
    /// `board_contact`, `board_expiry` or `webhook_failing`.
    pub kind: String,
    /// What it is, in words.
    pub description: String,
    pub on: bool,
}

fn shaped(settings: Vec<(MailKind, bool)>) -> Vec<MailSetting> {
    settings
        .into_iter()
        .map(|(kind, on)| MailSetting { kind: kind.as_str().to_owned(), description: kind.words().to_owned(), on })
        .collect()
}

/// Which e-mails you get (log-in and password links are always sent).
#[utoipa::path(get, path = "/api/v1/me/emails", tag = "accounts",
    responses((status = 200, body = Vec<MailSetting>), (status = 401, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn get(State(state): State<AppState>, auth: Auth) -> ApiResult<Json<Vec<MailSetting>>> {
    Ok(Json(shaped(mails::settings(&state, &auth.user).await?)))
}

/// The kinds of e-mail to switch off; every other kind is on.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MailSwitches {
    #[schema(max_items = 12, example = json!(["booking_reminder"]))]
    pub off: Vec<String>,
}

/// Switches e-mails off (those named) and on (the rest).
#[utoipa::path(put, path = "/api/v1/me/emails", tag = "accounts", request_body = MailSwitches,
    responses((status = 200, body = Vec<MailSetting>), (status = 401, body = ErrorBody), (status = 400, body = ErrorBody),
        (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn put(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(body): ApiJson<MailSwitches>,
) -> ApiResult<Json<Vec<MailSetting>>> {
    if body.off.len() > MailKind::ALL.len() {
        let most = MailKind::ALL.len();
        return Err(crate::app::AppError::from(Invalid::new("off", format!("name at most {most} kinds"))).into());
    }
    let off = body
        .off
        .iter()
        .map(|raw| {
            MailKind::parse(raw).ok_or_else(|| Invalid::new("off", format!("{raw:.40} is not a kind of e-mail")))
        })
        .collect::<Result<Vec<_>, _>>()
        .map_err(crate::app::AppError::from)?;
    Ok(Json(shaped(mails::set_settings(&state, &auth.user, &off).await?)))
}
