//! The board through the pages, without a browser: a post put up with every problem named next to
//! its field, a member writing to its author and the author answering through the forms (each told
//! by e-mail, no address shown), the author fulfilling it with the one who wrote, nobody reading
//! another's conversation, and switching an e-mail off on the settings page.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::gathering_pages::public;
use crate::helpers::{spawn_app, Member, TestApp};
use crate::web::{Page, Web};

/// The lines of the summary above a form.
fn summary(page: &Page) -> Vec<String> {
    let Some(start) = page.html.find("<p>Please correct:</p><ul>") else { return Vec::new() };
    let list = &page.html[start..];
    let list = &list[..list.find("</ul>").unwrap()];
    list.split("<li>").skip(1).map(|item| item.trim_end_matches("</li>").to_owned()).collect()
}

/// A desk lamp to lend in Utrecht, put up by `who` through the API; gives its id.
async fn lamp(app: &TestApp, who: &Member) -> String {
    let body = json!({"kind": "offer", "category": "equipment", "title": "Desk lamp to lend",
        "body": "A warm LED lamp; pick it up at the café.", "tags": ["lighting"], "city": "Utrecht"});
    let made = app.post("/api/v1/board", Some(who), body).await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    made.body["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn putting_up_a_post_with_bad_input_shows_every_error_next_to_its_field_and_writes_nothing() {
    let Some(app) = spawn_app().await else { return };
    let ann = app.member("Ann").await;
    let visitor = Web::new(&app);
    let board = visitor.get("/board?city=Utrecht").await;
    assert_eq!(board.status, StatusCode::OK, "{}", board.html);
    assert!(
        board.html.contains("Log in to put up a post") && !board.html.contains("method=\"post\" action=\"/board\"")
    );
    let forged = visitor.post("/board", &[("title", "Lamp")]).await;
    assert!(forged.location.starts_with("/login?next="), "log in first");

    let web = Web::new(&app);
    web.log_in(&ann).await;
    let fields = [
        ("kind", "offer"),
        ("category", ""),
        ("title", " "),
        ("body", "A warm LED lamp"),
        ("tags", "lighting, desk"),
        ("city", ""),
        ("expires_on", "2027-06-01"),
    ];
    let refused = web.submit("/board", "/board", &fields).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.html);
    for id in ["category", "title", "city", "expires_on"] {
        assert!(refused.html.contains(&format!("id=\"{id}-error\"")), "{id} is marked: {}", refused.html);
    }
    assert_eq!(
        summary(&refused),
        [
            "What it is: Choose what it is about.",
            "Title must not be empty.",
            "City must not be empty.",
            "Up until must be within 90 days from today.",
        ],
        "every problem at once, in the form's order, under its labels"
    );
    for kept in ["A warm LED lamp", "value=\"lighting, desk\"", "value=\"2027-06-01\""] {
        assert!(refused.html.contains(kept), "what was typed is kept: {kept}");
    }
    assert!(refused.html.contains("<option value=\"offer\" selected>"), "the choice is kept");
    let unread = web.submit("/board", "/board", &[("kind", "need"), ("expires_on", "soon")]).await;
    assert_eq!(unread.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        summary(&unread),
        [
            "What it is: Choose what it is about.",
            "Title must not be empty.",
            "City must not be empty.",
            "Up until: Pick a date (YYYY-MM-DD), or leave it empty for 30 days.",
        ]
    );
    assert_eq!(app.count("board_posts").await, 0, "nothing written");

    let good = web
        .submit(
            "/board",
            "/board",
            &[
                ("kind", "offer"),
                ("category", "equipment"),
                ("title", "Desk lamp to lend"),
                ("tags", "lighting"),
                ("city", "Utrecht"),
            ],
        )
        .await;
    assert_eq!(good.status, StatusCode::SEE_OTHER, "{}", good.html);
    assert!(good.location.starts_with("/board/") && good.location.ends_with("?done=posted"), "{}", good.location);
    let page = web.get(&good.location).await;
    assert!(page.html.contains("Your post is up") && page.html.contains("Nobody yet"), "{}", page.html);
    let listed = visitor.get("/board?city=utrecht&kind=offer").await;
    assert!(listed.html.contains("Desk lamp to lend") && listed.html.contains("by A member"), "{}", listed.html);
    assert!(listed.html.contains("Comes down on Thursday 24 December 2026"), "30 days: {}", listed.html);
    assert!(!visitor.get("/board?city=Utrecht&kind=need").await.html.contains("Desk lamp"), "offers only");
    let bad_filter = visitor.get("/board?city=%20&kind=swap").await;
    assert_eq!(bad_filter.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad_filter.html.contains("id=\"board-city-error\"") && bad_filter.html.contains("id=\"board-kind-error\""));
}

