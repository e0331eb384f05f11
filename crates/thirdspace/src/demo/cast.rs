//! The demo's cast: people with varied, realistic profiles and the venues that open seats to
//! them. Pure data, no I/O: the same seed always gives the same people.

use std::collections::HashSet;

use rand::seq::SliceRandom;
use rand::{rngs::StdRng, Rng, SeedableRng};
use thirdspace_domain::hours::{ClockTime, OpeningPeriod, Weekday};
use thirdspace_domain::profile::{ProfileInput, Visibility};
use thirdspace_domain::space::{SpaceInput, SpaceKind};
use thirdspace_domain::venue::{Coordinates, DayPass, VenueInput, VenueKind};

/// One demo person: their login, profile, and what they say about today.
#[derive(Debug, Clone)]
pub struct DemoPerson {
    /// Their login, unique and plain lowercase ASCII, e.g. "anna.devries@demo.thirdspace.test".
    pub email: String,
    /// What they show of themselves, in the raw form a person would type it.
    pub profile: ProfileInput,
    /// Their answer to "What's your focus today?".
    pub focus: String,
    /// What they will share today in return for the seat.
    pub pledge: String,
    /// "freelancer", "student", "employee", "founder" or "researcher".
    pub role: &'static str,
}

/// One demo venue with the spaces it opens.
#[derive(Debug, Clone)]
pub struct DemoVenue {
    /// The venue as its host would describe it.
    pub venue: VenueInput,
    /// Its spaces: always open seating with seats for social capital, sometimes a meeting room.
    pub spaces: Vec<SpaceInput>,
}

/// About forty people with varied, realistic profiles, the same for the same seed. The first
/// people walk through every archetype once, so a cast of at least 24 shows every kind of person.
pub fn people(seed: u64, count: usize) -> Vec<DemoPerson> {
    let mut rng = StdRng::seed_from_u64(seed);
    let visibilities = visibilities(&mut rng, count);
    let mut names = HashSet::new();
    let mut logins = HashSet::new();
    visibilities
        .into_iter()
        .enumerate()
        .map(|(i, visibility)| {
            let archetype = match ARCHETYPES.get(i) {
                Some(archetype) => archetype,
                None => &ARCHETYPES[rng.gen_range(0..ARCHETYPES.len())],
            };
            person(&mut rng, archetype, visibility, &mut names, &mut logins)
        })
        .collect()
}

/// Three venues of different kinds in two cities, open every day of the week from at least
/// 08:00 to 22:00, so the demo works whenever it is run.
pub fn venues() -> Vec<DemoVenue> {
    vec![
        DemoVenue {
            venue: VenueInput {
                name: "Café De Wolkenfabriek".into(),
                kind: VenueKind::Cafe,
                address: "Twijnstraat 41".into(),
                city: "Utrecht".into(),
                country: "NL".into(),
                coordinates: Some(Coordinates { latitude: 52.0851, longitude: 5.1236 }),
                time_zone: TIME_ZONE.into(),
                opening_hours: week([
                    (700, 2300),
                    (700, 2300),
                    (700, 2300),
                    (700, 2300),
                    (700, 2400),
                    (800, 2400),
                    (800, 2230),
                ]),
                closures: Vec::new(),
                amenities: strings(&["Wifi", "Power outlets", "Coffee", "Plant-based lunch", "Bike parking"]),
                house_rules: Some(
                    "Buy a drink every couple of hours and stay as long as you like. Take calls at the long \
                     table, not by the window. Say hello to whoever sits next to you: that is why you are here."
                        .into(),
                ),
                no_show_grace_minutes: Some(20),
                day_pass: Some(DayPass { price_minor: 1500, currency: "EUR".into() }),
                requires_approval: false,
                welcomes_gatherings: true,
            },
            spaces: vec![open_seating("Long table and window seats", 18, 6)],
        },
        DemoVenue {
            venue: VenueInput {
                name: "Bibliotheek Lombok Leeszaal".into(),
                kind: VenueKind::Library,
                address: "Kanaalstraat 152".into(),
                city: "Utrecht".into(),
                country: "NL".into(),
                coordinates: Some(Coordinates { latitude: 52.0907, longitude: 5.1019 }),
                time_zone: TIME_ZONE.into(),
                opening_hours: week([
                    (730, 2230),
                    (730, 2230),
                    (730, 2230),
                    (730, 2230),
                    (730, 2200),
                    (800, 2200),
                    (800, 2200),
                ]),
                closures: Vec::new(),
                amenities: strings(&["Wifi", "Power outlets", "Quiet zone", "Printer", "Lockers", "Coffee machine"]),
                house_rules: Some(
                    "Whisper in the reading room and talk freely in the café corner. Drinks with a lid are \
                     welcome at the desks, meals are not. Take your things along if you leave for more than \
                     half an hour."
                        .into(),
                ),
                no_show_grace_minutes: None,
                day_pass: None,
                requires_approval: false,
                welcomes_gatherings: true,
            },
            spaces: vec![
                open_seating("Reading room", 36, 14),
                open_seating("Quiet study corner", 12, 6),
                meeting_room("Project room", 8),
            ],
        },
        DemoVenue {
            venue: VenueInput {
                name: "Campus Kralingen Learning Hub".into(),
                kind: VenueKind::University,
                address: "Kralingse Plaslaan 40".into(),
                city: "Rotterdam".into(),
                country: "NL".into(),
                coordinates: Some(Coordinates { latitude: 51.9262, longitude: 4.5161 }),
                time_zone: TIME_ZONE.into(),
                opening_hours: week([(0, 2400); 7]),
                closures: Vec::new(),
                amenities: strings(&[
                    "Wifi",
                    "Power outlets",
                    "Standing desks",
                    "Lockers",
                    "Printer",
                    "Coffee",
                    "Quiet zone",
                ]),
                house_rules: Some(
                    "Open round the clock. Students go first in exam weeks, but the open floor always has room. Keep the quiet zone \
                     quiet. Ask at the desk for the group room if you need to call or meet."
                        .into(),
                ),
                no_show_grace_minutes: Some(45),
                day_pass: Some(DayPass { price_minor: 2500, currency: "EUR".into() }),
                requires_approval: true,
                welcomes_gatherings: false,
            },
            spaces: vec![open_seating("Open learning floor", 40, 20), meeting_room("Group room Plaslaan", 6)],
        },
    ]
}

const TIME_ZONE: &str = "Europe/Amsterdam";
const EMAIL_DOMAIN: &str = "demo.thirdspace.test";
/// How often a fresh name is drawn before a taken one is told apart by a middle initial.
const NAME_ATTEMPTS: usize = 16;
const DAYS: [Weekday; 7] = Weekday::ALL;

/// One opening period a day, Monday first, each written as (opens, closes) in HHMM.
fn week(hours: [(u16, u16); 7]) -> Vec<OpeningPeriod> {
    DAYS.into_iter()
        .zip(hours)
        .map(|(day, (opens, closes))| OpeningPeriod { day, opens: clock(opens), closes: clock(closes) })
        .collect()
}

/// A time written as HHMM. Every time in this file is a literal no later than 2400, so the
/// fallback to the end of the day is never taken.
fn clock(hhmm: u16) -> ClockTime {
    ClockTime::from_minutes(hhmm / 100 * 60 + hhmm % 100).unwrap_or(ClockTime::END_OF_DAY)
}

fn open_seating(name: &str, capacity: u32, social_capital_seats: u32) -> SpaceInput {
    SpaceInput { name: name.into(), kind: SpaceKind::OpenSeating, capacity, social_capital_seats }
}

