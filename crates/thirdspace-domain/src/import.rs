//! Files a host imports: the members of a venue to invite, as CSV (`name,email,tags`). A file is
//! read whole into rows and every error of every row, each at its line and column, so a preview
//! can show them all before anything is written.

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::email::Email;
use crate::hours::{ClockTime, OpeningPeriod, Weekday};
use crate::venue::{Coordinates, VenueDraft, VenueInput, VenueKind};
use crate::{tag, text, Invalids};

/// The largest file read, in bytes (1 MiB).
pub const MAX_BYTES: usize = 1 << 20;
/// The most rows a file may hold under its header.
pub const MAX_ROWS: usize = 2_000;
/// The longest name of a member, in characters.
pub const MAX_NAME: usize = 100;

/// What is wrong at one place of a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    /// The file's line the row starts on, 1-based, the header being line 1.
    pub line: u64,
    /// The column's name as the header gives it; none for the whole row or file.
    pub column: Option<String>,
    pub message: String,
}

impl RowError {
    fn new(line: u64, column: Option<&str>, message: impl Into<String>) -> Self {
        Self { line, column: column.map(str::to_owned), message: message.into() }
    }
}

/// A file read: the rows that obey every rule, and what is wrong with the others.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed<T> {
    pub rows: Vec<T>,
    pub errors: Vec<RowError>,
}

/// A member to invite, as one row of the file gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberRow {
    pub line: u64,
    pub name: Option<String>,
    pub email: Email,
    /// Normalised like a profile's tags.
    pub tags: Vec<String>,
}

/// The columns of a members' file: `email` is required, `name` and `tags` may be left out.
const MEMBER_COLUMNS: [&str; 3] = ["name", "email", "tags"];

/// Reads a members' file: a header row naming its columns (in any order, in any case), then one
/// member a row; tags are separated by `;` within their cell. A UTF-8 byte order mark and CRLF
/// line ends are fine, and quoted cells may hold commas, quotes and line breaks. An address
/// repeated in the file is an error on its later line.
pub fn members(bytes: &[u8]) -> Parsed<MemberRow> {
    let mut errors = Vec::new();
    let Some(table) = table(bytes, &MEMBER_COLUMNS, &["email"], &mut errors) else {
        return Parsed { rows: Vec::new(), errors };
    };
    let mut rows = Vec::new();
    let mut first_line: HashMap<Email, u64> = HashMap::new();
    for (line, cells) in table {
        let cell = |name: &str| cells.get(name).map(String::as_str).unwrap_or_default();
        let before = errors.len();
        let mut fault = |column: &str, message: String| errors.push(RowError::new(line, Some(column), message));
        let name = match text::optional("name", Some(cell("name")), MAX_NAME, false) {
            Ok(name) => name,
            Err(e) => {
                fault("name", e.message);
                None
            }
        };
        let email = match Email::parse(cell("email")) {
            Ok(email) => match first_line.get(&email) {
                Some(first) => {
                    fault("email", format!("repeats the address on line {first}"));
                    None
                }
                None => {
                    first_line.insert(email.clone(), line);
                    Some(email)
                }
            },
            Err(e) => {
                fault("email", e.message);
                None
            }
        };
        let parts: Vec<String> = cell("tags").split(';').map(str::to_owned).collect();
        let tags = match tag::normalise_list("tags", &parts) {
            Ok(tags) => tags,
            Err(e) => {
                fault("tags", e.message);
                Vec::new()
            }
        };
        if let (Some(email), true) = (email, errors.len() == before) {
            rows.push(MemberRow { line, name, email, tags });
        }
    }
    Parsed { rows, errors }
}

/// A venue to create, as one row of a venues' file gives it: checked by the very rules of a venue
/// created one at a time ([`VenueDraft::parse`]).
#[derive(Debug, Clone, PartialEq)]
pub struct VenueRow {
    pub line: u64,
    pub draft: VenueDraft,
}

