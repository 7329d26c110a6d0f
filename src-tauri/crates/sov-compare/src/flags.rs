//! Values worth a second look: flagged, never blocked.

use serde::Serialize;
use sov_workbook::attributes::{kind_of, label_of};
use sov_workbook::value::suggest_number;
use sov_workbook::{AttributeKind, Building, Value};

/// Why a new value deserves a second look.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FlagKind {
    /// A money value more than doubled or less than halved.
    MoneyJump,
    YearOutOfRange,
    TooManyStories,
    CoordinateOutOfRange,
    /// The latitude/longitude moves the building more than 50 km.
    MovedFar,
    /// Text in a number column ("1,972", "$1.2M"); `suggested` holds the number meant, when there is one.
    TextInNumberColumn,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Flag {
    pub item_key: String,
    pub file_row: u32,
    pub attribute: String,
    pub kind: FlagKind,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suggested: Option<f64>,
}

const EARLIEST_YEAR_BUILT: f64 = 1700.0;
const MOST_STORIES: f64 = 200.0;
const FARTHEST_MOVE_KM: f64 = 50.0;

/// The flag, if any, for one changed value.
pub fn flag_value(
    attribute: &str,
    old: Option<&Value>,
    new: &Value,
    this_year: i32,
) -> Option<(FlagKind, String, Option<f64>)> {
    let kind = kind_of(attribute);
    let label = label_of(attribute);
    if let (true, Value::Text(text)) = (kind.is_number(), new) {
        if new.as_number().is_none() {
            let suggested = suggest_number(text);
            let hint = suggested.map_or_else(
                || "Type a plain number.".to_owned(),
                |number| {
                    format!(
                        "Did you mean {}?",
                        sov_workbook::value::format_shown(number)
                    )
                },
            );
            return Some((
                FlagKind::TextInNumberColumn,
                format!("{label} “{text}” is text, not a number. {hint}"),
                suggested,
            ));
        }
    }
    let number = new.as_number()?;
    match kind {
        AttributeKind::Money => {
            let before = old
                .and_then(Value::as_number)
                .filter(|before| *before > 0.0)?;
            let ratio = number / before;
            (!(0.5..=2.0).contains(&ratio)).then(|| {
                (
                    FlagKind::MoneyJump,
                    format!(
                        "{label} goes from {} to {}, {}. Check the number of zeros.",
                        sov_workbook::value::format_money(before),
                        sov_workbook::value::format_money(number),
                        if ratio > 1.0 {
                            "more than twice as much"
                        } else {
                            "less than half"
                        }
                    ),
                    None,
                )
            })
        }
        AttributeKind::Year if number > f64::from(this_year) || number < EARLIEST_YEAR_BUILT => {
            Some((
                FlagKind::YearOutOfRange,
                format!(
                    "{label} {} is {}.",
                    sov_workbook::value::format_shown(number),
                    if number > f64::from(this_year) {
                        "in the future"
                    } else {
                        "before 1700"
                    }
                ),
                None,
            ))
        }
        AttributeKind::Count if attribute == "const__num_stories" && number > MOST_STORIES => {
            Some((
                FlagKind::TooManyStories,
                format!(
                    "{label} {} is more than any building has (200).",
                    sov_workbook::value::format_shown(number)
                ),
                None,
            ))
        }
        AttributeKind::Latitude if number.abs() > 90.0 => Some((
            FlagKind::CoordinateOutOfRange,
            format!(
                "{label} {} is outside −90 to 90.",
                sov_workbook::value::format_shown(number)
            ),
            None,
        )),
        AttributeKind::Longitude if number.abs() > 180.0 => Some((
            FlagKind::CoordinateOutOfRange,
            format!(
                "{label} {} is outside −180 to 180.",
                sov_workbook::value::format_shown(number)
            ),
            None,
        )),
        _ => None,
    }
}

/// How far the corrections move a building, when they change its latitude or longitude and both the old and
/// the new position are known and in range.
pub fn moved_far(
    building: &Building,
    new_latitude: Option<&Value>,
    new_longitude: Option<&Value>,
) -> Option<String> {
    if new_latitude.is_none() && new_longitude.is_none() {
        return None;
    }
    let old_latitude = building.value("latitude")?.as_number()?;
    let old_longitude = building.value("longitude")?.as_number()?;
    let latitude = new_latitude.map_or(Some(old_latitude), Value::as_number)?;
    let longitude = new_longitude.map_or(Some(old_longitude), Value::as_number)?;
    if latitude.abs() > 90.0 || longitude.abs() > 180.0 {
        return None;
    }
    let distance = haversine_km(old_latitude, old_longitude, latitude, longitude);
    (distance > FARTHEST_MOVE_KM).then(|| {
        format!("The new latitude/longitude moves the building {distance:.0} km from where SOV Fixer has it.")
    })
}