fn meeting_room(name: &str, capacity: u32) -> SpaceInput {
    SpaceInput { name: name.into(), kind: SpaceKind::MeetingRoom, capacity, social_capital_seats: 0 }
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

/// Who sees whom, shuffled: about 72% public, 20% venue and 8% hidden, with at least two of
/// each in a cast of twenty or more so every visibility can be shown.
fn visibilities(rng: &mut StdRng, count: usize) -> Vec<Visibility> {
    let floor = if count >= 20 { 2 } else { 0 };
    let hidden = ((count * 8 + 50) / 100).max(floor);
    let venue = ((count * 20 + 50) / 100).max(floor);
    let mut all: Vec<Visibility> =
        std::iter::repeat_n(Visibility::Hidden, hidden).chain(std::iter::repeat_n(Visibility::Venue, venue)).collect();
    all.resize(count, Visibility::Public);
    all.shuffle(rng);
    all
}

fn person(
    rng: &mut StdRng,
    archetype: &Archetype,
    visibility: Visibility,
    names: &mut HashSet<String>,
    logins: &mut HashSet<String>,
) -> DemoPerson {
    let (first, last, display_name) = unique_name(rng, names);
    let base_login = format!("{}.{}", ascii_slug(first), ascii_slug(last));
    let login = claim(logins, base_login.clone(), |n| format!("{base_login}{n}"));
    let (role, headline, bio_lead) = archetype.personas[rng.gen_range(0..archetype.personas.len())];
    let bio =
        if rng.gen_bool(0.5) { format!("{bio_lead} {}", pick(rng, archetype.bios)) } else { bio_lead.to_string() };
    let seeking_text = rng.gen_bool(0.9).then(|| pick(rng, archetype.seeking_texts).to_string());
    let links =
        if rng.gen_bool(0.5) { vec![format!("https://example.org/{}", login.replace('.', "-"))] } else { vec![] };
    let profile = ProfileInput {
        display_name,
        headline: Some(headline.to_string()),
        bio: Some(bio),
        offers: sample(rng, archetype.offers, 3, 6),
        seeking: sample(rng, archetype.needs, 1, 4),
        seeking_text,
        interests: sample(rng, archetype.interests, 1, 3),
        field: Some(archetype.field.to_string()),
        links,
        visibility,
        open_to_meet: rng.gen_bool(0.85),
        // Their record shown as widely as they show themselves.
        record_visibility: visibility,
    };
    DemoPerson {
        email: format!("{login}@{EMAIL_DOMAIN}"),
        profile,
        focus: pick(rng, archetype.focuses).to_string(),
        pledge: pick(rng, archetype.pledges).to_string(),
        role,
    }
}

/// A first name, a last name from the same part of the world, and the display name made of
/// them that nobody else in the cast has.
fn unique_name(rng: &mut StdRng, taken: &mut HashSet<String>) -> (&'static str, &'static str, String) {
    let mut draw = || {
        let origin = &ORIGINS[rng.gen_range(0..ORIGINS.len())];
        (pick(rng, origin.first), pick(rng, origin.last))
    };
    let (mut first, mut last) = draw();
    for _ in 1..NAME_ATTEMPTS {
        if !taken.contains(&format!("{first} {last}")) {
            break;
        }
        (first, last) = draw();
    }
    let display = claim(taken, format!("{first} {last}"), |n| match MIDDLE_INITIALS.get(n - 2) {
        Some(initial) => format!("{first} {initial}. {last}"),
        None => format!("{first} {last} {n}"),
    });
    (first, last, display)
}

const MIDDLE_INITIALS: [char; 12] = ['A', 'B', 'C', 'D', 'E', 'F', 'H', 'J', 'K', 'L', 'M', 'R'];

/// Takes `wanted` if it is free, or else the first free variant, numbered from 2 up.
fn claim(taken: &mut HashSet<String>, wanted: String, variant: impl Fn(usize) -> String) -> String {
    if taken.insert(wanted.clone()) {
        return wanted;
    }
    let mut n = 2;
    loop {
        let candidate = variant(n);
        if taken.insert(candidate.clone()) {
            return candidate;
        }
        n += 1;
    }
}

/// A name folded to lowercase ASCII letters for a login: "Zoë" gives "zoe", "de Vries" gives
/// "devries", "Yılmaz" gives "yilmaz".
fn ascii_slug(name: &str) -> String {
    name.chars()
        .flat_map(char::to_lowercase)
        .filter_map(|c| match c {
            'a'..='z' | '0'..='9' => Some(c),
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ą' => Some('a'),
            'ç' | 'ć' | 'č' => Some('c'),
            'è' | 'é' | 'ê' | 'ë' | 'ę' | 'ě' => Some('e'),
            'ğ' => Some('g'),
            'ì' | 'í' | 'î' | 'ï' | 'ı' => Some('i'),
            'ł' => Some('l'),
            'ñ' | 'ń' => Some('n'),
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' => Some('o'),
            'ś' | 'ş' | 'š' => Some('s'),
            'ù' | 'ú' | 'û' | 'ü' => Some('u'),
            'ý' | 'ÿ' => Some('y'),
            'ź' | 'ż' | 'ž' => Some('z'),
            _ => None,
        })
        .collect()
}

/// One item of a pool. Every pool in this file holds at least one item.
fn pick(rng: &mut StdRng, pool: &[&'static str]) -> &'static str {
    pool[rng.gen_range(0..pool.len())]
}

/// Between `min` and `max` different items of a pool, as owned tags.
fn sample(rng: &mut StdRng, pool: &[&str], min: usize, max: usize) -> Vec<String> {
    let k = rng.gen_range(min..=max).min(pool.len());
    pool.choose_multiple(rng, k).map(|s| s.to_string()).collect()
}

/// First and last names that go together, from one part of the world. Last names are ones that
/// do not change with gender.
struct Origin {
    first: &'static [&'static str],
    last: &'static [&'static str],
}

const ORIGINS: &[Origin] = &[
    Origin {
        first: &["Anna", "Daan", "Sanne", "Bram", "Zoë", "Lotte", "Joris", "Femke", "Thijs", "Maartje"],
        last: &["de Vries", "Jansen", "van Dijk", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder"],
    },
    Origin {
        first: &["Elif", "Mehmet", "Zeynep", "Emre", "Ayşe", "Burak", "Deniz"],
        last: &["Yılmaz", "Kaya", "Demir", "Çelik", "Şahin", "Öztürk", "Aydın"],
    },
    Origin {
        first: &["Yasmina", "Mohamed", "Fatima", "Youssef", "Imane", "Karim", "Nadia", "Bilal"],
        last: &["El Amrani", "Bouzid", "Benali", "El Idrissi", "Ouali", "Haddou", "Ziani"],
    },
    Origin {
        first: &["Priya", "Arjun", "Ananya", "Rohan", "Kavya", "Vikram", "Meera"],
        last: &["Sharma", "Iyer", "Patel", "Reddy", "Nair", "Gupta", "Menon"],
    },
    Origin {
        first: &["Mei", "Jun", "Xiaoling", "Hao", "Yuting", "Zhiwei"],
        last: &["Zhang", "Wang", "Li", "Chen", "Liu", "Huang", "Zhou"],
    },
    Origin {
        first: &["João", "Beatriz", "Lucas", "Mariana", "Thiago", "Camila", "Gabriel"],
        last: &["Souza", "Oliveira", "Santos", "Pereira", "Almeida", "Carvalho", "Ribeiro"],
    },
    Origin {
        first: &["Katarzyna", "Piotr", "Agnieszka", "Tomasz", "Magdalena", "Łukasz", "Zofia"],
        last: &["Nowak", "Wójcik", "Kaczmarek", "Mazur", "Krawczyk", "Zając", "Wróbel"],
    },
    Origin {
        first: &["Chiamaka", "Tunde", "Ngozi", "Emeka", "Adaeze", "Oluwaseun", "Funmilayo", "Ifeanyi"],
        last: &["Okafor", "Adeyemi", "Okonkwo", "Balogun", "Nwosu", "Eze", "Adebayo"],
    },
    Origin {
        first: &["José", "Lucía", "Javier", "Carmen", "Diego", "Inés"],
        last: &["García", "Fernández", "López", "Martínez", "Ruiz", "Herrera"],
    },
    Origin {
        first: &["Olena", "Dmytro", "Iryna", "Oleksandr", "Kateryna"],
        last: &["Shevchenko", "Bondarenko", "Kovalenko", "Tkachenko", "Melnyk"],
    },
    Origin {
        first: &["Rania", "Omar", "Lina", "Samir", "Hala"],
        last: &["Haddad", "Khoury", "Nassar", "Darwish", "Halabi"],
    },
    Origin {
        first: &["Giulia", "Marco", "Chiara", "Matteo", "Francesca"],
        last: &["Rossi", "Bianchi", "Esposito", "Romano", "Conti"],
    },
];

const FREELANCER: &str = "freelancer";
const STUDENT: &str = "student";
const EMPLOYEE: &str = "employee";
const FOUNDER: &str = "founder";
const RESEARCHER: &str = "researcher";

/// A kind of person: their field and the pools their profile and day are drawn from. Needs are
/// mostly other archetypes' offers, written the way a different person would type them.
struct Archetype {
    field: &'static str,
    /// (role, headline, first sentence of the bio), so a person's role, headline and bio agree.
    personas: &'static [(&'static str, &'static str, &'static str)],
    offers: &'static [&'static str],
    needs: &'static [&'static str],
    interests: &'static [&'static str],
    /// Sentences that fit every persona of the archetype; some bios add one after the persona's own.
    bios: &'static [&'static str],
    seeking_texts: &'static [&'static str],
    focuses: &'static [&'static str],
    pledges: &'static [&'static str],
}