/// The columns of a venues' file.
const VENUE_COLUMNS: [&str; 15] = [
    "name",
    "kind",
    "address",
    "city",
    "country",
    "time_zone",
    "latitude",
    "longitude",
    "opening_hours",
    "closures",
    "amenities",
    "house_rules",
    "no_show_grace_minutes",
    "requires_approval",
    "welcomes_gatherings",
];
/// The columns a venues' file must have.
const VENUE_REQUIRED: [&str; 7] = ["name", "kind", "address", "city", "country", "time_zone", "opening_hours"];

/// Reads a venues' file (a network admin's): a header row naming its columns in any order and
/// case, then one venue a row. `opening_hours` is a list like `mon 08:00-18:00; tue 08:00-12:00;
/// tue 13:00-18:00` (days by name or their first three letters), `closures` dates like
/// `2026-12-25; 2026-12-26`, `amenities` tags separated by `;`, `requires_approval` and
/// `welcomes_gatherings` `yes` or `no` (blank is no). Each row is held to the rules of a venue
/// created through the API, each broken rule at its column.
pub fn venues(bytes: &[u8]) -> Parsed<VenueRow> {
    let mut errors = Vec::new();
    let Some(table) = table(bytes, &VENUE_COLUMNS, &VENUE_REQUIRED, &mut errors) else {
        return Parsed { rows: Vec::new(), errors };
    };
    let mut rows = Vec::new();
    for (line, cells) in table {
        let cell = |name: &str| cells.get(name).map(|v| v.trim()).unwrap_or_default();
        let before = errors.len();
        let mut fault = |column: &str, message: String| errors.push(RowError::new(line, Some(column), message));
        let kind = VenueKind::from_str_opt(&cell("kind").to_lowercase());
        if kind.is_none() {
            fault(
                "kind",
                "must be one of cafe, library, university, corporate_office, coworking_centre, home, other".into(),
            );
        }
        let coordinates = match (cell("latitude"), cell("longitude")) {
            ("", "") => None,
            (lat, lon) => match (lat.parse::<f64>(), lon.parse::<f64>()) {
                (Ok(latitude), Ok(longitude)) => Some(Coordinates { latitude, longitude }),
                (Err(_), _) => {
                    fault("latitude", "must be a number like 52.09, given with the longitude".into());
                    None
                }
                (_, Err(_)) => {
                    fault("longitude", "must be a number like 5.11, given with the latitude".into());
                    None
                }
            },
        };
        let opening_hours = periods(cell("opening_hours")).unwrap_or_else(|message| {
            fault("opening_hours", message);
            Vec::new()
        });
        let closures = list(cell("closures"))
            .map(|raw| NaiveDate::parse_from_str(raw, "%Y-%m-%d").map_err(|_| raw))
            .collect::<Result<Vec<_>, _>>()
            .unwrap_or_else(|raw| {
                fault("closures", format!("\"{raw}\" is not a date like 2026-12-25"));
                Vec::new()
            });
        let grace = match cell("no_show_grace_minutes") {
            "" => None,
            raw => raw.parse::<u16>().ok().or_else(|| {
                fault("no_show_grace_minutes", "must be a whole number of minutes up to 240".into());
                None
            }),
        };
        let mut flag = |column: &str| match cell(column).to_lowercase().as_str() {
            "" | "no" | "false" => false,
            "yes" | "true" => true,
            _ => {
                fault(column, "must be yes or no".into());
                false
            }
        };
        let (requires_approval, welcomes_gatherings) = (flag("requires_approval"), flag("welcomes_gatherings"));
        let (Some(kind), true) = (kind, errors.len() == before) else { continue };
        let input = VenueInput {
            name: cell("name").to_owned(),
            kind,
            address: cell("address").to_owned(),
            city: cell("city").to_owned(),
            country: cell("country").to_owned(),
            coordinates,
            time_zone: cell("time_zone").to_owned(),
            opening_hours,
            closures,
            amenities: list(cell("amenities")).map(str::to_owned).collect(),
            house_rules: Some(cell("house_rules").to_owned()),
            no_show_grace_minutes: grace,
            day_pass: None,
            requires_approval,
            welcomes_gatherings,
        };
        match VenueDraft::parse(input) {
            Ok(draft) => rows.push(VenueRow { line, draft }),
            Err(invalids) => errors.extend(at_columns(line, &invalids)),
        }
    }
    Parsed { rows, errors }
}

