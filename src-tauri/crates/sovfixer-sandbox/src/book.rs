//! The demo book: a believable set of SOVs (distinct insureds and file names, different dates, some updated
//! several times, one failed parse, one still parsing), generated deterministically from the table below so
//! every run, test and demo sees the same book.

use crate::sov::{generated_sov_seeded, ParseStatus, SeededUpdate, Sov, SplitMix};

/// One row of the book: insured, spreadsheet name, parse date (UTC), buildings, updates already applied.
struct Entry {
    insured: &'static str,
    filename: &'static str,
    parsed: &'static str,
    buildings: usize,
    updates: usize,
    origin: &'static str,
}

const fn entry(
    insured: &'static str,
    filename: &'static str,
    parsed: &'static str,
    buildings: usize,
    updates: usize,
    origin: &'static str,
) -> Entry {
    Entry {
        insured,
        filename,
        parsed,
        buildings,
        updates,
        origin,
    }
}

const BOOK: &[Entry] = &[
    entry(
        "Acme Corp",
        "Acme 2026 SOV.xlsx",
        "2026-11-24T14:12:09.114Z",
        12,
        2,
        "api",
    ),
    entry(
        "Acme Logistics Inc",
        "Acme Logistics warehouses.xlsx",
        "2026-11-20T10:02:51.640Z",
        8,
        0,
        "email",
    ),
    entry(
        "Bayview Medical Center",
        "Bayview Medical - property schedule.xlsx",
        "2026-11-17T16:45:00.021Z",
        24,
        1,
        "api",
    ),
    entry(
        "Cedar Ridge Apartments LP",
        "Cedar Ridge SOV 2026.xlsx",
        "2026-11-12T08:30:17.873Z",
        40,
        3,
        "api",
    ),
    entry(
        "Delta Cold Storage",
        "Delta Cold Storage locations.xlsx",
        "2026-11-05T19:20:44.302Z",
        6,
        0,
        "email",
    ),
    entry(
        "Evergreen School District",
        "Evergreen SD buildings 2026-27.xlsx",
        "2026-10-29T13:05:38.456Z",
        31,
        1,
        "api",
    ),
    entry(
        "Fairway Hotels Group",
        "Fairway Hotels SOV.xlsx",
        "2026-10-21T11:48:02.990Z",
        18,
        0,
        "api",
    ),
    entry(
        "Granite State Manufacturing",
        "GSM schedule of values.xlsx",
        "2026-10-14T09:12:25.118Z",
        9,
        2,
        "email",
    ),
    entry(
        "Harborview Marina Holdings",
        "Harborview marinas.xlsx",
        "2026-10-02T17:33:50.207Z",
        5,
        0,
        "api",
    ),
    entry(
        "Ironwood Data Centers",
        "Ironwood DC portfolio.xlsx",
        "2026-09-25T15:00:13.734Z",
        7,
        1,
        "api",
    ),
    entry(
        "Juniper Senior Living",
        "Juniper Senior Living SOV Q3.xlsx",
        "2026-09-18T12:41:07.661Z",
        22,
        0,
        "email",
    ),
    entry(
        "Keystone Retail Partners",
        "Keystone Retail 2026 renewal.xlsx",
        "2026-09-09T10:10:59.345Z",
        35,
        2,
        "api",
    ),
    entry(
        "Lakeshore Community Church",
        "Lakeshore Church properties.xlsx",
        "2026-08-28T14:27:33.512Z",
        3,
        0,
        "email",
    ),
    entry(
        "Magnolia Foods Inc",
        "Magnolia Foods plants and DCs.xlsx",
        "2026-08-19T08:55:41.087Z",
        14,
        1,
        "api",
    ),
    entry(
        "Northgate Office REIT",
        "Northgate REIT SOV.xlsx",
        "2026-08-06T16:16:16.616Z",
        27,
        0,
        "api",
    ),
    entry(
        "Oakmont Country Club",
        "Oakmont CC statement of values.xlsx",
        "2026-07-30T11:31:20.740Z",
        4,
        0,
        "email",
    ),
    entry(
        "Pinecrest Self Storage",
        "Pinecrest storage sites.xlsx",
        "2026-07-22T09:03:48.295Z",
        16,
        1,
        "api",
    ),
    entry(
        "Quarry Lane Industrial",
        "Quarry Lane industrial park.xlsx",
        "2026-07-15T13:49:02.458Z",
        11,
        0,
        "api",
    ),
    entry(
        "Riverside Auto Group",
        "Riverside Auto dealerships.xlsx",
        "2026-07-01T10:22:37.009Z",
        10,
        2,
        "email",
    ),
    entry(
        "Sunbelt Multifamily Fund II",
        "Sunbelt MF II SOV 2026.xlsx",
        "2026-06-24T15:37:54.831Z",
        45,
        1,
        "api",
    ),
    entry(
        "Tidewater Port Authority",
        "Tidewater port facilities.xlsx",
        "2026-06-12T08:08:08.808Z",
        13,
        0,
        "api",
    ),
    entry(
        "Union Street Lofts HOA",
        "Union Street Lofts.xlsx",
        "2026-05-29T17:44:19.122Z",
        2,
        0,
        "email",
    ),
    entry(
        "Valley Fresh Produce",
        "Valley Fresh packing houses.xlsx",
        "2026-05-20T12:00:00.500Z",
        8,
        1,
        "api",
    ),
    entry(
        "Westfield Charter Schools",
        "Westfield Charter campuses.xlsx",
        "2026-05-07T09:46:31.276Z",
        12,
        0,
        "api",
    ),
    entry(
        "Yellowstone Lodging Co",
        "Yellowstone Lodging SOV.xlsx",
        "2026-04-23T14:14:14.141Z",
        19,
        0,
        "email",
    ),
    entry(
        "Zenith Biotech",
        "Zenith Biotech labs 2026.xlsx",
        "2026-04-09T11:11:45.903Z",
        6,
        1,
        "api",
    ),
    entry(
        "Atlas Freight Terminals",
        "Atlas Freight terminals - scanned.pdf",
        "2026-12-01T09:15:27.384Z",
        0,
        0,
        "email",
    ),
    entry(
        "Blue Heron Resorts",
        "Blue Heron Resorts SOV 2027.xlsx",
        "2026-12-05T22:58:03.650Z",
        0,
        0,
        "api",
    ),
];