const ARCHETYPES: &[Archetype] = &[
    Archetype {
        field: "finance",
        personas: &[
            (FREELANCER, "Freelance bookkeeper for creative studios", "I keep the books of about twenty small studios and shops, and I like making the numbers less scary."),
            (EMPLOYEE, "Financial controller at a housing cooperative", "I look after the budget of a housing cooperative, from rent income to repairing leaky roofs."),
            (FREELANCER, "Bookkeeping and VAT returns for self-employed people", "Before going independent I spent eight years in an accounting office, mostly on VAT and year-end closing."),
        ],
        offers: &[
            "Bookkeeping",
            "VAT",
            "Invoicing",
            "Cash flow planning",
            "Tax returns",
            "Excel",
            "Budgeting",
            "Annual accounts",
        ],
        needs: &["Website", "SEO", "Social media", "Public speaking", "Python", "Contracts"],
        interests: &["Cycling", "Sourdough baking", "Board games", "Running", "Crosswords"],
        bios: &[
            "I think everyone who works for themselves should understand their own cash flow, so I explain rather than just file.",
            "A tidy spreadsheet on a Monday morning makes me unreasonably happy.",
            "Ask me about receipts and deadlines before they become a problem, not after.",
        ],
        seeking_texts: &[
            "I want a simple website that explains what I do, and someone to tell me whether SEO is worth it for me.",
            "Looking for someone who can help me automate my monthly reports with a bit of scripting.",
            "I'd like to get better at presenting numbers to a room without putting everyone to sleep.",
        ],
        focuses: &[
            "Closing the quarter for three clients before the VAT deadline.",
            "Cleaning up a messy spreadsheet of receipts from a bakery.",
            "Writing a one-page guide to cash flow for first-year freelancers.",
        ],
        pledges: &[
            "Bring me your invoices and questions: I'll look over your VAT return or explain what you can deduct.",
            "Half an hour of bookkeeping help for anyone who has just registered as self-employed.",
            "I'll show you a simple way to plan your cash flow for the next six months.",
        ],
    },
    Archetype {
        field: "design",
        personas: &[
            (FREELANCER, "Freelance UX designer for public services", "I design forms and flows for public services, so that people can use them without a manual."),
            (EMPLOYEE, "Senior product designer on a mobility app", "I design the app people use to plan their trips by train, tram and shared bike."),
            (FREELANCER, "UX research and interaction design, mostly for non-profits", "Most of my week goes to interviewing the users of non-profit websites and turning what they say into prototypes."),
        ],
        offers: &[
            "UX",
            "User research",
            "Figma",
            "Prototyping",
            "Usability testing",
            "Accessibility",
            "Design systems",
            "Service design",
        ],
        needs: &["Bookkeeping", "VAT", "Contracts", "Frontend development", "Pricing", "Copywriting"],
        interests: &["Urban sketching", "Climbing", "Jazz", "Ceramics", "Board games"],
        bios: &[
            "I moved into UX after watching my grandmother struggle with a banking app.",
            "I would rather test a rough sketch with five people than polish a screen nobody asked for.",
            "Accessibility is not an extra for me: it is where good design starts.",
        ],
        seeking_texts: &[
            "My tax paperwork is a mess. I'd love an hour with someone who understands VAT for freelancers.",
            "I'd like a developer to tell me honestly which of my prototypes are hard to build.",
            "Looking for help with a freelance contract template that protects my work.",
        ],
        focuses: &[
            "Running five usability tests on a new appointment-booking flow.",
            "Turning interview notes into a journey map for a library app.",
            "Cleaning up the component library in our design system.",
        ],
        pledges: &[
            "I'll review your app or website for usability and accessibility and give you three concrete fixes.",
            "Happy to teach the basics of Figma prototyping to anyone curious.",
            "Ask me anything about running your first user interview.",
        ],
    },
    Archetype {
        field: "software",
        personas: &[
            (FREELANCER, "Freelance frontend developer, React and TypeScript", "I build web interfaces for small agencies, mostly in React and TypeScript."),
            (EMPLOYEE, "Frontend engineer building dashboards for energy grids", "I build the dashboards grid operators use to see where the power goes."),
            (STUDENT, "Computer science student who builds websites on the side", "I'm in my second year of computer science and build websites for local clubs to pay the rent."),
        ],
        offers: &["JS", "React", "TypeScript", "CSS", "Web accessibility", "Next.js", "HTML", "Web performance"],
        needs: &["UX", "Pitch deck", "Public speaking", "Rust", "Freelance pricing", "Design"],
        interests: &["Gaming", "Bouldering", "Synthesizers", "Chess", "Cycling"],
        bios: &[
            "I taught myself JavaScript by rebuilding my football club's website, and never stopped.",
            "I care about pages that load fast and work with a keyboard and a screen reader.",
            "I still have a soft spot for plain CSS.",
        ],
        seeking_texts: &[
            "I'd like a designer to look at my side project and tell me why it feels clunky.",
            "Trying to learn Rust and would love a patient pair-programming partner.",
            "I want to pitch my side project to a small fund and have never made a pitch deck.",
        ],
        focuses: &[
            "Migrating an old jQuery site to React, one page at a time.",
            "Fixing keyboard navigation in a date picker.",
            "Shaving two seconds off the first load of a webshop.",
        ],
        pledges: &[
            "I'll pair with you on any JavaScript, React or CSS bug for half an hour.",
            "Bring your website: I'll run an accessibility check and walk you through the results.",
            "Happy to explain how to set up a TypeScript project from scratch.",
        ],
    },
    Archetype {
        field: "software",
        personas: &[
            (EMPLOYEE, "Backend engineer, Rust and PostgreSQL", "I write backends in Rust and spend too much time reading PostgreSQL query plans."),
            (FREELANCER, "DevOps consultant for small teams moving to the cloud", "I help small teams move from one fragile server to something they dare to deploy on a Friday."),
            (EMPLOYEE, "Site reliability engineer at a logistics platform", "I keep a parcel-tracking platform running and make deploys boring, the highest compliment in my job."),
        ],
        offers: &["Rust", "Kubernetes", "PostgreSQL", "Docker", "k8s", "Linux", "CI/CD", "Observability"],
        needs: &["UX", "Public speaking", "Pitch deck", "Frontend", "Technical writing", "Contracts"],
        interests: &["Mechanical keyboards", "Trail running", "Homebrewing", "Chess", "Jazz"],
        bios: &[
            "Before software I repaired bicycles, and I still think of systems as chains and gears.",
            "Good monitoring and a calm on-call rotation matter more to me than the newest tool.",
            "I like writing things down, so the next person doesn't have to ask.",
        ],
        seeking_texts: &[
            "I've been asked to give a talk at a meetup and would love feedback from a speaking coach.",
            "Looking for someone who knows UX to look at our internal admin tools.",
            "I want to write better documentation and could use a writer's eye.",
        ],
        focuses: &[
            "Moving three services from virtual machines to Kubernetes.",
            "Tracking down a slow query that only shows up on Mondays.",
            "Writing a runbook so the on-call rotation sleeps better.",
        ],
        pledges: &[
            "I'll help you containerise your app with Docker or untangle a Kubernetes manifest.",
            "Bring a slow PostgreSQL query and we'll read the query plan together.",
            "Happy to explain how to set up a simple CI pipeline for a side project.",
        ],
    },
    Archetype {
        field: "data",
        personas: &[
            (EMPLOYEE, "Data scientist working on public transport ridership", "I predict how busy buses and trams will be, so planners can add a vehicle before people are left behind."),
            (FREELANCER, "Freelance data analyst for NGOs", "I help NGOs make sense of their data, usually starting from a dozen messy spreadsheets."),
            (RESEARCHER, "Machine learning researcher in climate modelling", "I train machine learning models that make climate simulations faster to run."),
        ],
        offers: &[
            "Python",
            "Machine learning",
            "SQL",
            "Pandas",
            "Data visualisation",
            "Statistics",
            "Forecasting",
            "Jupyter",
        ],
        needs: &["Storytelling", "Public speaking", "Kubernetes", "GDPR", "UX", "Copywriting"],
        interests: &["Running", "Board games", "Birdwatching", "Podcasts", "Cooking"],
        bios: &[
            "I studied physics, then found that the most interesting data lives in ordinary organisations.",
            "My favourite part of the job is explaining a model to someone who will actually use it.",
            "A good chart beats a clever model nine times out of ten.",
        ],
        seeking_texts: &[
            "I need to present results to a board of directors and want help telling a clear story.",
            "Looking for someone who knows GDPR well enough to tell me what we may keep.",
            "I'd like to put a model into production and have no idea how to run it on Kubernetes.",
        ],
        focuses: &[
            "Cleaning three years of sensor data before training a forecast.",
            "Building a dashboard of bike-sharing use by neighbourhood.",
            "Explaining a churn model to people who have never seen one.",
        ],
        pledges: &[
            "I'll help you with a Python, pandas or SQL question, from beginner to fairly advanced.",
            "Bring a dataset and a question: we'll make a first chart together.",
            "Happy to explain what machine learning can and cannot do for your project.",
        ],
    },
    Archetype {
        field: "marketing",
        personas: &[
            (FREELANCER, "Growth marketer for early-stage startups", "I help young startups find their first thousand customers without burning their budget on ads."),
            (EMPLOYEE, "Online marketing lead at a chain of bicycle shops", "I run the online marketing of a chain of bicycle shops, from newsletters to search ads."),
            (FREELANCER, "SEO specialist for local businesses", "I help bakeries, plumbers and bookshops get found by people in their own neighbourhood."),
        ],
        offers: &[
            "Search engine optimisation",
            "SEO",
            "Online ads",
            "Email marketing",
            "Growth",
            "Social media",
            "Content strategy",
            "Analytics",
        ],
        needs: &["Python", "Bookkeeping", "Illustration", "Photography", "Web development", "Contracts"],
        interests: &["Padel", "Podcasts", "Travel", "Vinyl records", "Running"],
        bios: &[
            "I started with a food blog, and learned more about marketing from it than from any course.",
            "I like experiments: small tests, honest numbers, and stopping what doesn't work.",
            "I'm allergic to buzzwords, which is unusual in my line of work.",
        ],
        seeking_texts: &[
            "I'd love an illustrator for a small campaign, and someone to teach me basic Python for reports.",
            "My own bookkeeping is embarrassingly behind, so any help is very welcome.",
            "Looking for a photographer who likes shooting products in natural light.",
        ],
        focuses: &[
            "Auditing the search rankings of a neighbourhood bakery.",
            "Planning a newsletter series for a climbing gym.",
            "Setting up conversion tracking on a webshop that has none.",
        ],
        pledges: &[
            "I'll do a quick SEO check of your website and tell you the three things to fix first.",
            "Happy to help you plan a month of social media posts.",
            "Ask me how to set up a newsletter people actually open.",
        ],
    },
    Archetype {
        field: "media",
        personas: &[
            (FREELANCER, "Copywriter for brands that care about plain language", "I write the words on websites, packaging and posters, and I cut more than I write."),
            (FREELANCER, "Bilingual copywriter, Dutch and English", "I write in Dutch and English, and often rewrite a text rather than translate it."),
            (EMPLOYEE, "Content writer at a sustainable fashion label", "I write product pages and stories for a clothing label that mends what it sells."),
        ],
        offers: &[
            "Copywriting",
            "Plain language",
            "Editing",
            "Storytelling",
            "Website copy",
            "Tone of voice",
            "Proofreading",
        ],
        needs: &["SEO", "Bookkeeping", "Web design", "Pricing", "Photography", "Contracts"],
        interests: &["Poetry", "Open water swimming", "Second-hand bookshops", "Film", "Yoga"],
        bios: &[
            "I used to be a subeditor at a local newspaper, which taught me to love short sentences.",
            "Plain language is my favourite cause: if your reader has to guess, the text is not finished.",
            "I read everything out loud before I send it.",
        ],
        seeking_texts: &[
            "I want to understand enough SEO to write for search engines without writing for robots.",
            "Looking for a designer to make my portfolio site look less homemade.",
            "I never know what to charge, so a conversation about pricing would help.",
        ],
        focuses: &[
            "Rewriting a city council letter so people actually understand it.",
            "Finding a tone of voice for a new vegan ice cream brand.",
            "Editing a long annual report down to something readable.",
        ],
        pledges: &[
            "Send me a paragraph you're stuck on and I'll help you make it clearer and shorter.",
            "I'll review the copy on your homepage and suggest a sharper headline.",
            "Happy to explain plain-language writing in fifteen minutes, with examples.",
        ],
    },
    Archetype {
        field: "design",
        personas: &[
            (FREELANCER, "Illustrator for children's books and editorial pieces", "I draw for picture books, magazines and the occasional mural."),
            (FREELANCER, "Illustrator and animator, mostly in ink and gouache", "I paint in ink and gouache and bring some of the drawings to life as short animations."),
            (STUDENT, "Illustration student at an art academy", "I'm in my final year at an art academy, working on a graphic novel about my grandmother's village."),
        ],
        offers: &[
            "Illustration",
            "Drawing",
            "Digital painting",
            "Character design",
            "Animation",
            "Visual storytelling",
            "Sketching",
        ],
        needs: &["VAT", "Bookkeeping", "Marketing", "Intellectual property", "Website", "Self-promotion"],
        interests: &["Comics", "Urban sketching", "Gardening", "Zines", "Hiking"],
        bios: &[
            "My sketchbook comes everywhere; half my ideas start on trams and in waiting rooms.",
            "I like turning complicated ideas into a single friendly drawing.",
            "I'll happily draw on a napkin if there's no paper.",
        ],
        seeking_texts: &[
            "A publisher sent me a contract and I'd like someone to explain the part about rights.",
            "I have no idea how VAT works on commissions from abroad.",
            "I'd like to get better at showing my work online without living on social media.",
        ],
        focuses: &[
            "Inking the last six spreads of a picture book about a lost hedgehog.",
            "Sketching characters for an animated explainer video.",
            "Preparing a portfolio for a children's book fair.",
        ],
        pledges: &[
            "I'll draw a quick illustration for your project or your slide deck.",
            "Happy to show how to sketch ideas visually, even if you think you can't draw.",
            "Bring your logo or poster and I'll give honest visual feedback.",
        ],
    },
    Archetype {
        field: "media",
        personas: &[
            (FREELANCER, "Documentary and portrait photographer", "I photograph people at work, from bakers to surgeons, and like them to forget the camera."),
            (FREELANCER, "Product photographer for small webshops", "Most of my clients are small webshops that need clean product photos on a small budget."),
            (EMPLOYEE, "Photographer and image editor for a regional newspaper", "I shoot and edit the photos for a regional newspaper, from council meetings to football matches."),
        ],
        offers: &[
            "Photography",
            "Portraits",
            "Photo editing",
            "Product photography",
            "Lighting",
            "Visual storytelling",
            "Film photography",
        ],
        needs: &["Copyright", "Marketing", "Bookkeeping", "Website", "Pricing", "Video editing"],
        interests: &["Film cameras", "Cycling", "Street food", "Travel", "Jazz"],
        bios: &[
            "I started with my father's old film camera and still shoot a roll every week.",
            "Daylight from a big window is my favourite piece of equipment.",
            "I care about photos that show people as they see themselves.",
        ],
        seeking_texts: &[
            "Someone used my photos without asking, and I'd like to understand my rights.",
            "I want to start making short videos and need help with editing.",
            "Looking for advice on pricing commissions for companies versus private clients.",
        ],
        focuses: &[
            "Editing a series of portraits of market traders.",
            "Shooting forty products for a ceramics webshop.",
            "Choosing the best twenty photos for an exhibition.",
        ],
        pledges: &[
            "I'll take a new profile portrait of you by the window.",
            "Bring your phone: I'll show you how to take better product photos in daylight.",
            "Happy to help with photo edits or with choosing photos for your website.",
        ],
    },
    Archetype {
        field: "law",
        personas: &[
            (FREELANCER, "Independent lawyer for freelancers and small businesses", "I help independent workers read, write and negotiate the contracts they sign."),
            (EMPLOYEE, "Privacy counsel at a healthcare organisation", "I advise a healthcare organisation on privacy and GDPR, reading a lot of small print so others don't have to."),
            (FREELANCER, "IP lawyer for designers and makers", "I help designers and makers protect their work and license it on fair terms."),
        ],
        offers: &[
            "Contracts",
            "GDPR",
            "Intellectual property",
            "Privacy law",
            "Terms and conditions",
            "Employment law",
            "Copyright",
        ],
        needs: &["Website", "Marketing", "Social media", "Python", "Public speaking", "Design"],
        interests: &["Sailing", "Opera", "Chess", "Running", "Wine tasting"],
        bios: &[
            "I believe legal help should be understandable, so I explain in plain words.",
            "The best contract is the one nobody ever needs to take out of the drawer.",
            "I became a lawyer because I like arguments, and stayed because I like preventing them.",
        ],
        seeking_texts: &[
            "My website is ten years old, and I'd like a designer's opinion on it.",
            "I want to start a small newsletter on privacy law and need marketing advice.",
            "I'm curious how data scientists actually handle personal data in practice.",
        ],
        focuses: &[
            "Drafting general terms and conditions for a design collective.",
            "Reviewing a data processing agreement for a clinic.",
            "Preparing a short talk on copyright for illustrators.",
        ],
        pledges: &[
            "I'll read through your freelance contract and point out the clauses to watch.",
            "Bring your GDPR questions: what you may store, for how long, and why.",
            "Happy to explain the basics of intellectual property for creative work.",
        ],
    },
    Archetype {
        field: "architecture",
        personas: &[
            (FREELANCER, "Architect for small housing and renovation projects", "I design small houses, extensions and renovations, and enjoy the puzzle of tight plots."),
            (EMPLOYEE, "Architect at a studio for circular building", "I design buildings that can be taken apart and built again somewhere else."),
            (STUDENT, "Master's student in architecture", "I'm finishing a master's in architecture with a thesis on timber housing."),
        ],
        offers: &["Architecture", "SketchUp", "Revit", "Floor plans", "Renovation", "Building permits", "3D modelling"],
        needs: &["Sustainability", "Photography", "Marketing", "Bookkeeping", "Python", "Fundraising"],
        interests: &["Urban sketching", "Cycling", "Modernist buildings", "Woodworking", "Hiking"],
        bios: &[
            "I spend half my time drawing and the other half explaining permits.",
            "Old canal houses taught me more about building than any textbook.",
            "I sketch by hand first and only open the computer when the idea holds.",
        ],
        seeking_texts: &[
            "I'd like to learn how to calculate the carbon footprint of a design.",
            "Looking for a photographer for a renovation project we just finished.",
            "I want to try parametric design with a bit of Python.",
        ],
        focuses: &[
            "Drawing three options for a roof extension on an old canal house.",
            "Preparing a permit application for a tiny house.",
            "Modelling a timber pavilion for a school playground.",
        ],
        pledges: &[
            "I'll look at your floor plan or renovation idea and sketch an alternative.",
            "Happy to explain how building permits work in the Netherlands.",
            "Ask me about 3D modelling: I'll show you the ten shortcuts that matter.",
        ],
    },
    Archetype {
        field: "sustainability",
        personas: &[
            (FREELANCER, "Sustainability consultant for small manufacturers", "I help small manufacturers measure their footprint and then actually reduce it."),
            (EMPLOYEE, "Energy transition advisor at a municipality", "I help a municipality take whole streets off natural gas, one neighbourhood meeting at a time."),
            (FOUNDER, "Founder of a network of repair cafés", "I started a network of repair cafés, where volunteers fix toasters and lamps on Saturday mornings."),
        ],
        offers: &[
            "Sustainability",
            "Carbon accounting",
            "Circular economy",
            "CSRD",
            "Life cycle assessment",
            "Energy transition",
            "Sustainability reporting",
        ],
        needs: &["Data visualisation", "Excel", "Public speaking", "Fundraising", "Copywriting", "Web development"],
        interests: &["Urban gardening", "Repairing things", "Cycling", "Foraging", "Climbing"],
        bios: &[
            "I prefer small practical steps over glossy sustainability reports.",
            "Most of what I know I learned by taking broken things apart.",
            "I try to make numbers about carbon feel as concrete as a household budget.",
        ],
        seeking_texts: &[
            "I'd love help turning emissions data into a chart people understand.",
            "Looking for a copywriter to make our reports less dull.",
            "We want to apply for a grant and I have never written a fundraising proposal.",
        ],
        focuses: &[
            "Calculating the footprint of a furniture workshop.",
            "Preparing a CSRD readiness check for a small packaging firm.",
            "Planning a neighbourhood repair day.",
        ],
        pledges: &[
            "I'll help you estimate the carbon footprint of your business or event.",
            "Happy to explain what CSRD means for small companies, in plain words.",
            "Bring something broken: I'll help you find out whether it can be repaired.",
        ],
    },
    Archetype {
        field: "education",
        personas: &[
            (EMPLOYEE, "Secondary school maths teacher", "I teach maths to teenagers and try to prove to them that fractions are useful."),
            (FREELANCER, "Education designer for online courses", "I design online courses and care most about what learners still remember a month later."),
            (EMPLOYEE, "Primary school teacher and reading specialist", "I teach a class of eight-year-olds and help colleagues with children who struggle to read."),
        ],
        offers: &[
            "Teaching",
            "Didactics",
            "Curriculum design",
            "Mathematics",
            "E-learning",
            "Classroom management",
            "Tutoring",
        ],
        needs: &["Video editing", "Python", "Illustration", "UX", "Podcasting", "Public speaking"],
        interests: &["Board games", "Choir", "Hiking", "Puzzles", "Gardening"],
        bios: &[
            "Years in classrooms taught me that good explanations are short and concrete.",
            "I believe anyone can learn anything if the steps are small enough.",
            "I collect board games that secretly teach something.",
        ],
        seeking_texts: &[
            "I want to make short explainer videos for my students and need help with editing.",
            "Looking for an illustrator for worksheets that don't look like they're from 1995.",
            "I'd like to learn enough Python to run a coding club.",
        ],
        focuses: &[
            "Planning next week's lessons and marking a pile of homework.",
            "Turning a difficult topic into a short lesson with one clear example.",
            "Designing a game that teaches something without feeling like school.",
        ],
        pledges: &[
            "I'll help you explain something difficult in a way a fourteen-year-old would get.",
            "Happy to help you study for an exam or a course for half an hour.",
            "Bring your training or workshop plan and I'll help you structure it.",
        ],
    },
    Archetype {
        field: "health",
        personas: &[
            (EMPLOYEE, "Nurse and health-tech product owner", "I worked ten years on a hospital ward before moving into health tech."),
            (FREELANCER, "Freelance nurse and patient education writer", "I work shifts in home care and write leaflets that help patients understand their treatment."),
            (STUDENT, "Nursing student interested in digital care", "I'm in my third year of nursing school, on a ward that is trying out remote monitoring."),
        ],
        offers: &[
            "Healthcare",
            "Patient education",
            "First aid",
            "Health tech",
            "Elderly care",
            "Mental health",
            "Clinical workflows",
        ],
        needs: &["UX", "GDPR", "Product management", "Data analysis", "Fundraising", "Copywriting"],
        interests: &["Running", "Baking", "Yoga", "Podcasts", "Volunteering"],
        bios: &[
            "I care about technology that gives care workers time back instead of taking it.",
            "I often translate between nurses and software teams, which is harder than it sounds.",
            "Night shifts taught me to stay calm and write things down.",
        ],
        seeking_texts: &[
            "I'd like to learn how product managers write requirements that developers like.",
            "Looking for someone who understands GDPR in healthcare apps.",
            "I want to visualise ward data to show where the time goes.",
        ],
        focuses: &[
            "Testing a medication reminder app with three patients.",
            "Writing discharge instructions in plain language.",
            "Mapping how a night shift hands over to the morning team.",
        ],
        pledges: &[
            "I'll share practical first aid tips, or explain how hospitals really work.",
            "Happy to give feedback on any health app from a nurse's point of view.",
            "Ask me how to talk with patients or carers for your research.",
        ],
    },
    Archetype {
        field: "media",
        personas: &[
            (FREELANCER, "Freelance journalist covering housing and cities", "I write about housing, neighbourhoods and the people who keep cities running."),
            (EMPLOYEE, "Data journalist at a regional news site", "I find stories in public data for a regional news site, from rents to bus delays."),
            (FREELANCER, "Podcast maker and radio journalist", "I make a small podcast about the history of ordinary streets and report for local radio."),
        ],
        offers: &[
            "Journalism",
            "Interviewing",
            "Fact-checking",
            "Podcasting",
            "Writing",
            "Desk research",
            "Storytelling",
        ],
        needs: &["Data visualisation", "Python", "Photography", "Media law", "Fundraising", "SQL"],
        interests: &["Jazz", "Cycling", "Cooking", "Long-distance walking", "Film"],
        bios: &[
            "I like stories that start with a spreadsheet and end with a kitchen-table interview.",
            "I always ask one more question than feels polite.",
            "My notebook is full of stories I haven't had time to write yet.",
        ],
        seeking_texts: &[
            "I'd like help turning a dataset on rents into a clear chart.",
            "Looking for a lawyer who can explain press freedom and privacy in plain words.",
            "I want to learn SQL so I can dig into public data myself.",
        ],
        focuses: &[
            "Transcribing interviews with tenants of an old housing block.",
            "Fact-checking a long piece about bike parking.",
            "Editing the audio of an interview with a market trader.",
        ],
        pledges: &[
            "I'll give you tips on interviewing people, or on pitching a story to an editor.",
            "Happy to help you fact-check a claim or find a reliable source.",
            "Bring your text and I'll give it a newsroom-style edit.",
        ],
    },
    Archetype {
        field: "research",
        personas: &[
            (RESEARCHER, "PhD candidate in urban planning", "I study how people use squares, parks and pavements, and why some feel safe and others don't."),
            (RESEARCHER, "Researcher on public space and walkability", "I measure how walkable neighbourhoods are and what makes people choose to walk."),
            (STUDENT, "PhD student studying mobility in mid-sized cities", "My thesis compares the bike networks of six Dutch and German cities."),
        ],
        offers: &[
            "Urban planning",
            "GIS",
            "Qualitative research",
            "Academic writing",
            "Mobility",
            "QGIS",
            "Survey design",
        ],
        needs: &["Python", "Data visualisation", "Public speaking", "Storytelling", "Illustration", "Machine learning"],
        interests: &["Cycling", "Maps", "Board games", "Photography", "Jazz"],
        bios: &[
            "I'm happiest with a map, a notebook and a bench to sit on.",
            "I think cities should be planned with the people who live in them, not just for them.",
            "Before academia I spent two years at a city planning department.",
        ],
        seeking_texts: &[
            "I'd like someone to help me speed up my analysis with Python.",
            "Looking for an illustrator to turn my findings into something a council will read.",
            "I'm presenting at a conference soon and want to practise in front of real people.",
        ],
        focuses: &[
            "Coding forty interviews about evening walks in the city centre.",
            "Writing the methods section of a paper on evening walks.",
            "Mapping bike parking around three railway stations.",
        ],
        pledges: &[
            "I'll show you how to make your first map in QGIS.",
            "Happy to help structure an academic paper or a literature review.",
            "Ask me anything about urban planning, or how cities decide what gets built.",
        ],
    },
    Archetype {
        field: "business",
        personas: &[
            (STUDENT, "Business administration student", "I'm in my third year and curious about how small companies survive their first years."),
            (STUDENT, "Student entrepreneur studying business administration", "I run a second-hand clothing stall on weekends to practise what I study."),
            (STUDENT, "Bachelor student in international business", "I study international business and grew up between two languages."),
        ],
        offers: &[
            "Business models",
            "Market research",
            "Excel",
            "Presentations",
            "Survey analysis",
            "Case studies",
            "Business plans",
        ],
        needs: &["Career advice", "Networking", "Marketing", "Python", "Bookkeeping", "Public speaking"],
        interests: &["Football", "Salsa", "Travel", "Podcasts", "Cooking"],
        bios: &[
            "I love working in mixed teams where nobody agrees at first.",
            "I'm still figuring out whether I want to start a company or join one.",
            "Group assignments have made me an expert in planning meetings.",
        ],
        seeking_texts: &[
            "I'd like to talk with people who started their own business about their first year.",
            "Looking for advice on internships and which skills matter most.",
            "I want to learn a bit of Python for the data analysis in my thesis.",
        ],
        focuses: &[
            "Finishing a market research report for a group assignment.",
            "Preparing for a case interview next week.",
            "Writing a business plan for a small shop idea.",
        ],
        pledges: &[
            "I'll help you with an Excel model or a market research question.",
            "Happy to give a fresh student's view on your product or pitch.",
            "Bring your survey results and I'll help you make sense of them in a spreadsheet.",
        ],
    },
    Archetype {
        field: "startups",
        personas: &[
            (FOUNDER, "Founder of an app for sharing tools between neighbours", "I'm building an app that lets neighbours lend each other drills, ladders and tents."),
            (FOUNDER, "Co-founder of a small edtech startup", "We are three people, one prototype and a lot of spreadsheets, building homework tools for teachers."),
            (FOUNDER, "Founder building software for urban farms", "I build software that helps rooftop and container farms plan their harvests."),
        ],
        offers: &[
            "Fundraising",
            "Pitch deck",
            "Startups",
            "Product strategy",
            "Lean startup",
            "Hiring",
            "Grant applications",
        ],
        needs: &["Kubernetes", "Contracts", "Bookkeeping", "UX", "Marketing", "Machine learning"],
        interests: &["Running", "Climbing", "Podcasts", "Urban gardening", "Chess"],
        bios: &[
            "This is my second startup; the first one taught me what not to do.",
            "I raised a small pre-seed round last year and learned to tell the same story fifty times.",
            "I talk to customers every week, even when I'd rather be building.",
        ],
        seeking_texts: &[
            "Our backend needs to scale and nobody in the team knows Kubernetes.",
            "I'm looking for a lawyer to look over our shareholder agreement.",
            "I need a UX designer to tell me why people drop off at sign-up.",
        ],
        focuses: &[
            "Rewriting our pitch deck after feedback from two investors.",
            "Interviewing five potential customers about our pricing.",
            "Writing a grant application for an innovation fund.",
        ],
        pledges: &[
            "I'll give feedback on your pitch deck or help you practise your pitch.",
            "Happy to share what I learned raising a first round, including the mistakes.",
            "Ask me about testing a startup idea before building anything.",
        ],
    },
    Archetype {
        field: "product",
        personas: &[
            (EMPLOYEE, "Product manager for a public transport app", "I decide what gets built next in a public transport app and, more often, what doesn't."),
            (FREELANCER, "Interim product manager for scale-ups", "I step in as product manager when a growing company is between hires, usually for six months."),
            (EMPLOYEE, "Product owner in a digital health team", "I'm the product owner of a team building tools for home care nurses."),
        ],
        offers: &[
            "Product management",
            "Roadmapping",
            "Scrum",
            "User stories",
            "Stakeholder management",
            "Prioritisation",
            "OKRs",
        ],
        needs: &["SQL", "Data analysis", "UX research", "Public speaking", "Software architecture", "Coaching"],
        interests: &["Tennis", "Board games", "Cooking", "Travel", "Podcasts"],
        bios: &[
            "I moved into product after five years in customer support, and I still read every complaint.",
            "I like small teams, short cycles and honest retrospectives.",
            "Saying no kindly is the most useful skill I have.",
        ],
        seeking_texts: &[
            "I want to write my own SQL queries instead of waiting for the data team.",
            "Looking for a coach to help me become a calmer presenter.",
            "I'd like a backend engineer to explain our architecture to me as if I were new.",
        ],
        focuses: &[
            "Cutting next quarter's roadmap down to something realistic.",
            "Writing user stories for a new ticket-refund flow.",
            "Preparing a demo for stakeholders on Friday.",
        ],
        pledges: &[
            "I'll help you prioritise your backlog or turn a vague idea into user stories.",
            "Happy to explain how product teams work, for anyone thinking of switching careers.",
            "Ask me about running a good retrospective.",
        ],
    },
    Archetype {
        field: "languages",
        personas: &[
            (FREELANCER, "Translator Dutch, English and Turkish", "I translate between Dutch, English and Turkish, mostly for schools and municipalities."),
            (FREELANCER, "Literary translator from Portuguese", "I translate novels and poetry from Portuguese, and read every book twice before I start."),
            (FREELANCER, "Legal and medical translator, English–Dutch", "I translate contracts and medical reports between English and Dutch, where every word counts."),
        ],
        offers: &["Translation", "Dutch", "English", "Localisation", "Subtitling", "Proofreading", "Language learning"],
        needs: &["Marketing", "Website", "Bookkeeping", "Pricing", "Machine translation", "Networking"],
        interests: &["Reading", "Tango", "Cooking", "Languages", "Hiking"],
        bios: &[
            "I grew up with more than one language at the dinner table and never stopped switching.",
            "Subtitling taught me to say a lot in very few characters.",
            "I keep a notebook of words that don't exist in the other language.",
        ],
        seeking_texts: &[
            "I'd like to understand how machine translation will change my work.",
            "Looking for someone to help me market my services to agencies.",
            "My rates haven't changed in five years, so I need a sparring partner on pricing.",
        ],
        focuses: &[
            "Translating an annual report into English before Friday.",
            "Subtitling a short documentary about a market in Rotterdam.",
            "Proofreading a translated children's book.",
        ],
        pledges: &[
            "I'll check your English or Dutch text, or help you with a tricky phrase.",
            "Happy to practise Dutch with newcomers for half an hour.",
            "Ask me about localising a website or app for another language.",
        ],
    },
    Archetype {
        field: "coaching",
        personas: &[
            (FREELANCER, "Public speaking coach for shy experts", "I help people who know a lot to say it clearly, in front of a room or a camera."),
            (FREELANCER, "Presentation and voice coach", "I was an actor for ten years, then found I liked coaching voices more than using my own on stage."),
            (FREELANCER, "Trainer in presenting and storytelling", "I run workshops on presenting and storytelling for teams that have to explain complicated things."),
        ],
        offers: &[
            "Public speaking",
            "Presentation skills",
            "Storytelling",
            "Voice training",
            "Pitch coaching",
            "Confidence",
            "Workshops",
        ],
        needs: &["Website", "Video editing", "Bookkeeping", "SEO", "Marketing", "Illustration"],
        interests: &["Theatre", "Improv", "Singing", "Running", "Podcasts"],
        bios: &[
            "My method is simple: practise out loud, early and often.",
            "Nerves are not the enemy; they just need somewhere to go.",
            "I believe everyone has one good story they haven't told yet.",
        ],
        seeking_texts: &[
            "I want to record short videos for my clients and need help with editing.",
            "Looking for someone who can make my website show up in search results.",
            "I'd like an illustrator for my workshop slides.",
        ],
        focuses: &[
            "Preparing a workshop on pitching for a group of PhD students.",
            "Coaching a researcher for her first keynote.",
            "Writing exercises for a course on voice and breathing.",
        ],
        pledges: &[
            "I'll help you practise your next pitch or presentation and give honest feedback.",
            "Happy to teach three breathing tricks that calm nerves before speaking.",
            "Bring your slides and I'll help you find the story in them.",
        ],
    },
    Archetype {
        field: "hr",
        personas: &[
            (EMPLOYEE, "HR advisor at a care organisation", "I advise managers at a care organisation on hiring, sick leave and everything in between."),
            (FREELANCER, "Independent recruiter for tech roles", "I recruit developers and designers for small companies, and tell candidates honestly when a job isn't right."),
            (FREELANCER, "Career coach and CV reviewer", "I moved from recruiting into coaching because I liked the conversations more than the deals."),
        ],
        offers: &[
            "Recruitment",
            "CV review",
            "Interview preparation",
            "Career coaching",
            "Onboarding",
            "Employment contracts",
            "Salary negotiation",
        ],
        needs: &["Data analysis", "Employment law", "Python", "Social media", "Video editing", "Excel"],
        interests: &["Yoga", "Board games", "Travel", "Running", "Gardening"],
        bios: &[
            "I've read thousands of CVs and can tell you what I notice in the first ten seconds.",
            "I help people find work that fits, and organisations hire people who stay.",
            "A good job interview feels like a conversation, from both sides.",
        ],
        seeking_texts: &[
            "I'd like to understand which numbers we should actually track when hiring.",
            "Looking for a lawyer to explain recent changes in employment law.",
            "I want to learn a bit of spreadsheet magic for our HR reports.",
        ],
        focuses: &[
            "Reviewing applications for a junior developer role.",
            "Writing an onboarding plan for new care workers.",
            "Preparing a workshop on salary negotiation.",
        ],
        pledges: &[
            "I'll review your CV or help you prepare for a job interview.",
            "Happy to practise a salary negotiation with you.",
            "Ask me anything about changing careers.",
        ],
    },
    Archetype {
        field: "public sector",
        personas: &[
            (EMPLOYEE, "Social worker in a neighbourhood team", "I work with families in one neighbourhood, from paperwork to quarrels between neighbours."),
            (EMPLOYEE, "Youth worker and community organiser", "I started as a volunteer at a youth centre and never really left."),
            (FREELANCER, "Debt counsellor for households", "I help households get their debts in order, one envelope of letters at a time."),
        ],
        offers: &[
            "Social work",
            "Community building",
            "Debt counselling",
            "Youth work",
            "Mediation",
            "Benefits and allowances",
            "Difficult conversations",
        ],
        needs: &["Fundraising", "Data visualisation", "Social media", "Photography", "Grant writing", "Website"],
        interests: &["Football", "Cooking", "Choir", "Urban gardening", "Volunteering"],
        bios: &[
            "I believe most problems get smaller when someone listens early.",
            "I know my way around the forms that make people give up.",
            "I grew up in the kind of neighbourhood I now work in.",
        ],
        seeking_texts: &[
            "Our youth centre needs funding and I've never written a grant application.",
            "Looking for someone to help us show our impact with simple charts.",
            "I'd like help with social media for a neighbourhood project.",
        ],
        focuses: &[
            "Helping three families fill in allowance applications.",
            "Planning a neighbourhood dinner with the youth centre.",
            "Writing a report on debt problems among young people.",
        ],
        pledges: &[
            "I'll help you make sense of benefits, allowances or letters from the government.",
            "Happy to share how to start a community project in your street.",
            "Ask me about having a difficult conversation with a neighbour.",
        ],
    },
    Archetype {
        field: "music",
        personas: &[
            (FREELANCER, "Musician and audio engineer", "I play keys in two bands and record other people's albums in a small home studio."),
            (FREELANCER, "Composer for games and short films", "I write and mix music for games, short films and the occasional theatre show."),
            (STUDENT, "Conservatory student in music production", "I study music production at a conservatory and make beats in every spare hour."),
        ],
        offers: &[
            "Music production",
            "Audio engineering",
            "Mixing",
            "Podcast editing",
            "Sound design",
            "Home recording",
            "Piano",
        ],
        needs: &["Marketing", "Copyright", "Contracts", "Bookkeeping", "Web development", "Photography"],
        interests: &["Jazz", "Vinyl records", "Cycling", "Festivals", "Film"],
        bios: &[
            "I care about sound that serves the story, not the other way around.",
            "Good headphones and a quiet corner are all I need to work.",
            "I grew up playing piano in my grandparents' living room.",
        ],
        seeking_texts: &[
            "I'd like to understand royalties and copyright for the music I license.",
            "Looking for someone to help me market my sound design services.",
            "I need a photographer for new band photos.",
        ],
        focuses: &[
            "Mixing three tracks for a short animated film.",
            "Editing a podcast episode with a noisy café interview.",
            "Building a sound library of rainy city streets.",
        ],
        pledges: &[
            "I'll help you improve the sound of your podcast or video.",
            "Happy to give a short introduction to home recording.",
            "Bring headphones and a track, and I'll give you feedback on the mix.",
        ],
    },
];

