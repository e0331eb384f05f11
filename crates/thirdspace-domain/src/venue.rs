//! Venues: places that open their spare seats.

use chrono::NaiveDate;
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::hours::{OpeningPeriod, WeeklyHours};
use crate::{tag, text, Invalid, Invalids};

/// What kind of place a venue is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum VenueKind {
    Cafe,
    Library,
    University,
    CorporateOffice,
    CoworkingCentre,
    Home,
    Other,
}

impl VenueKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Cafe => "cafe",
            Self::Library => "library",
            Self::University => "university",
            Self::CorporateOffice => "corporate_office",
            Self::CoworkingCentre => "coworking_centre",
            Self::Home => "home",
            Self::Other => "other",
        }
    }

    pub fn from_str_opt(raw: &str) -> Option<Self> {
        [
            Self::Cafe,
            Self::Library,
            Self::University,
            Self::CorporateOffice,
            Self::CoworkingCentre,
            Self::Home,
            Self::Other,
        ]
        .into_iter()
        .find(|k| k.as_str() == raw)
    }
}

/// A point on the map, in degrees.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Coordinates {
    #[schema(minimum = -90, maximum = 90)]
    pub latitude: f64,
    #[schema(minimum = -180, maximum = 180)]
    pub longitude: f64,
}

/// What a host submits to create or edit a venue.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VenueInput {
    #[schema(schema_with = text::schema::line::<1, 120>, example = "Café de Zwaan")]
    pub name: String,
    pub kind: VenueKind,
    #[schema(schema_with = text::schema::line::<1, 200>, example = "Oudegracht 12")]
    pub address: String,
    #[schema(schema_with = text::schema::line::<1, 80>, example = "Utrecht")]
    pub city: String,
    /// ISO 3166-1 alpha-2 country code.
    #[schema(schema_with = country_schema, example = "NL")]
    pub country: String,
    pub coordinates: Option<Coordinates>,
    /// IANA time zone name.
    #[schema(schema_with = time_zone_schema, example = "Europe/Amsterdam")]
    pub time_zone: String,
    #[serde(default)]
    #[schema(max_items = 28)]
    pub opening_hours: Vec<OpeningPeriod>,
    /// Dates the venue is closed, "YYYY-MM-DD".
    #[serde(default, deserialize_with = "crate::hours::date::list::deserialize")]
    #[schema(value_type = Vec<String>, format = Date, max_items = 400)]
    pub closures: Vec<NaiveDate>,
    #[serde(default)]
    #[schema(schema_with = tag::schema::list)]
    pub amenities: Vec<String>,
    #[serde(default)]
    #[schema(schema_with = text::schema::optional_lines::<4000>)]
    pub house_rules: Option<String>,
    /// Minutes after a booking's start before an unclaimed seat is released (default 30).
    #[serde(default)]
    #[schema(minimum = 0, maximum = 240)]
    pub no_show_grace_minutes: Option<u16>,
    /// What a day's seat costs here for those who pay in money; reports show what the seats
    /// given for social capital were worth at this price.
    #[serde(default)]
    pub day_pass: Option<DayPass>,
    /// Social-capital bookings wait for a host's approval (holding their seat meanwhile).
    #[serde(default)]
    pub requires_approval: bool,
    /// Any member may organise a gathering here (its seats are held for it like bookings).
    #[serde(default)]
    pub welcomes_gatherings: bool,
}

/// The price of a day's seat.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DayPass {
    /// In the currency's smallest unit (cents for EUR), at most [`MAX_DAY_PASS`].
    #[schema(minimum = 0, maximum = 10_000_000, example = 2500)]
    pub price_minor: u32,
    /// ISO 4217 code.
    #[schema(pattern = "^\\s*[A-Za-z]{3}\\s*$", example = "EUR")]
    pub currency: String,
}