#[tokio::test]
async fn a_member_writes_the_author_answers_and_fulfils_it_with_them_and_nobody_else_reads_along() {
    let Some(app) = spawn_app().await else { return };
    let (ann, bo, cy) = (app.member("Ann").await, app.member("Bo").await, app.member("Cy").await);
    public(&app, &bo, "Bo").await;
    let id = lamp(&app, &ann).await;
    let post = format!("/board/{id}");

    let visitor = Web::new(&app);
    let seen = visitor.get(&post).await;
    assert!(seen.html.contains("Log in to write to the author") && !seen.html.contains("/write"), "{}", seen.html);

    let bo_web = Web::new(&app);
    bo_web.log_in(&bo).await;
    let page = bo_web.get(&post).await;
    assert!(page.html.contains("Write to the author") && page.html.contains("Put up by</dt><dd>A member"));
    let empty = bo_web.submit(&post, &format!("{post}/write"), &[("body", "  ")]).await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", empty.html);
    assert!(empty.html.contains("id=\"body-error\""), "{}", empty.html);
    assert_eq!(summary(&empty), ["Your message must not be empty."]);
    assert_eq!(app.count("board_messages").await, 0);
    let wrote = bo_web.submit(&post, &format!("{post}/write"), &[("body", "Could I borrow it on Friday?")]).await;
    assert_eq!((wrote.status, wrote.location.as_str()), (StatusCode::SEE_OTHER, &*format!("{post}?done=sent")));
    let told = app.smtp.first_with(&ann.email, "Could I borrow it on Friday?").await;
    assert!(told.data.contains("Bo writes about your post") && told.data.contains(&post), "{}", told.data);
    assert!(!told.data.contains(&bo.email), "Bo's address stays his");

    let cy_web = Web::new(&app);
    cy_web.log_in(&cy).await;
    let cys = cy_web.get(&post).await;
    assert!(!cys.html.contains("Could I borrow") && cys.html.contains("Write to the author"), "{}", cys.html);
    let not_hers = cy_web.submit(&post, &format!("{post}/renew"), &[]).await;
    assert_eq!(not_hers.status, StatusCode::FORBIDDEN);
    assert!(not_hers.html.contains("Only the post&#39;s author") || not_hers.html.contains("Only the post's author"));

    let ann_web = Web::new(&app);
    ann_web.log_in(&ann).await;
    let page = ann_web.get(&post).await;
    assert!(page.html.contains("Who wrote to you") && page.html.contains("Could I borrow it on Friday?"));
    assert!(page.html.contains("Your answer to Bo") && !page.html.contains(&bo.email), "{}", page.html);
    let own = ann_web.submit(&post, &format!("{post}/write"), &[("body", "Anyone?")]).await;
    assert_eq!(own.status, StatusCode::CONFLICT);
    assert!(own.html.contains("This is your own post"), "{}", own.html);
    let to = bo.id.to_string();
    let blank = ann_web.submit(&post, &format!("{post}/write"), &[("body", ""), ("to", &to)]).await;
    assert_eq!(blank.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(blank.html.contains(&format!("id=\"reply-{to}-error\"")), "next to Bo's answer: {}", blank.html);
    let reply = ann_web.submit(&post, &format!("{post}/write"), &[("body", "Yes, Friday at ten."), ("to", &to)]).await;
    assert_eq!(reply.location, format!("{post}?done=sent"), "{}", reply.html);
    let back = app.smtp.first_with(&bo.email, "Yes, Friday at ten.").await;
    assert!(!back.data.contains(&ann.email), "Ann's address stays hers");
    let bos = bo_web.get(&post).await.html;
    let (asked, answered) =
        (bos.find("Could I borrow it on Friday?").unwrap(), bos.find("Yes, Friday at ten.").unwrap());
    assert!(asked < answered, "the conversation in order: {bos}");
    assert!(!cy_web.get(&post).await.html.contains("Friday"), "Cy still reads nobody else's conversation");

    let stranger = ann_web.submit(&post, &format!("{post}/fulfil"), &[("with_user_id", &cy.id.to_string())]).await;
    assert_eq!(stranger.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(stranger.html.contains("id=\"with_user_id-error\""), "{}", stranger.html);
    let done = ann_web.submit(&post, &format!("{post}/fulfil"), &[("with_user_id", &to)]).await;
    assert_eq!(done.location, format!("{post}?done=fulfilled"), "{}", done.html);
    let page = ann_web.get(&done.location).await;
    assert!(page.html.contains("Marked fulfilled") && page.html.contains("<strong>Fulfilled</strong>"));
    assert!(!page.html.contains("/renew"), "nothing more to do");
    let exchanges = app.get("/api/v1/me/exchanges", Some(&bo)).await;
    let items = exchanges.body["items"].as_array().cloned().unwrap_or_default();
    assert_eq!(items.len(), 1, "an exchange proposed: {}", exchanges.body);
    assert_eq!(bo_web.get(&post).await.status, StatusCode::NOT_FOUND, "off the board");
    let again = ann_web.submit("/board", &format!("{post}/withdraw"), &[]).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert!(again.html.contains("This post is fulfilled, withdrawn or has come down"), "{}", again.html);
}

#[tokio::test]
async fn the_settings_page_switches_a_kind_of_e_mail_off() {
    let Some(app) = spawn_app().await else { return };
    let ann = app.member("Ann").await;
    let visitor = Web::new(&app);
    assert_eq!(visitor.get("/me/emails").await.location, "/login?next=%2Fme%2Femails");
    let web = Web::new(&app);
    web.log_in(&ann).await;
    let page = web.get("/me/emails").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.html);
    let kinds = thirdspace_domain::mail::MailKind::ALL.len();
    assert_eq!(page.html.matches(" checked>").count(), kinds, "every kind on at first");
    assert!(page.html.contains("Someone writes to me about my post on the board"));
    let forged = web.post("/me/emails", &[("csrf", "not-the-token")]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);

    let kept: Vec<Value> = app.get("/api/v1/me/emails", Some(&ann)).await.body.as_array().cloned().unwrap_or_default();
    let on: Vec<(&str, &str)> = kept
        .iter()
        .filter_map(|s| s["kind"].as_str())
        .filter(|kind| *kind != "board_contact")
        .map(|kind| (kind, "on"))
        .collect();
    let saved = web.submit("/me/emails", "/me/emails", &on).await;
    assert_eq!(saved.location, "/me/emails?done=saved", "{}", saved.html);
    let page = web.get(&saved.location).await;
    assert!(page.html.contains("Saved") && page.html.matches(" checked>").count() == kinds - 1, "{}", page.html);
    assert!(page.html.contains("name=\"board_contact\" value=\"on\">"), "unticked: {}", page.html);

    let settings = app.call(Method::GET, "/api/v1/me/emails", Some(&ann), None).await;
    for s in settings.body.as_array().unwrap() {
        assert_eq!(s["on"], json!(s["kind"] != "board_contact"), "{s}");
    }
}