/// The items of a cell separated by `;`, blanks left out.
fn list(cell: &str) -> impl Iterator<Item = &str> {
    cell.split(';').map(str::trim).filter(|item| !item.is_empty())
}

/// Opening periods like `mon 08:00-18:00; tuesday 08:00-12:00`.
fn periods(cell: &str) -> Result<Vec<OpeningPeriod>, String> {
    list(cell)
        .map(|item| {
            let wrong = || format!("\"{item}\" is not a day and hours like mon 08:00-18:00");
            let (day, hours) = item.split_once(char::is_whitespace).ok_or_else(wrong)?;
            let day = day.to_lowercase();
            let day = Weekday::ALL
                .into_iter()
                .find(|d| {
                    let name = format!("{d:?}").to_lowercase();
                    name == day || name[..3] == day
                })
                .ok_or_else(wrong)?;
            let (opens, closes) = hours.trim().split_once('-').ok_or_else(wrong)?;
            let time = |raw: &str| ClockTime::parse("opening_hours", raw.trim()).map_err(|_| wrong());
            Ok(OpeningPeriod { day, opens: time(opens)?, closes: time(closes)? })
        })
        .collect()
}

/// A venue's broken rules, each at the column its field comes from.
fn at_columns(line: u64, invalids: &Invalids) -> Vec<RowError> {
    invalids
        .iter()
        .map(|invalid| {
            let column = match invalid.field.as_str() {
                "coordinates.latitude" => "latitude",
                "coordinates.longitude" => "longitude",
                field => field.split(['[', '.']).next().unwrap_or(field),
            };
            RowError::new(line, Some(column), invalid.message.clone())
        })
        .collect()
}