/// How many digits a currency's amounts have after the point (ISO 4217): none for the yen and a
/// few others, three for some dinars, two for the rest.
pub fn minor_digits(currency: &str) -> u32 {
    const NONE: &[&str] = &[
        "BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF",
    ];
    const THREE: &[&str] = &["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"];
    let code = currency.to_ascii_uppercase();
    if NONE.contains(&code.as_str()) {
        0
    } else if THREE.contains(&code.as_str()) {
        3
    } else {
        2
    }
}

/// An amount in a currency's smallest unit, written with the currency's decimals: 2500 EUR is
/// "25.00", 2500 JPY is "2500".
pub fn decimal(minor: u64, currency: &str) -> String {
    let digits = minor_digits(currency);
    let unit = 10u64.pow(digits);
    match digits {
        0 => minor.to_string(),
        _ => format!("{}.{:0width$}", minor / unit, minor % unit, width = digits as usize),
    }
}

/// An amount written like "25", "25.5" or "25.00" (a comma for the point will do), in the
/// currency's smallest unit; `None` when it does not read or has more decimals than the currency.
pub fn parse_amount(raw: &str, currency: &str) -> Option<u32> {
    let digits = minor_digits(currency) as usize;
    let raw = raw.trim();
    let (whole, fraction) = raw.split_once(['.', ',']).unwrap_or((raw, ""));
    let all_digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    if !all_digits(whole) || !(fraction.is_empty() || (fraction.len() <= digits && all_digits(fraction))) {
        return None;
    }
    let fraction = format!("{fraction:0<digits$}");
    let unit = 10u32.pow(digits as u32);
    whole.parse::<u32>().ok()?.checked_mul(unit)?.checked_add(fraction.parse::<u32>().unwrap_or(0))
}

/// The highest day-pass price, in minor units.
pub const MAX_DAY_PASS: u32 = 10_000_000;

impl DayPass {
    /// Checks the price and the currency code (upper-cased).
    pub fn parse(self) -> Result<Self, Invalids> {
        let mut invalid = Invalids::default();
        if self.price_minor > MAX_DAY_PASS {
            invalid.add(Invalid::new("day_pass.price_minor", format!("must be at most {MAX_DAY_PASS}")));
        }
        let currency = self.currency.trim();
        if currency.len() != 3 || !currency.chars().all(|c| c.is_ascii_alphabetic()) {
            invalid.add(Invalid::new("day_pass.currency", "must be a three-letter currency code like EUR"));
        }
        invalid.finish(Self { price_minor: self.price_minor, currency: currency.to_ascii_uppercase() })
    }

    /// What `days` seats are worth at this price, in minor units.
    pub fn worth(&self, days: u32) -> u64 {
        u64::from(self.price_minor) * u64::from(days)
    }
}

/// A two-letter country code, as [`VenueDraft::parse`] takes it.
fn country_schema() -> utoipa::openapi::Object {
    utoipa::openapi::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .pattern(Some(text::schema::padded("[A-Za-z]{2}")))
        .build()
}

/// Every IANA time zone name the server knows.
fn time_zone_schema() -> utoipa::openapi::Object {
    utoipa::openapi::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .enum_values(Some(chrono_tz::TZ_VARIANTS.iter().map(|tz| tz.name())))
        .build()
}

/// A venue as a host described it, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct VenueDraft {
    pub name: String,
    pub kind: VenueKind,
    pub address: String,
    pub city: String,
    pub country: String,
    pub coordinates: Option<Coordinates>,
    pub time_zone: Tz,
    pub opening_hours: WeeklyHours,
    pub closures: Vec<NaiveDate>,
    pub amenities: Vec<String>,
    pub house_rules: Option<String>,
    pub no_show_grace_minutes: u16,
    pub day_pass: Option<DayPass>,
    pub requires_approval: bool,
    pub welcomes_gatherings: bool,
}

/// The grace period when a host sets none.
pub const DEFAULT_GRACE_MINUTES: u16 = 30;
/// The most closure dates a venue may list.
pub const MAX_CLOSURES: usize = 400;