fn haversine_km(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    const EARTH_RADIUS_KM: f64 = 6371.0;
    let (phi1, phi2) = (lat1.to_radians(), lat2.to_radians());
    let d_phi = (lat2 - lat1).to_radians();
    let d_lambda = (lon2 - lon1).to_radians();
    let a = (d_phi / 2.0).sin().powi(2) + phi1.cos() * phi2.cos() * (d_lambda / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_KM * a.sqrt().asin()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn kind(attribute: &str, old: Option<f64>, new: Value) -> Option<FlagKind> {
        flag_value(attribute, old.map(Value::Number).as_ref(), &new, 2026).map(|(kind, _, _)| kind)
    }

    #[test]
    fn money_more_than_doubled_or_halved_is_flagged_and_small_changes_are_not() {
        let value = "limits__building_value";
        assert_eq!(
            kind(value, Some(1e6), Value::Number(2.1e6)),
            Some(FlagKind::MoneyJump)
        );
        assert_eq!(
            kind(value, Some(1e6), Value::Number(4.9e5)),
            Some(FlagKind::MoneyJump)
        );
        assert_eq!(kind(value, Some(1e6), Value::Number(1.9e6)), None);
        assert_eq!(kind(value, None, Value::Number(1e9)), None);
    }

    #[test]
    fn a_money_jump_is_said_with_thousands_separators_so_the_zeros_can_be_counted() {
        let (_, message, _) = flag_value(
            "limits__building_value",
            Some(&Value::Number(200_000.0)),
            &Value::Number(2_000_000.0),
            2026,
        )
        .unwrap();
        assert!(
            message.contains("from 200,000 to 2,000,000, more than twice as much"),
            "{message}"
        );
    }

    #[test]
    fn implausible_years_stories_and_coordinates_are_flagged() {
        assert_eq!(
            kind("const__bldg_year_built", None, Value::Number(2031.0)),
            Some(FlagKind::YearOutOfRange)
        );
        assert_eq!(
            kind("const__bldg_year_built", None, Value::Number(1699.0)),
            Some(FlagKind::YearOutOfRange)
        );
        assert_eq!(
            kind("const__bldg_year_built", None, Value::Number(1972.0)),
            None
        );
        assert_eq!(
            kind("const__num_stories", None, Value::Number(201.0)),
            Some(FlagKind::TooManyStories)
        );
        assert_eq!(kind("const__num_stories", None, Value::Number(200.0)), None);
        assert_eq!(
            kind("latitude", None, Value::Number(91.0)),
            Some(FlagKind::CoordinateOutOfRange)
        );
        assert_eq!(
            kind("longitude", None, Value::Number(-181.0)),
            Some(FlagKind::CoordinateOutOfRange)
        );
    }

    #[test]
    fn text_in_a_number_column_suggests_the_number() {
        let (kind, message, suggested) = flag_value(
            "const__bldg_year_built",
            None,
            &Value::Text("1,972".into()),
            2026,
        )
        .unwrap();
        assert_eq!(kind, FlagKind::TextInNumberColumn);
        assert_eq!(suggested, Some(1972.0));
        assert!(message.contains("Did you mean 1972?"), "{message}");
        let (_, _, suggested) = flag_value(
            "limits__building_value",
            None,
            &Value::Text("$1.2M".into()),
            2026,
        )
        .unwrap();
        assert_eq!(suggested, Some(1_200_000.0));
        assert_eq!(
            flag_value(
                "const__roof_covering",
                None,
                &Value::Text("Metal".into()),
                2026
            ),
            None
        );
    }

    #[test]
    fn a_building_moved_more_than_50_km_is_flagged() {
        let building = Building {
            item_key: "i-1!S!2".into(),
            sheet_name: "S".into(),
            sheet_row_number: 2,
            attributes: [
                ("latitude".into(), Value::Number(25.79)),
                ("longitude".into(), Value::Number(-80.13)),
            ]
            .into_iter()
            .collect(),
        };
        // Miami Beach to Fort Lauderdale is about 40 km; to Orlando about 330 km.
        assert_eq!(
            moved_far(&building, Some(&Value::Number(26.12)), None),
            None
        );
        let far = moved_far(
            &building,
            Some(&Value::Number(28.54)),
            Some(&Value::Number(-81.38)),
        )
        .unwrap();
        assert!(far.contains("km"), "{far}");
        assert_eq!(moved_far(&building, None, None), None);
    }
}
