//! A browser without JavaScript for page tests: keeps its cookies, shows redirects instead of
//! following them, and fills in each form's token from the page it came from.

use reqwest::redirect::Policy;
use reqwest::StatusCode;

use crate::helpers::{Member, TestApp};

#[derive(Clone)]
pub struct Web {
    client: reqwest::Client,
    base: String,
}

pub struct Page {
    pub status: StatusCode,
    pub location: String,
    pub html: String,
}

impl Page {
    /// The value of the hidden input `name` on the page.
    pub fn hidden(&self, name: &str) -> String {
        let marker = format!("name=\"{name}\" value=\"");
        let start = self.html.find(&marker).unwrap_or_else(|| panic!("no {name} in {}", self.html)) + marker.len();
        self.html[start..].split('"').next().unwrap_or_default().to_owned()
    }
}

impl Page {
    /// The hidden input `name`, or an empty string when the page has none.
    pub fn hidden_or_default(&self, name: &str) -> String {
        let marker = format!("name=\"{name}\" value=\"");
        self.html
            .find(&marker)
            .map(|i| self.html[i + marker.len()..].split('"').next().unwrap_or_default().to_owned())
            .unwrap_or_default()
    }
}

impl Web {
    pub fn new(app: &TestApp) -> Self {
        let client = reqwest::Client::builder().redirect(Policy::none()).cookie_store(true).build().unwrap();
        Self { client, base: app.base.clone() }
    }

    /// A browser on another machine: its connections come from `ip` (an address of the loopback
    /// network other than the server's 127.0.0.1).
    pub fn from(app: &TestApp, ip: std::net::Ipv4Addr) -> Self {
        let client = reqwest::Client::builder()
            .redirect(Policy::none())
            .cookie_store(true)
            .local_address(std::net::IpAddr::V4(ip))
            .build()
            .unwrap();
        Self { client, base: app.base.clone() }
    }

    async fn page(resp: reqwest::Response) -> Page {
        let status = resp.status();
        let location = resp.headers().get("location").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
        Page { status, location, html: resp.text().await.unwrap() }
    }

    pub async fn get(&self, path: &str) -> Page {
        Self::page(self.client.get(format!("{}{path}", self.base)).send().await.unwrap()).await
    }

    /// Posts `fields` as a form, as they are (no token added).
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        Self::page(self.client.post(format!("{}{path}", self.base)).form(fields).send().await.unwrap()).await
    }

    /// Opens `page`, then sends `fields` to `action` with the page's form token, as a person
    /// filling in the form would.
    pub async fn submit(&self, page: &str, action: &str, fields: &[(&str, &str)]) -> Page {
        let opened = self.get(page).await;
        assert_eq!(opened.status, StatusCode::OK, "{page}: {}", opened.html);
        let csrf = opened.hidden("csrf");
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        all.push(("csrf", &csrf));
        self.post(action, &all).await
    }

    /// Logs `who` in with their password.
    pub async fn log_in(&self, who: &Member) -> Page {
        let page =
            self.submit("/login", "/login", &[("email", &who.email), ("password", "correct horse battery")]).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.html);
        page
    }
}