/// The book entry whose parse failed (an unreadable scan) and the one still parsing.
const FAILED_INSURED: &str = "Atlas Freight Terminals";
const PARSING_INSURED: &str = "Blue Heron Resorts";

/// What a seeded update changed, in turn: each touches one building's attribute.
const UPDATE_EDITS: &[(&str, &[&str])] = &[
    ("const__bldg_year_built", &["1972", "1988", "2004"]),
    (
        "const__roof_covering",
        &["Metal", "Single ply membrane", "Tile"],
    ),
    ("limits__building_value", &["1850000", "2400000", "3100000"]),
    ("const__num_stories", &["3", "6", "12"]),
];

/// Ids shaped like the service's (`s-no-ping-hggcsk`): six lowercase letters and digits.
fn book_id(rng: &mut SplitMix) -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let suffix: String = (0..6)
        .map(|_| ALPHABET[rng.below(ALPHABET.len() as u64) as usize] as char)
        .collect();
    format!("s-no-ping-{suffix}")
}

/// `2026-11-24T14:12:09.114Z` plus `days` days (same time of day); the book never crosses a month end
/// by more than the table allows, so plain day arithmetic on the civil date is done by the clock module.
fn days_later(iso: &str, days: i64) -> String {
    crate::clock::UtcTime::parse_iso(iso)
        .map(|t| crate::clock::UtcTime::from_unix_millis(t.unix_millis() + days * 86_400_000).iso())
        .unwrap_or_else(|| iso.to_string())
}

pub fn book_sovs() -> Vec<Sov> {
    let mut rng = SplitMix(0x00B0_0C5E_ED00);
    BOOK.iter()
        .enumerate()
        .map(|(index, row)| {
            let id = book_id(&mut rng);
            let mut sov = generated_sov_seeded(&id, row.buildings.max(1), false, rng.next());
            if row.buildings == 0 {
                sov.buildings.clear();
            }
            sov.description = format!(
                "{} ({}), {} buildings",
                row.insured, row.filename, row.buildings
            );
            sov.source_filename = row.filename.to_string();
            sov.insured_name = row.insured.to_string();
            sov.parsed_at = row.parsed.to_string();
            sov.origin = row.origin;
            sov.parse = match row.insured {
                FAILED_INSURED => ParseStatus::Failed(
                    "The file has no readable table of locations (it is a scanned image)."
                        .to_string(),
                ),
                PARSING_INSURED => ParseStatus::InProgress(40),
                _ => ParseStatus::Complete,
            };
            sov.seeded_updates = (0..row.updates)
                .map(|n| {
                    let (attribute, values) = UPDATE_EDITS[(index + n) % UPDATE_EDITS.len()];
                    SeededUpdate {
                        completed_time: days_later(row.parsed, 2 * (n as i64 + 1)),
                        record_type: if n % 2 == 0 { "API" } else { "SCRUB" },
                        client_ref: Some(format!("renewal-{}", n + 1)),
                        changes: vec![(
                            n % sov.buildings.len().max(1),
                            attribute,
                            values[n % values.len()].to_string(),
                        )],
                    }
                })
                .collect();
            sov
        })
        .collect()
}