#[cfg(test)]
mod tests {
    use std::collections::{HashMap, HashSet};

    use thirdspace_domain::hours::{ClockTime, Span, Weekday, WeeklyHours};
    use thirdspace_domain::profile::{ProfileDraft, Visibility};
    use thirdspace_domain::space::{SpaceDraft, SpaceKind};
    use thirdspace_domain::tag::{MAX_TAGS, MAX_TAG_CHARS};
    use thirdspace_domain::venue::VenueDraft;

    use super::*;

    fn fingerprint(p: &DemoPerson) -> String {
        format!("{} {:?} {} {} {}", p.email, p.profile, p.focus, p.pledge, p.role)
    }

    fn t(s: &str) -> ClockTime {
        ClockTime::parse("t", s).unwrap()
    }

    #[test]
    fn the_same_seed_gives_the_same_people() {
        let a: Vec<_> = people(7, 40).iter().map(fingerprint).collect();
        let b: Vec<_> = people(7, 40).iter().map(fingerprint).collect();
        assert_eq!(a, b);
    }

    #[test]
    fn another_seed_gives_other_people() {
        let a: Vec<_> = people(7, 40).iter().map(fingerprint).collect();
        let b: Vec<_> = people(8, 40).iter().map(fingerprint).collect();
        assert_ne!(a, b);
    }

