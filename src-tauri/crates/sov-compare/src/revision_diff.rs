//! What an update changed: two revisions' buildings compared; the requested changes confirmed or not applied,
//! every other change listed as derived (SOV Fixer recomputed it).

use std::collections::{BTreeSet, HashMap};

use serde::Serialize;
use sov_workbook::attributes::label_of;
use sov_workbook::value::same_optional;
use sov_workbook::{Building, Value};

use crate::preview::Preview;
use crate::summary::{count, untouched_sentence};

/// A value the user asked SOV Fixer to set.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RequestedChange {
    pub item_key: String,
    pub attribute: String,
    pub value: Value,
}

impl RequestedChange {
    /// The changes a preview sent (before stale choices; pass the ones actually sent when they differ).
    pub fn from_preview(preview: &Preview) -> Vec<RequestedChange> {
        preview
            .changes
            .iter()
            .map(|change| RequestedChange {
                item_key: change.item_key.clone(),
                attribute: change.attribute.clone(),
                value: change.new.clone(),
            })
            .collect()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Confirmed,
    NotApplied,
}

/// Where a building and its attribute are, for people and for filters.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Place {
    pub item_key: String,
    pub sheet_name: String,
    pub sheet_row_number: u32,
    pub building: String,
    pub attribute: String,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RequestedOutcome {
    #[serde(flatten)]
    pub place: Place,
    pub before: Option<Value>,
    pub asked: Value,
    pub now: Option<Value>,
    pub outcome: Outcome,
    /// For a change not applied: what happened and what to do.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DerivedChange {
    #[serde(flatten)]
    pub place: Place,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RevisionDiff {
    pub requested: Vec<RequestedOutcome>,
    pub derived: Vec<DerivedChange>,
    pub changed_buildings: usize,
    pub untouched_buildings: usize,
    /// Item keys only in the newer revision, and only in the older one.
    pub added_buildings: Vec<String>,
    pub removed_buildings: Vec<String>,
    pub summary: String,
}

impl RevisionDiff {
    pub fn not_applied(&self) -> usize {
        self.requested
            .iter()
            .filter(|change| change.outcome == Outcome::NotApplied)
            .count()
    }
}

fn place(building: &Building, attribute: &str) -> Place {
    Place {
        item_key: building.item_key.clone(),
        sheet_name: building.sheet_name.clone(),
        sheet_row_number: building.sheet_row_number,
        building: building.label(),
        attribute: attribute.to_owned(),
        label: label_of(attribute),
    }
}

/// Compares revision `from` with revision `to`; `requested` are the changes sent between them (empty when
/// comparing any two revisions: then every change is listed as derived).
pub fn compare_revisions(
    from: &[Building],
    to: &[Building],
    requested: &[RequestedChange],
) -> RevisionDiff {
    let after: HashMap<&str, &Building> = to
        .iter()
        .map(|building| (building.item_key.as_str(), building))
        .collect();
    let before: HashMap<&str, &Building> = from
        .iter()
        .map(|building| (building.item_key.as_str(), building))
        .collect();
    let asked: HashMap<(&str, &str), &Value> = requested
        .iter()
        .map(|change| {
            (
                (change.item_key.as_str(), change.attribute.as_str()),
                &change.value,
            )
        })
        .collect();
    let mut diff = RevisionDiff {
        requested: Vec::new(),
        derived: Vec::new(),
        changed_buildings: 0,
        untouched_buildings: 0,
        added_buildings: Vec::new(),
        removed_buildings: Vec::new(),
        summary: String::new(),
    };
    for change in requested {
        let old = before.get(change.item_key.as_str());
        let new = after.get(change.item_key.as_str());
        let Some(reference) = new.or(old) else {
            continue;
        };
        let now = new
            .and_then(|building| building.value(&change.attribute))
            .cloned();
        let confirmed = same_optional(now.as_ref(), Some(&change.value));
        diff.requested.push(RequestedOutcome {
            place: place(reference, &change.attribute),
            before: old.and_then(|building| building.value(&change.attribute)).cloned(),
            asked: change.value.clone(),
            now: now.clone(),
            outcome: if confirmed { Outcome::Confirmed } else { Outcome::NotApplied },
            note: (!confirmed).then(|| match &now {
                _ if new.is_none() => "The building is not in the new revision. Check the SOV on SOV Fixer.".to_owned(),
                Some(kept) => format!(
                    "SOV Fixer kept {kept}. Check the value you sent, then send this correction again or ask SOV Fixer support."
                ),
                None => "SOV Fixer has no value for it. Send this correction again or ask SOV Fixer support.".to_owned(),
            }),
        });
    }
    for building in from {
        let Some(newer) = after.get(building.item_key.as_str()) else {
            diff.removed_buildings.push(building.item_key.clone());
            continue;
        };
        let attributes: BTreeSet<&str> = building
            .attributes
            .keys()
            .chain(newer.attributes.keys())
            .map(|name| &**name)
            .collect();
        let mut changed = false;
        for attribute in attributes {
            let (old, new) = (building.value(attribute), newer.value(attribute));
            if same_optional(old, new) {
                continue;
            }
            changed = true;
            if asked.contains_key(&(building.item_key.as_str(), attribute)) {
                continue;
            }
            diff.derived.push(DerivedChange {
                place: place(newer, attribute),
                before: old.cloned(),
                after: new.cloned(),
            });
        }
        if changed {
            diff.changed_buildings += 1;
        } else {
            diff.untouched_buildings += 1;
        }
    }
    diff.added_buildings = to
        .iter()
        .filter(|building| !before.contains_key(building.item_key.as_str()))
        .map(|building| building.item_key.clone())
        .collect();
    diff.summary = summary(&diff);
    diff
}

fn summary(diff: &RevisionDiff) -> String {
    let mut sentences = Vec::new();
    if !diff.requested.is_empty() {
        let not_applied = diff.not_applied();
        sentences.push(format!(
            "{} confirmed{}.",
            count(
                diff.requested.len() - not_applied,
                "requested change",
                "requested changes"
            ),
            if not_applied > 0 {
                format!(", {not_applied} not applied")
            } else {
                String::new()
            }
        ));
    }
    if !diff.derived.is_empty() {
        sentences.push(format!(
            "SOV Fixer changed {} on its own.",
            count(diff.derived.len(), "other value", "other values")
        ));
    }
    sentences.extend(untouched_sentence(diff.untouched_buildings));
    sentences.join(" ")
}
