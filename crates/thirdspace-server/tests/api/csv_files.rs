//! Files for a spreadsheet: members imported (previewed, then written all or nothing) and a
//! venue's exports, with people named only as they allow and cells safe from formulas.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use uuid::Uuid;

use crate::helpers::{eventually, spawn_app, Member, Reply, TestApp};

/// Sends `file` as a members' import of `venue`, a preview when `dry_run`.
async fn import(app: &TestApp, who: &Member, venue: Uuid, file: &str, dry_run: bool) -> Reply {
    send(app, who, &format!("/api/v1/venues/{venue}/imports/members"), file, dry_run).await
}

/// Sends `file` as CSV to `path`, a preview when `dry_run`.
async fn send(app: &TestApp, who: &Member, path: &str, file: &str, dry_run: bool) -> Reply {
    let path = format!("{path}{}", if dry_run { "?dry_run=true" } else { "" });
    let resp = app
        .client
        .post(app.url(&path))
        .bearer_auth(&who.token)
        .header("content-type", "text/csv")
        .body(file.to_owned())
        .send()
        .await
        .expect("request");
    let (status, headers) = (resp.status(), resp.headers().clone());
    let text = resp.text().await.expect("body");
    Reply { status, body: serde_json::from_str(&text).unwrap_or(Value::String(text)), headers }
}

#[tokio::test]
async fn members_are_previewed_without_writing_then_imported_together_and_told_by_e_mail() {
    let Some(app) = spawn_app().await else { return };
    let host = app.member("Host").await;
    let (venue, _) = app.venue(&host, 5).await;
    let listed = json!({"email": "bo@acme.example"});
    let listed = app.post(&format!("/api/v1/venues/{venue}/residents"), Some(&host), listed).await;
    assert_eq!(listed.status, StatusCode::CREATED);
    let file = "\u{FEFF}Email,Name,Tags\r\nanna@acme.example,\"Anna, de Vries\",UX; Research\r\n\
                BO@acme.example,Bo,\r\ncy@acme.example,,bookkeeping\r\n";
    let residents = "venue_residents";

    let preview = import(&app, &host, venue, file, true).await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
    assert_eq!((preview.body["written"].clone(), preview.body["new_members"].clone()), (json!(false), json!(2)));
    let members = preview.body["members"].as_array().unwrap();
    let seen: Vec<(u64, &str, &str)> = members
        .iter()
        .map(|m| (m["line"].as_u64().unwrap(), m["email"].as_str().unwrap(), m["status"].as_str().unwrap()))
        .collect();
    assert_eq!(
        seen,
        [(2, "anna@acme.example", "new"), (3, "bo@acme.example", "already_member"), (4, "cy@acme.example", "new")]
    );
    assert_eq!(members[0]["name"], "Anna, de Vries");
    assert_eq!(members[0]["tags"], json!(["ux", "research"]));
    assert_eq!(preview.body["errors"], json!([]));
    assert_eq!(app.count(residents).await, 1, "a preview writes nothing");

    let done = import(&app, &host, venue, file, false).await;
    assert_eq!(done.status, StatusCode::CREATED, "{}", done.body);
    assert_eq!(done.body["written"], true);
    assert_eq!(app.count(residents).await, 3, "the two new members are listed, the one already listed is not again");
    let listed = app.get(&format!("/api/v1/venues/{venue}/residents"), Some(&host)).await;
    let emails: Vec<&str> = listed.body.as_array().unwrap().iter().filter_map(|r| r["email"].as_str()).collect();
    assert_eq!(emails, ["bo@acme.example", "anna@acme.example", "cy@acme.example"]);
    let anna = &listed.body[1];
    assert_eq!((anna["name"].clone(), anna["tags"].clone()), (json!("Anna, de Vries"), json!(["ux", "research"])));
    assert_eq!(listed.body[0]["tags"], json!([]), "listed by hand: no tags");
    app.smtp.first_with("anna@acme.example", "Hello Anna, de Vries").await;
    app.smtp.first_with("cy@acme.example", "resident of De Werkplaats").await;
    let told = format!("/api/v1/venues/{venue}/residents");
    eventually("each told once the e-mail is sent", || async {
        let listed = app.get(&told, Some(&host)).await.body;
        listed.as_array().unwrap().iter().all(|r| r["told"] == "sent" && r["told_at"].is_string()).then_some(())
    })
    .await;

    let again = import(&app, &host, venue, file, false).await;
    assert_eq!((again.status, again.body["new_members"].clone()), (StatusCode::CREATED, json!(0)));
    assert_eq!(app.count(residents).await, 3, "importing the same file twice lists nobody twice");
}