impl VenueDraft {
    /// Checks every field, and names every one that breaks a rule.
    pub fn parse(input: VenueInput) -> Result<Self, Invalids> {
        let mut invalid = Invalids::default();
        let name = invalid.or_default(text::bounded("name", &input.name, 1, 120, false));
        let address = invalid.or_default(text::bounded("address", &input.address, 1, 200, false));
        let city = invalid.or_default(text::bounded("city", &input.city, 1, 80, false));
        let country = input.country.trim();
        if country.len() != 2 || !country.chars().all(|c| c.is_ascii_alphabetic()) {
            invalid.add(Invalid::new("country", "must be a two-letter country code like NL"));
        }
        if let Some(c) = input.coordinates {
            if !(-90.0..=90.0).contains(&c.latitude) || !c.latitude.is_finite() {
                invalid.add(Invalid::new("coordinates.latitude", "must be between -90 and 90"));
            }
            if !(-180.0..=180.0).contains(&c.longitude) || !c.longitude.is_finite() {
                invalid.add(Invalid::new("coordinates.longitude", "must be between -180 and 180"));
            }
        }
        let time_zone: Tz = input.time_zone.trim().parse().unwrap_or_else(|_| {
            invalid.add(Invalid::new("time_zone", "must be an IANA time zone like Europe/Amsterdam"));
            Tz::UTC
        });
        let opening_hours = invalid.or_default(WeeklyHours::parse(input.opening_hours));
        if input.closures.len() > MAX_CLOSURES {
            invalid.add(Invalid::new("closures", format!("at most {MAX_CLOSURES} dates")));
        }
        let mut closures = input.closures;
        closures.sort();
        closures.dedup();
        let amenities = invalid.or_default(tag::normalise_list("amenities", &input.amenities));
        let house_rules = invalid.or_default(text::optional("house_rules", input.house_rules.as_deref(), 4000, true));
        let no_show_grace_minutes = input.no_show_grace_minutes.unwrap_or(DEFAULT_GRACE_MINUTES);
        if no_show_grace_minutes > 240 {
            invalid.add(Invalid::new("no_show_grace_minutes", "must be at most 240 minutes"));
        }
        let day_pass = input.day_pass.and_then(|pass| match pass.parse() {
            Ok(pass) => Some(pass),
            Err(errors) => {
                invalid.extend(errors);
                None
            }
        });
        invalid.finish(Self {
            name,
            kind: input.kind,
            address,
            city,
            country: country.to_ascii_uppercase(),
            coordinates: input.coordinates,
            time_zone,
            opening_hours,
            closures,
            amenities,
            house_rules,
            no_show_grace_minutes,
            day_pass,
            requires_approval: input.requires_approval,
            welcomes_gatherings: input.welcomes_gatherings,
        })
    }
}