/// The rows under a file's header, each with its line and its cells by column name (lower-cased,
/// trimmed); none when the file cannot be read as a table of `known` columns that include
/// `required`, with why in `errors`. A row of the wrong length is an error, not a row.
fn table(
    bytes: &[u8],
    known: &[&str],
    required: &[&str],
    errors: &mut Vec<RowError>,
) -> Option<Vec<(u64, HashMap<String, String>)>> {
    if bytes.len() > MAX_BYTES {
        errors.push(RowError::new(1, None, "the file is larger than 1 MiB: split it into smaller files"));
        return None;
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(bytes);
    let mut records = reader.byte_records();
    let header = match records.next() {
        None => {
            errors.push(RowError::new(1, None, "the file is empty: its first line must name the columns"));
            return None;
        }
        Some(Err(e)) => {
            errors.push(unreadable(bytes, &e));
            return None;
        }
        Some(Ok(header)) => header,
    };
    let mut columns = Vec::new();
    for raw in header.iter() {
        let name = String::from_utf8_lossy(raw).trim().to_lowercase();
        if !known.contains(&name.as_str()) {
            let message = format!("is not a column of this file: the columns are {}", known.join(", "));
            errors.push(RowError::new(1, Some(&name), message));
        } else if columns.contains(&name) {
            errors.push(RowError::new(1, Some(&name), "is named twice in the header"));
        }
        columns.push(name);
    }
    for missing in required.iter().filter(|r| !columns.iter().any(|c| c == *r)) {
        errors.push(RowError::new(1, Some(missing), "is missing from the header on the first line"));
    }
    if !errors.is_empty() {
        return None;
    }
    let mut rows = Vec::new();
    for record in records {
        let record = match record {
            Ok(record) => record,
            Err(e) => {
                errors.push(unreadable(bytes, &e));
                return None;
            }
        };
        let line = record.position().map_or(1, |p| line_at(bytes, p));
        if rows.len() == MAX_ROWS {
            errors.push(RowError::new(line, None, format!("a file may hold at most {MAX_ROWS} rows under its header")));
            return None;
        }
        if record.len() != columns.len() {
            let message = format!("has {} cells where the header names {} columns", record.len(), columns.len());
            errors.push(RowError::new(line, None, message));
            continue;
        }
        let mut cells = HashMap::new();
        for (column, raw) in columns.iter().zip(record.iter()) {
            match std::str::from_utf8(raw) {
                Ok(value) => {
                    cells.insert(column.clone(), value.to_owned());
                }
                Err(_) => errors.push(RowError::new(line, Some(column), "is not UTF-8 text: save the file as UTF-8")),
            }
        }
        if cells.len() == columns.len() {
            rows.push((line, cells));
        }
    }
    Some(rows)
}

/// The line a record starts on. The reader's own count lags behind after a CRLF (it reports the
/// record from the `\n` that ends the line before), so it is counted from the bytes.
fn line_at(bytes: &[u8], position: &csv::Position) -> u64 {
    let start = usize::try_from(position.byte()).unwrap_or(usize::MAX).min(bytes.len());
    let start = bytes[start..].iter().position(|b| !matches!(b, b'\r' | b'\n')).map_or(bytes.len(), |n| start + n);
    1 + bytes[..start].iter().filter(|b| **b == b'\n').count() as u64
}

fn unreadable(bytes: &[u8], e: &csv::Error) -> RowError {
    let line = e.position().map_or(1, |p| line_at(bytes, p));
    RowError::new(line, None, "cannot be read as CSV: check its quotes")
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn error(line: u64, column: Option<&str>, message: &str) -> RowError {
        RowError::new(line, column, message)
    }

    #[test]
    fn rows_are_read_in_any_column_order_and_case() {
        let file = "Tags,EMAIL, name \nUX; Research ;ux,anna@acme.example,Anna de Vries\n,bo@acme.example,\n";
        let parsed = members(file.as_bytes());
        assert_eq!(parsed.errors, vec![]);
        assert_eq!(
            parsed.rows,
            vec![
                MemberRow {
                    line: 2,
                    name: Some("Anna de Vries".into()),
                    email: Email::parse("anna@acme.example").unwrap(),
                    tags: vec!["ux".into(), "research".into()],
                },
                MemberRow { line: 3, name: None, email: Email::parse("bo@acme.example").unwrap(), tags: vec![] },
            ]
        );
    }

    #[test]
    fn a_bom_crlf_and_quoted_cells_with_commas_and_line_breaks_are_read() {
        let file = "\u{FEFF}email,name,tags\r\ncy@acme.example,\"Cy, the \"\"elder\"\"\",\"a;b\"\r\n\"dee@acme.example\",Dee,\"c, d;\ne\"\r\ney@acme.example,Ey,\r\n";
        let parsed = members(file.as_bytes());
        assert_eq!(parsed.rows[0].name.as_deref(), Some("Cy, the \"elder\""));
        assert_eq!(parsed.rows[0].tags, vec!["a", "b"]);
        assert_eq!(parsed.rows[1].line, 3);
        assert_eq!(parsed.rows[2].line, 5, "the line break inside a quoted cell counts");
        assert_eq!(parsed.rows[1].tags, vec!["c, d", "e"]);
        assert_eq!(parsed.errors, vec![]);
    }

    #[test]
    fn each_error_names_its_line_and_column_and_the_good_rows_are_kept() {
        let file =
            "name,email,tags\nAnna,anna@acme.example,\nBo,not-an-address,\nCy,cy@acme.example,\n,ANNA@acme.example,\n";
        let parsed = members(file.as_bytes());
        assert_eq!(
            parsed.errors,
            vec![
                error(3, Some("email"), "must be an e-mail address like name@example.org"),
                error(5, Some("email"), "repeats the address on line 2"),
            ]
        );
        assert_eq!(parsed.rows.iter().map(|r| r.line).collect::<Vec<_>>(), vec![2, 4]);
    }

    #[test]
    fn a_name_and_tags_follow_the_rules_of_a_profile() {
        let long = "x".repeat(MAX_NAME + 1);
        let tag = "t".repeat(tag::MAX_TAG_CHARS + 1);
        let file = format!(
            "name,email,tags\n{long},a@acme.example,\nOk,b@acme.example,{tag}\n\"A\u{202E}B\",c@acme.example,\n"
        );
        let parsed = members(file.as_bytes());
        let places: Vec<_> = parsed.errors.iter().map(|e| (e.line, e.column.as_deref())).collect();
        assert_eq!(places, vec![(2, Some("name")), (3, Some("tags")), (4, Some("name"))]);
        assert!(parsed.rows.is_empty());
        let exact = format!("name,email\n{},a@acme.example\n", "x".repeat(MAX_NAME));
        assert_eq!(members(exact.as_bytes()).rows.len(), 1);
    }

    #[test]
    fn the_header_must_name_known_columns_once_and_the_address() {
        assert_eq!(
            members(b"").errors,
            vec![error(1, None, "the file is empty: its first line must name the columns")]
        );
        assert_eq!(
            members(b"name,phone\nAnna,123\n").errors,
            vec![
                error(1, Some("phone"), "is not a column of this file: the columns are name, email, tags"),
                error(1, Some("email"), "is missing from the header on the first line"),
            ]
        );
        assert_eq!(members(b"email,Email\n").errors, vec![error(1, Some("email"), "is named twice in the header")]);
    }

    #[test]
    fn a_row_of_the_wrong_length_or_bytes_is_an_error_at_its_line() {
        let parsed =
            members(b"name,email\nAnna\nBo,bo@acme.example,extra\nCy,cy@acme.example\n\xFF,dee@acme.example\n");
        assert_eq!(
            parsed.errors,
            vec![
                error(2, None, "has 1 cells where the header names 2 columns"),
                error(3, None, "has 3 cells where the header names 2 columns"),
                error(5, Some("name"), "is not UTF-8 text: save the file as UTF-8"),
            ]
        );
        assert_eq!(parsed.rows.len(), 1);
    }

    #[test]
    fn a_file_is_bounded_in_rows_and_bytes() {
        let rows = |n: usize| {
            let mut file = String::from("email\n");
            for i in 0..n {
                file.push_str(&format!("m{i}@acme.example\n"));
            }
            file
        };
        let full = members(rows(MAX_ROWS).as_bytes());
        assert_eq!((full.rows.len(), full.errors.len()), (MAX_ROWS, 0));
        let over = members(rows(MAX_ROWS + 1).as_bytes());
        assert!(over.rows.is_empty());
        assert_eq!(
            over.errors,
            vec![error(MAX_ROWS as u64 + 2, None, "a file may hold at most 2000 rows under its header")]
        );
        let mut big = b"email\n".to_vec();
        big.resize(MAX_BYTES, b'\n');
        assert!(members(&big).errors.is_empty());
        big.push(b'\n');
        assert_eq!(members(&big).errors[0].message, "the file is larger than 1 MiB: split it into smaller files");
    }

    #[test]
    fn an_unclosed_quote_is_an_error_not_a_row() {
        let parsed = members(b"name,email\n\"Anna,anna@acme.example\n");
        assert!(parsed.rows.is_empty());
        assert_eq!(parsed.errors.len(), 1);
    }

    const VENUE_HEADER: &str =
        "name,kind,address,city,country,time_zone,opening_hours,closures,amenities,latitude,longitude";

    #[test]
    fn a_venue_row_obeys_the_rules_of_a_venue_created_through_the_api() {
        let file = format!(
            "{VENUE_HEADER}\nCafé de Zwaan,Cafe,Oudegracht 12,Utrecht,nl,Europe/Amsterdam,\"mon 08:00-12:00; Monday 13:00-18:00; sat 10:00-16:00\",2026-12-25,wifi;Quiet,52.09,5.11\n"
        );
        let parsed = venues(file.as_bytes());
        assert_eq!(parsed.errors, vec![]);
        let draft = &parsed.rows[0].draft;
        assert_eq!((parsed.rows[0].line, draft.name.as_str(), draft.country.as_str()), (2, "Café de Zwaan", "NL"));
        assert_eq!(draft.kind, VenueKind::Cafe);
        assert_eq!(draft.opening_hours.on(Weekday::Monday).count(), 2);
        assert_eq!(draft.closures, vec![NaiveDate::from_ymd_opt(2026, 12, 25).unwrap()]);
        assert_eq!(draft.amenities, vec!["wifi", "quiet"]);
        assert_eq!(draft.coordinates, Some(Coordinates { latitude: 52.09, longitude: 5.11 }));
    }

    #[test]
    fn each_broken_rule_of_a_venue_is_at_its_column() {
        let file = format!(
            "{VENUE_HEADER}\n,barn,Street 1,Utrecht,NLD,Mars/Base,mon 18:00-08:00,soon,,95,5\nOk,home,Street 2,Utrecht,NL,UTC,someday 9-5,,,,\n"
        );
        let parsed = venues(file.as_bytes());
        let places: Vec<_> = parsed.errors.iter().map(|e| (e.line, e.column.as_deref().unwrap_or(""))).collect();
        assert_eq!(places, vec![(2, "kind"), (2, "closures"), (3, "opening_hours")]);
        let fixed = file.replace(",barn,", ",home,").replace(",soon,", ",,").replace("someday 9-5", "sun 09:00-17:00");
        let parsed = venues(fixed.as_bytes());
        let places: Vec<_> = parsed.errors.iter().map(|e| (e.line, e.column.as_deref().unwrap_or(""))).collect();
        assert_eq!(
            places,
            vec![(2, "name"), (2, "country"), (2, "latitude"), (2, "time_zone"), (2, "opening_hours")],
            "the venue's own rules, each at its column: {:?}",
            parsed.errors
        );
        assert_eq!(parsed.rows.len(), 1);
        assert!(venues(b"name,kind\nA,cafe\n").errors.iter().any(|e| e.column.as_deref() == Some("time_zone")));
    }

    #[test]
    fn approval_and_gatherings_are_yes_or_no() {
        let header = "name,kind,address,city,country,time_zone,opening_hours,requires_approval,welcomes_gatherings";
        let row = |approval: &str, gatherings: &str| {
            format!("{header}\nA,cafe,Street 1,Utrecht,NL,UTC,mon 08:00-18:00,{approval},{gatherings}\n")
        };
        let yes = venues(row("Yes", "true").as_bytes());
        let draft = &yes.rows[0].draft;
        assert_eq!((draft.requires_approval, draft.welcomes_gatherings), (true, true));
        let no = venues(row("no", "").as_bytes());
        let draft = &no.rows[0].draft;
        assert_eq!((draft.requires_approval, draft.welcomes_gatherings), (false, false));
        let maybe = venues(row("maybe", "no").as_bytes());
        assert_eq!(maybe.errors, vec![error(2, Some("requires_approval"), "must be yes or no")]);
    }

    proptest! {
        #[test]
        fn any_row_written_by_a_csv_writer_is_read_back_at_its_line(
            rows in proptest::collection::vec(("[a-zA-Z ,\";]{1,20}", 0..3usize), 1..20)
        ) {
            let mut writer = csv::Writer::from_writer(Vec::new());
            writer.write_record(["email", "name", "tags"]).unwrap();
            for (i, (name, breaks)) in rows.iter().enumerate() {
                writer.write_record([format!("m{i}@acme.example"), name.clone(), "t;\n".repeat(*breaks)]).unwrap();
            }
            let parsed = members(&writer.into_inner().unwrap());
            prop_assert_eq!(&parsed.errors, &vec![]);
            let mut line = 2;
            for (row, (name, breaks)) in parsed.rows.iter().zip(&rows) {
                let kept = text::optional("name", Some(name), MAX_NAME, false).unwrap();
                let tags: Vec<String> = if *breaks > 0 { vec!["t".into()] } else { vec![] };
                prop_assert_eq!((row.line, &row.name, &row.tags), (line, &kept, &tags));
                line += *breaks as u64 + 1;
            }
            prop_assert_eq!(parsed.rows.len(), rows.len());
        }
    }
}