#[tokio::test]
async fn a_file_with_one_bad_row_writes_nothing_and_names_its_line_and_column() {
    let Some(app) = spawn_app().await else { return };
    let host = app.member("Host").await;
    let (venue, _) = app.venue(&host, 5).await;
    let file =
        "name,email\nAnna,anna@acme.example\nBo,not-an-address\nCy,cy@acme.example\nAnna again,ANNA@acme.example\n";

    let preview = import(&app, &host, venue, file, true).await;
    assert_eq!((preview.status, preview.code()), (StatusCode::UNPROCESSABLE_ENTITY, "invalid_rows"));
    let faults = json!([
        {"line": 3, "column": "email", "message": "must be an e-mail address like name@example.org"},
        {"line": 5, "column": "email", "message": "repeats the address on line 2"},
    ]);
    assert_eq!(preview.body["rows"], faults, "the preview names every fault");
    assert_eq!(app.count("venue_residents").await, 0);

    let refused = import(&app, &host, venue, file, false).await;
    assert_eq!(
        (refused.status, refused.code(), refused.field()),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_rows", "file")
    );
    assert_eq!(refused.body["rows"], faults);
    assert!(refused.body["error"]["message"].as_str().unwrap().starts_with("line 3, email:"), "{}", refused.body);
    assert_eq!(app.count("venue_residents").await, 0, "all or nothing: the good rows are not written either");
    assert!(app.smtp.received().is_empty(), "nobody is told");

    let no_header = import(&app, &host, venue, "anna@acme.example\n", false).await;
    assert_eq!(no_header.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(no_header.body["rows"][0]["line"], 1);
}

#[tokio::test]
async fn only_the_venue_s_staff_import_and_the_file_is_bounded() {
    let Some(app) = spawn_app().await else { return };
    let (host, other_host, member) = (app.member("Host").await, app.member("Other").await, app.member("Member").await);
    let (venue, _) = app.venue(&host, 5).await;
    app.venue(&other_host, 5).await;
    let file = "email\nanna@acme.example\n";
    assert_eq!(import(&app, &other_host, venue, file, true).await.status, StatusCode::FORBIDDEN);
    assert_eq!(import(&app, &member, venue, file, false).await.status, StatusCode::FORBIDDEN);
    assert_eq!(import(&app, &host, Uuid::now_v7(), file, true).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.count("venue_residents").await, 0);

    let path = format!("/api/v1/venues/{venue}/imports/members");
    let as_json = app.post(&path, Some(&host), json!({"email": "a@b.example"})).await;
    assert_eq!(as_json.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let mut big = String::from("email\n");
    while big.len() <= 1 << 20 {
        big.push_str("someone.with.a.long.address@acme.example\n");
    }
    assert_eq!(import(&app, &host, venue, &big, true).await.status, StatusCode::PAYLOAD_TOO_LARGE);
    let full = (0..2_001).map(|i| format!("m{i}@acme.example\n")).collect::<String>();
    let too_many = import(&app, &host, venue, &format!("email\n{full}"), false).await;
    assert_eq!(too_many.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(too_many.body["rows"][0]["line"], 2_002);
    assert_eq!(app.count("venue_residents").await, 0);
}

/// The rows of a CSV answer, parsed with the `csv` crate, by the header's names.
fn rows(reply: &Reply) -> Vec<std::collections::HashMap<String, String>> {
    let text = reply.body.as_str().expect("a CSV body");
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_owned).collect();
    reader.records().map(|r| header.iter().cloned().zip(r.unwrap().iter().map(str::to_owned)).collect()).collect()
}

#[tokio::test]
async fn exports_name_people_as_they_allow_and_neutralise_formulas() {
    let Some(app) = spawn_app().await else { return };
    let host = app.member("Host").await;
    let (venue, _) = app.venue(&host, 5).await;
    let (anna, hid, cas) = (app.member("Anna").await, app.member("Hid").await, app.member("Cas").await);
    for (who, name, visibility) in [(&anna, "=Anna", "public"), (&hid, "Hidden Hid", "hidden")] {
        let body = json!({"display_name": name, "visibility": visibility});
        assert_eq!(app.call(Method::PUT, "/api/v1/me/profile", Some(who), Some(body)).await.status, StatusCode::OK);
        assert_eq!(app.arrive(&host, who, venue).await.status, StatusCode::OK);
    }
    let shows = json!({"display_name": "Cas", "visibility": "public"});
    assert_eq!(app.call(Method::PUT, "/api/v1/me/profile", Some(&cas), Some(shows)).await.status, StatusCode::OK);
    let booked = app.book(&cas, venue, crate::helpers::MONDAY, "17:00", "18:00").await;
    assert_eq!(booked.status, StatusCode::CREATED, "{}", booked.body);
    let shared =
        json!({"with": cas.id, "role": "gave", "tags": ["vat"], "text": "+VAT for e-books", "venue_id": venue});
    let exchange = app.post("/api/v1/me/exchanges", Some(&anna), shared).await;
    assert_eq!(exchange.status, StatusCode::CREATED, "{}", exchange.body);
    let id = exchange.body["id"].as_str().unwrap();
    app.call(Method::POST, &format!("/api/v1/exchanges/{id}/confirm"), Some(&cas), None).await;
    for (sharing, note) in [("venue", "@A new client"), ("private", "Mine alone")] {
        let outcome = json!({"category": "client", "venue_id": venue, "sharing": sharing, "note": note});
        assert_eq!(app.post("/api/v1/me/outcomes", Some(&anna), outcome).await.status, StatusCode::CREATED);
    }
    let today = chrono::DateTime::from_timestamp(app.clock_now(), 0).unwrap().date_naive();
    let range = format!("from={today}&to={}", today + chrono::Duration::days(1));
    let export = |file: &str| format!("/api/v1/venues/{venue}/exports/{file}?{range}");

    let bookings = app.get(&export("bookings.csv"), Some(&host)).await;
    assert_eq!(bookings.status, StatusCode::OK, "{}", bookings.body);
    assert_eq!(bookings.headers["content-type"], "text/csv; charset=utf-8");
    let disposition = bookings.headers["content-disposition"].to_str().unwrap();
    assert_eq!(
        disposition,
        format!("attachment; filename=\"bookings-{today}-{}.csv\"", today + chrono::Duration::days(1))
    );
    let found = rows(&bookings);
    assert_eq!(found.len(), 3, "{}", bookings.body);
    let people: Vec<&str> = found.iter().map(|r| r["person"].as_str()).collect();
    assert_eq!(people, ["'=Anna", "", "Cas"], "a formula is neutralised, a hidden person not named");
    assert!(!bookings.body.as_str().unwrap().contains("Hidden Hid"));
    let hides = json!({"display_name": "Cas", "visibility": "hidden"});
    assert_eq!(app.call(Method::PUT, "/api/v1/me/profile", Some(&cas), Some(hides)).await.status, StatusCode::OK);
    assert_eq!(found[0]["status"], "checked_in");
    assert!(found[0]["starts_at"].starts_with(&format!("{today}T09:00:00+")), "{:?}", found[0]);
    assert_eq!(found[2]["checked_in_at"], "");
    let now_hidden = app.get(&export("bookings.csv"), Some(&host)).await;
    let people: Vec<String> = rows(&now_hidden).into_iter().map(|r| r["person"].clone()).collect();
    assert_eq!(people, ["'=Anna", "", ""], "named as they allow now");

    let check_ins = rows(&app.get(&export("check-ins.csv"), Some(&host)).await);
    assert_eq!(check_ins.iter().map(|r| r["person"].as_str()).collect::<Vec<_>>(), ["'=Anna", ""]);

    let exchanges = rows(&app.get(&export("exchanges.csv"), Some(&host)).await);
    assert_eq!(exchanges.len(), 1);
    assert_eq!((exchanges[0]["giver"].as_str(), exchanges[0]["receiver"].as_str()), ("'=Anna", ""), "Cas hid");
    assert_eq!((exchanges[0]["what"].as_str(), exchanges[0]["topics"].as_str()), ("'+VAT for e-books", "vat"));

    let outcomes = rows(&app.get(&export("outcomes.csv"), Some(&host)).await);
    let notes: Vec<&str> = outcomes.iter().map(|r| r["note"].as_str()).collect();
    assert_eq!(notes, ["'@A new client"], "only what was shared with the venue");

    assert_eq!(app.get(&export("bookings.csv"), Some(&cas)).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.get(&export("bookings.csv"), None).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(app.get(&export("orders.csv"), Some(&host)).await.status, StatusCode::NOT_FOUND);
    let unknown = format!("/api/v1/venues/{}/exports/bookings.csv?{range}", Uuid::now_v7());
    assert_eq!(app.get(&unknown, Some(&host)).await.status, StatusCode::NOT_FOUND);
    let too_long = format!("/api/v1/venues/{venue}/exports/bookings.csv?from=2025-01-01&to=2026-06-01");
    let too_long = app.get(&too_long, Some(&host)).await;
    assert_eq!((too_long.status, too_long.field()), (StatusCode::UNPROCESSABLE_ENTITY, "to"));
}

#[tokio::test]
async fn an_admin_imports_venues_all_or_nothing_by_the_rules_of_a_venue_created_one_at_a_time() {
    let Some(app) = spawn_app().await else { return };
    let (admin, host) = (app.member("Admin").await, app.member("Host").await);
    let email = thirdspace_domain::email::Email::parse(&admin.email).unwrap();
    app.store.set_admin(&email, true).await.unwrap();
    let path = "/api/v1/imports/venues";
    let header = "Name,kind,address,city,country,time_zone,opening_hours,closures";
    let good = "Café de Zwaan,cafe,Oudegracht 12,Utrecht,NL,Europe/Amsterdam,\"mon 08:00-18:00; tue 08:00-18:00\",2026-12-25\n\
                Bibliotheek Neude,library,Neude 11,Utrecht,NL,Europe/Amsterdam,sat 10:00-16:00,\n";
    let bad = "De Bunker,home,Street 3,Utrecht,NL,Europe/Amsterdam,mon 18:00-08:00,\n";

    assert_eq!(send(&app, &host, path, &format!("{header}\n{good}"), true).await.status, StatusCode::FORBIDDEN);
    let preview = send(&app, &admin, path, &format!("{header}\n{good}{bad}"), true).await;
    assert_eq!((preview.status, preview.code()), (StatusCode::UNPROCESSABLE_ENTITY, "invalid_rows"));
    assert_eq!(preview.body["rows"][0]["line"], 4);
    assert_eq!(preview.body["rows"][0]["column"], "opening_hours");
    let clean = send(&app, &admin, path, &format!("{header}\n{good}"), true).await;
    assert_eq!(clean.status, StatusCode::OK, "{}", clean.body);
    assert_eq!(clean.body["venues"].as_array().unwrap().len(), 2);
    assert_eq!(app.count("venues").await, 0, "a preview writes nothing");

    let refused = send(&app, &admin, path, &format!("{header}\n{good}{bad}"), false).await;
    assert_eq!((refused.status, refused.code()), (StatusCode::UNPROCESSABLE_ENTITY, "invalid_rows"));
    assert_eq!(refused.body["rows"][0]["line"], 4);
    assert_eq!(app.count("venues").await, 0, "one bad row: nothing written");

    let done = send(&app, &admin, path, &format!("{header}\n{good}"), false).await;
    assert_eq!(done.status, StatusCode::CREATED, "{}", done.body);
    assert_eq!(app.count("venues").await, 2);
    let id = done.body["venues"][0]["id"].as_str().unwrap();
    let made = app.get(&format!("/api/v1/venues/{id}"), None).await.body;
    assert_eq!((made["name"].as_str(), made["kind"].as_str()), (Some("Café de Zwaan"), Some("cafe")));
    assert_eq!(made["closures"], json!(["2026-12-25"]));
    assert_eq!(made["opening_hours"].as_array().unwrap().len(), 2);
    let staff = app.get(&format!("/api/v1/venues/{id}/staff"), Some(&admin)).await;
    assert_eq!(staff.body["items"][0]["user_id"], json!(admin.id), "the admin owns what they import: {}", staff.body);
}

#[tokio::test]
async fn imported_members_are_told_once_the_mail_server_answers_even_across_a_restart() {
    let Some(mut app) = spawn_app().await else { return };
    let host = app.member("Host").await;
    let (venue, _) = app.venue(&host, 5).await;
    app.smtp.refuse(true);
    let file = "email,name\nana@acme.example,Ana\nbo@acme.example,Bo\n";
    assert_eq!(import(&app, &host, venue, file, false).await.status, StatusCode::CREATED);
    let tried = "venue_residents WHERE tell_attempts >= 1 AND told_at IS NULL";
    eventually("both tried and refused", || async { (app.count(tried).await == 2).then_some(()) }).await;
    let listed = app.get(&format!("/api/v1/venues/{venue}/residents"), Some(&host)).await;
    assert!(listed.body.as_array().unwrap().iter().all(|r| r["told"] == "waiting"), "{}", listed.body);
    let sink = app.smtp.clone();
    let to_them = || sink.received().into_iter().filter(|m| m.to.iter().any(|t| t.ends_with("@acme.example")));
    assert_eq!(to_them().count(), 0);

    // Stopped while their e-mails wait; the mail server answers again; started after the retry is due.
    app.stop().await;
    app.smtp.refuse(false);
    app.clock.set(app.clock_now() + 3600);
    app.start().await;
    app.smtp.first_with("ana@acme.example", "Hello Ana,").await;
    app.smtp.first_with("bo@acme.example", "Hello Bo,").await;
    let sent = "venue_residents WHERE told_outcome = 'sent'";
    eventually("both recorded as sent", || async { (app.count(sent).await == 2).then_some(()) }).await;
    assert_eq!(to_them().count(), 2, "once each");
}

#[tokio::test]
async fn an_imported_member_s_tags_join_their_profile_once_they_confirm_the_address() {
    let Some(app) = spawn_app().await else { return };
    let host = app.member("Host").await;
    let (venue, _) = app.venue(&host, 5).await;
    let file = "email,tags\nana@acme.example,UX; research\n";
    assert_eq!(import(&app, &host, venue, file, false).await.status, StatusCode::CREATED);
    let session = crate::accounts::sign_up(&app, "ana@acme.example", "Ana").await;
    let me = app.client.get(app.url("/api/v1/me")).header("cookie", &session).send().await.unwrap();
    let me: Value = me.json().await.unwrap();
    let id: Uuid = me["id"].as_str().or(me["user"]["id"].as_str()).unwrap().parse().unwrap();
    let interests = || async { app.store.profile(id).await.unwrap().unwrap().interests };
    assert!(interests().await.is_empty(), "not before the address is confirmed: anyone could sign up with it");
    let token = crate::accounts::confirmation_token(&app, "ana@acme.example").await;
    let confirmed = app.post("/api/v1/auth/verify-email", None, json!({"token": token})).await;
    assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.body);
    assert_eq!(interests().await, ["ux", "research"]);
}