    #[test]
    fn people_come_in_the_number_asked_for() {
        for count in [0, 1, 5, 20, 40, 100] {
            assert_eq!(people(3, count).len(), count);
        }
    }

    #[test]
    fn forty_people_have_unique_emails_and_names() {
        let cast = people(42, 40);
        let emails: HashSet<_> = cast.iter().map(|p| p.email.as_str()).collect();
        let names: HashSet<_> = cast.iter().map(|p| p.profile.display_name.as_str()).collect();
        assert_eq!(emails.len(), 40);
        assert_eq!(names.len(), 40);
    }

    #[test]
    fn a_large_cast_still_has_unique_emails_and_names() {
        let cast = people(1, 1500);
        let emails: HashSet<_> = cast.iter().map(|p| p.email.as_str()).collect();
        let names: HashSet<_> = cast.iter().map(|p| p.profile.display_name.as_str()).collect();
        assert_eq!(emails.len(), cast.len());
        assert_eq!(names.len(), cast.len());
        for p in &cast {
            assert!(ProfileDraft::parse(p.profile.clone()).is_ok(), "{} is invalid", p.email);
        }
    }

    #[test]
    fn emails_are_lowercase_ascii_on_the_demo_domain() {
        for p in people(11, 60) {
            let (local, domain) = p.email.split_once('@').unwrap();
            assert_eq!(domain, EMAIL_DOMAIN);
            assert!(!local.is_empty() && !local.starts_with('.') && !local.ends_with('.'), "{}", p.email);
            assert!(local.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.'), "{}", p.email);
        }
        assert_eq!(ascii_slug("Zoë"), "zoe");
        assert_eq!(ascii_slug("de Vries"), "devries");
        assert_eq!(ascii_slug("Öztürk"), "ozturk");
        assert_eq!(ascii_slug("Łukasz"), "lukasz");
    }

    #[test]
    fn every_profile_passes_the_domain_rules() {
        for seed in 0..5 {
            for p in people(seed, 40) {
                let draft = ProfileDraft::parse(p.profile.clone()).unwrap();
                assert!((3..=6).contains(&draft.offers.len()), "{}: offers {:?}", p.email, draft.offers);
                assert!((1..=4).contains(&draft.seeking.len()), "{}: seeking {:?}", p.email, draft.seeking);
                assert!((1..=3).contains(&draft.interests.len()), "{}: interests {:?}", p.email, draft.interests);
                assert!(draft.headline.is_some() && draft.bio.is_some() && draft.field.is_some());
                assert!(draft.links.len() <= 1);
                assert!((1..=280).contains(&p.focus.chars().count()), "{}: focus", p.email);
                assert!((1..=280).contains(&p.pledge.chars().count()), "{}: pledge", p.email);
                assert!(["freelancer", "student", "employee", "founder", "researcher"].contains(&p.role));
            }
        }
    }

    #[test]
    fn every_pool_is_filled_and_within_the_bounds() {
        let tag_ok = |t: &&str| !t.trim().is_empty() && t.chars().count() <= MAX_TAG_CHARS;
        for a in ARCHETYPES {
            assert!(!a.personas.is_empty());
            assert!(a.personas.iter().all(|(_, h, b)| h.chars().count() <= 140 && b.chars().count() <= 900));
            assert!((5..=8).contains(&a.offers.len()) && a.offers.len() <= MAX_TAGS && a.offers.iter().all(tag_ok));
            assert!(a.needs.len() >= 4 && a.needs.iter().all(tag_ok));
            assert!(a.interests.len() >= 3 && a.interests.iter().all(tag_ok));
            assert!(!a.bios.is_empty() && a.bios.iter().all(|s| s.chars().count() <= 900));
            assert!(!a.seeking_texts.is_empty() && a.seeking_texts.iter().all(|s| s.chars().count() <= 500));
            assert!(!a.focuses.is_empty() && a.focuses.iter().all(|s| s.chars().count() <= 280));
            assert!(!a.pledges.is_empty() && a.pledges.iter().all(|s| s.chars().count() <= 280));
        }
        for o in ORIGINS {
            assert!(!o.first.is_empty() && !o.last.is_empty());
        }
    }

    #[test]
    fn every_archetype_appears_in_a_cast_of_forty() {
        let cast = people(5, 40);
        for a in ARCHETYPES {
            let present = cast.iter().any(|p| {
                a.personas.iter().any(|(_, h, _)| p.profile.headline.as_deref() == Some(*h))
                    && p.profile.field.as_deref() == Some(a.field)
            });
            assert!(present, "no one from {:?}", a.personas[0].1);
        }
    }

    #[test]
    fn at_least_two_people_hold_each_visibility() {
        for count in [20, 40] {
            let cast = people(9, count);
            let mut seen: HashMap<Visibility, usize> = HashMap::new();
            for p in &cast {
                *seen.entry(p.profile.visibility).or_default() += 1;
            }
            for v in [Visibility::Public, Visibility::Venue, Visibility::Hidden] {
                assert!(seen.get(&v).copied().unwrap_or(0) >= 2, "{count} people: too few {v:?}");
            }
            assert!(seen[&Visibility::Public] > count / 2);
        }
    }

    #[test]
    fn most_people_are_open_to_meet() {
        let cast = people(13, 40);
        let open = cast.iter().filter(|p| p.profile.open_to_meet).count();
        assert!((28..40).contains(&open), "{open} of 40 open to meet");
    }

    #[test]
    fn every_venue_and_space_passes_the_domain_rules() {
        for v in venues() {
            VenueDraft::parse(v.venue.clone()).unwrap();
            for s in v.spaces {
                SpaceDraft::parse(s).unwrap();
            }
        }
    }

    #[test]
    fn the_venues_are_three_kinds_in_exactly_two_cities() {
        let all = venues();
        assert_eq!(all.len(), 3);
        let kinds: HashSet<_> = all.iter().map(|v| v.venue.kind).collect();
        let cities: HashSet<_> = all.iter().map(|v| v.venue.city.as_str()).collect();
        assert_eq!(kinds.len(), 3);
        assert_eq!(cities.len(), 2);
        assert!(all.iter().all(|v| v.venue.country == "NL" && v.venue.time_zone == "Europe/Amsterdam"));
    }

    #[test]
    fn each_venue_is_open_every_day_from_eight_to_ten() {
        let day = Span::new(t("08:00"), t("22:00")).unwrap();
        let week = Weekday::ALL;
        for v in venues() {
            assert!(v.venue.closures.is_empty());
            let hours = WeeklyHours::parse(v.venue.opening_hours.clone()).unwrap();
            for d in week {
                assert!(hours.on(d).any(|span| span.contains(&day)), "{} is not open all of {d:?}", v.venue.name);
            }
        }
    }

    #[test]
    fn each_venue_offers_seats_for_social_capital_and_meeting_rooms_offer_none() {
        for v in venues() {
            assert!(
                v.spaces.iter().any(|s| s.kind == SpaceKind::OpenSeating
                    && (10..=40).contains(&s.capacity)
                    && (6..=20).contains(&s.social_capital_seats)),
                "{} has no seats for social capital",
                v.venue.name
            );
            assert!(v.spaces.iter().filter(|s| s.kind == SpaceKind::MeetingRoom).all(|s| s.social_capital_seats == 0));
        }
    }
}