/// The form of a city name used to find venues: trimmed, single-spaced, case-folded.
pub fn city_key(city: &str) -> String {
    tag::normalise(city).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn input() -> VenueInput {
        serde_json::from_value(serde_json::json!({
            "name": "Café de Zwaan", "kind": "cafe", "address": "Oudegracht 12", "city": "Utrecht",
            "country": "nl", "time_zone": "Europe/Amsterdam",
            "opening_hours": [{"day": "monday", "opens": "08:00", "closes": "18:00"}],
            "amenities": ["Wi-Fi", "wi-fi", "Coffee"]
        }))
        .unwrap()
    }

    #[test]
    fn a_valid_venue_is_normalised() {
        let draft = VenueDraft::parse(input()).unwrap();
        assert_eq!(draft.country, "NL");
        assert_eq!(draft.amenities, vec!["wi-fi", "coffee"]);
        assert_eq!(draft.no_show_grace_minutes, DEFAULT_GRACE_MINUTES);
    }

    #[test]
    fn an_unknown_time_zone_is_refused() {
        let mut i = input();
        i.time_zone = "Mars/Olympus".into();
        assert_eq!(VenueDraft::parse(i).unwrap_err().first().unwrap().field, "time_zone");
    }

    #[test]
    fn coordinates_off_the_globe_are_refused() {
        let mut i = input();
        i.coordinates = Some(Coordinates { latitude: 91.0, longitude: 0.0 });
        assert_eq!(VenueDraft::parse(i).unwrap_err().first().unwrap().field, "coordinates.latitude");
    }

    #[test]
    fn a_ten_thousand_character_name_is_refused() {
        let mut i = input();
        i.name = "n".repeat(10_000);
        assert_eq!(VenueDraft::parse(i).unwrap_err().first().unwrap().field, "name");
    }

    #[test]
    fn every_broken_field_of_a_venue_is_named_at_once() {
        let mut i = input();
        i.name = " ".into();
        i.city = String::new();
        i.country = "Netherlands".into();
        i.time_zone = "Mars/Olympus".into();
        i.no_show_grace_minutes = Some(999);
        let fields: Vec<_> = VenueDraft::parse(i).unwrap_err().iter().map(|e| e.field.clone()).collect();
        assert_eq!(fields, ["name", "city", "country", "time_zone", "no_show_grace_minutes"]);
    }

    #[test]
    fn the_documented_country_and_time_zone_are_the_ones_parsed() {
        let country = serde_json::to_value(country_schema()).unwrap();
        assert_eq!(country["type"], "string");
        assert!(country["pattern"].as_str().unwrap().contains("[A-Za-z]{2}"), "{country}");
        let zones = serde_json::to_value(time_zone_schema()).unwrap();
        let names = zones["enum"].as_array().unwrap();
        assert_eq!(names.len(), chrono_tz::TZ_VARIANTS.len());
        assert!(names.contains(&serde_json::json!("Europe/Amsterdam")), "{zones}");
    }

    #[test]
    fn a_day_pass_has_a_bounded_price_and_a_three_letter_currency() {
        let pass = |price_minor, currency: &str| DayPass { price_minor, currency: currency.into() }.parse();
        assert_eq!(pass(2500, " eur ").unwrap(), DayPass { price_minor: 2500, currency: "EUR".into() });
        assert!(pass(MAX_DAY_PASS, "EUR").is_ok());
        assert_eq!(pass(MAX_DAY_PASS + 1, "EUR").unwrap_err().first().unwrap().field, "day_pass.price_minor");
        for bad in ["EU", "EURO", "E1R", ""] {
            assert_eq!(pass(1, bad).unwrap_err().first().unwrap().field, "day_pass.currency", "{bad}");
        }
        let mut i = input();
        i.day_pass = Some(DayPass { price_minor: MAX_DAY_PASS + 1, currency: "x".into() });
        let fields: Vec<_> = VenueDraft::parse(i).unwrap_err().iter().map(|e| e.field.clone()).collect();
        assert_eq!(fields, ["day_pass.price_minor", "day_pass.currency"]);
    }

    #[test]
    fn amounts_read_and_write_with_their_currency_s_decimals() {
        assert_eq!((minor_digits("EUR"), minor_digits("jpy"), minor_digits("KWD")), (2, 0, 3));
        assert_eq!(decimal(2500, "EUR"), "25.00");
        assert_eq!(decimal(2505, "EUR"), "25.05");
        assert_eq!(decimal(2500, "JPY"), "2500");
        assert_eq!(decimal(2500, "KWD"), "2.500");
        assert_eq!(decimal(0, "EUR"), "0.00");
        assert_eq!(parse_amount("25", "EUR"), Some(2500));
        assert_eq!(parse_amount(" 25.5 ", "EUR"), Some(2550));
        assert_eq!(parse_amount("25,05", "EUR"), Some(2505));
        assert_eq!(parse_amount("25.", "EUR"), Some(2500), "a point with nothing after it");
        assert_eq!(parse_amount("2500", "JPY"), Some(2500));
        assert_eq!(parse_amount("2.5", "KWD"), Some(2500));
        for (bad, currency) in [
            ("", "EUR"),
            (".5", "EUR"),
            ("25.123", "EUR"),
            ("25.5", "JPY"),
            ("-1", "EUR"),
            ("1e3", "EUR"),
            ("twenty", "EUR"),
            ("99999999999", "EUR"),
        ] {
            assert_eq!(parse_amount(bad, currency), None, "{bad} {currency}");
        }
    }

    #[test]
    fn seats_are_worth_the_day_pass_times_the_days_without_overflow() {
        let pass = DayPass { price_minor: MAX_DAY_PASS, currency: "EUR".into() };
        assert_eq!(pass.worth(0), 0);
        assert_eq!(pass.worth(3), 30_000_000);
        assert_eq!(pass.worth(u32::MAX), u64::from(MAX_DAY_PASS) * u64::from(u32::MAX));
    }

    #[test]
    fn kinds_are_stored_under_the_names_the_api_shows() {
        use VenueKind::*;
        for kind in [Cafe, Library, University, CorporateOffice, CoworkingCentre, Home, Other] {
            assert_eq!(serde_json::to_value(kind).unwrap(), kind.as_str());
            assert_eq!(VenueKind::from_str_opt(kind.as_str()), Some(kind));
        }
        assert_eq!(VenueKind::from_str_opt("castle"), None);
    }

    #[test]
    fn a_country_is_two_letters() {
        for bad in ["NLD", "N1", "N", ""] {
            let mut i = input();
            i.country = bad.into();
            assert_eq!(VenueDraft::parse(i).unwrap_err().first().unwrap().field, "country", "{bad:?}");
        }
    }

    #[test]
    fn coordinates_are_checked_on_both_axes_at_their_edges() {
        let with = |latitude: f64, longitude: f64| {
            let mut i = input();
            i.coordinates = Some(Coordinates { latitude, longitude });
            VenueDraft::parse(i).map(|d| d.coordinates).map_err(|e| e.first().unwrap().field.clone())
        };
        assert!(with(90.0, 180.0).is_ok());
        assert!(with(-90.0, -180.0).is_ok());
        assert_eq!(with(-90.5, 0.0).unwrap_err(), "coordinates.latitude");
        assert_eq!(with(f64::NAN, 0.0).unwrap_err(), "coordinates.latitude");
        assert_eq!(with(0.0, 180.5).unwrap_err(), "coordinates.longitude");
        assert_eq!(with(0.0, -180.5).unwrap_err(), "coordinates.longitude");
        assert_eq!(with(0.0, f64::INFINITY).unwrap_err(), "coordinates.longitude");
    }

    #[test]
    fn closures_are_sorted_and_counted_up_to_four_hundred() {
        let first = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let mut i = input();
        i.closures = first.iter_days().take(MAX_CLOSURES).collect::<Vec<_>>().into_iter().rev().collect();
        let draft = VenueDraft::parse(i).unwrap();
        assert_eq!((draft.closures.len(), draft.closures[0]), (MAX_CLOSURES, first));
        let mut i = input();
        i.closures = vec![first; MAX_CLOSURES + 1];
        assert_eq!(VenueDraft::parse(i).unwrap_err().first().unwrap().field, "closures");
    }

    #[test]
    fn the_no_show_grace_is_at_most_four_hours() {
        let mut i = input();
        i.no_show_grace_minutes = Some(240);
        assert_eq!(VenueDraft::parse(i).unwrap().no_show_grace_minutes, 240);
        let mut i = input();
        i.no_show_grace_minutes = Some(241);
        assert_eq!(VenueDraft::parse(i).unwrap_err().first().unwrap().field, "no_show_grace_minutes");
    }

    #[test]
    fn city_keys_ignore_case_and_spacing() {
        assert_eq!(city_key("  Den   Haag "), "den haag");
        assert_eq!(city_key("DEN HAAG"), "den haag");
    }
}
