//! "See its buildings": what an SOV currently holds. Its latest revision's data comes from the app's one owner
//! of current data (`current.rs`: fetched once per server, SOV and revision, shared with the workbook and the
//! preview), is read once into a list of buildings (name, address, sheet and row) and an index of where each
//! building is in the file, held with that data, then searched and paged in memory; one building's attributes
//! are read from the file when it is opened.

use crate::current::SovData;
use crate::state::AppState;
use crate::AppResult;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sov_data::{Attribute, Building, BuildingIndex};
use sov_error::{AppError, Code};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio_util::sync::CancellationToken;

/// Buildings per page in the window: a screenful to scan, and 5,000 buildings are a hundred pages.
pub const BUILDINGS_PAGE_SIZE: usize = 50;

/// How often the words change while SOV Fixer prepares the data, so a long wait never looks frozen.
const PROGRESS_EVERY: Duration = Duration::from_secs(3);

/// One building in the list.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct BuildingRow {
    /// What `building_detail` takes: the building's `item_key`, or `#<position>` when the file gives none.
    pub key: String,
    pub item_key: Option<String>,
    pub name: Option<String>,
    pub address: Option<String>,
    pub sheet_name: Option<String>,
    /// The row as Excel shows it in the insured's spreadsheet.
    pub sheet_row_number: Option<u64>,
}

/// One page of an SOV's buildings, in the order of its spreadsheet.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct BuildingsPage {
    pub sov_id: String,
    /// The revision these buildings are from (0 = the original spreadsheet).
    pub revision: i64,
    /// True when the data came from the copy saved on this computer.
    pub from_cache: bool,
    /// Buildings in the SOV.
    pub total: usize,
    /// Buildings matching the search (all of them without one).
    pub matching: usize,
    /// This page, from 0.
    pub page: usize,
    pub page_count: usize,
    pub page_size: usize,
    pub buildings: Vec<BuildingRow>,
}

/// What the window asks: whose buildings, a search (name, address, sheet, row or key), and which page.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BuildingsQuery {
    pub sov_id: String,
    #[serde(default)]
    pub search: String,
    #[serde(default)]
    pub page: usize,
}

/// One attribute of a building, as the detail shows it.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct AttributeView {
    /// The name SOV Fixer knows (`const__bldg_year_built`).
    pub name: String,
    /// What an underwriter calls it ("Year built"); the name itself for one SOV Updater does not know.
    pub label: String,
    /// The value as text; empty when the SOV has none.
    pub value: String,
    pub units: Option<String>,
    /// Where SOV Fixer got the value, when it says.
    pub source: Option<String>,
    /// What the insured's spreadsheet said, when SOV Fixer changed it.
    pub original: Option<String>,
    pub confidence: Option<String>,
    pub comment: Option<String>,
}

/// Everything an SOV currently says about one building.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct BuildingDetail {
    pub sov_id: String,
    pub revision: i64,
    pub building: BuildingRow,
    /// Known attributes in the attribute list's order, then any others by name.
    pub attributes: Vec<AttributeView>,
}

/// An SOV revision's buildings as this view lists them: the rows to list and search, and the index to open one
/// building. Made once per revision and held with its data (`current.rs`).
pub(crate) struct Listing {
    /// Whether the last opening found the data already on this computer (pages say what the opening said).
    from_cache: AtomicBool,
    rows: Vec<BuildingRow>,
    /// Each row's text in lower case, for searching without allocating per keystroke.
    haystacks: Vec<String>,
    index: BuildingIndex,
}

/// The load under way (so a new one, or Cancel, stops it).
#[derive(Default)]
pub(crate) struct BuildingsLoad {
    loading: Mutex<Option<CancellationToken>>,
}

impl BuildingsLoad {
    /// A token for a new load; the previous load, if any, is cancelled (the window shows one SOV at a time).
    fn start(&self) -> CancellationToken {
        let token = CancellationToken::new();
        if let Some(previous) = self
            .loading
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .replace(token.clone())
        {
            previous.cancel();
        }
        token
    }

    fn cancel(&self) -> bool {
        match self
            .loading
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take()
        {
            Some(token) => {
                token.cancel();
                true
            }
            None => false,
        }
    }
}

impl AppState {
    /// Reads what `sov_id` currently holds (asking SOV Fixer which revision is the latest, and fetching it
    /// unless this computer already has it), telling `progress` what is happening in words. Cancelled by
    /// [`AppState::cancel_buildings`] or by opening another SOV's buildings.
    pub async fn open_buildings(
        &self,
        sov_id: &str,
        progress: &(dyn Fn(&str) + Send + Sync),
    ) -> AppResult<BuildingsPage> {
        let sov_id = crate::find::sov_id_from_text(sov_id)?;
        let cancel = self.buildings_load.start();
        let loaded = tokio::select! {
            () = cancel.cancelled() => Err(AppError::new(Code::Cancelled, "Stopped. The buildings were not read.", "")),
            loaded = self.load_buildings(&sov_id, progress, &cancel) => loaded,
        };
        let (data, listing) = loaded?;
        Ok(page_of(&data, &listing, "", 0))
    }

    /// Stops reading an SOV's buildings; false when nothing was being read.
    pub fn cancel_buildings(&self) -> bool {
        self.buildings_load.cancel()
    }

    /// One page of the buildings of an SOV already opened (it is opened now, without progress words, if not).
    pub async fn current_buildings(&self, query: BuildingsQuery) -> AppResult<BuildingsPage> {
        let (data, listing) = self.listed_or_open(&query.sov_id).await?;
        Ok(page_of(&data, &listing, &query.search, query.page))
    }

    /// Every attribute of one building of an SOV (opened now if it was not).
    pub async fn building_detail(&self, sov_id: &str, key: &str) -> AppResult<BuildingDetail> {
        let (data, listing) = self.listed_or_open(sov_id).await?;
        let key = key.trim().to_owned();
        let reader = Arc::clone(&listing);
        let found = tokio::task::spawn_blocking(move || read_building(&reader, &key))
            .await
            .map_err(AppError::internal)??;
        let Some((row, building)) = found else {
            return Err(AppError::new(
                Code::NotFound,
                format!(
                    "Revision {} of this SOV has no such building. Search the list again; it may have been read from an older revision.",
                    data.revision
                ),
                "",
            ));
        };
        Ok(BuildingDetail {
            sov_id: data.sov_id.clone(),
            revision: data.revision,
            building: row,
            attributes: attribute_views(&building),
        })
    }

    /// The revision the window listed last (the pages of one list stay of one revision), else the SOV opened now.
    async fn listed_or_open(&self, sov_id: &str) -> AppResult<(Arc<SovData>, Arc<Listing>)> {
        let sov_id = crate::find::sov_id_from_text(sov_id)?;
        let connection = self.connection().await?;
        let server = connection.client.api_base().as_str().to_owned();
        if let Some(data) = self.current.listed(&server, &sov_id) {
            if let Some(listing) = data.listing.get() {
                return Ok((Arc::clone(&data), Arc::clone(listing)));
            }
        }
        self.open_buildings(&sov_id, &|_| {}).await?;
        self.current
            .listed(&server, &sov_id)
            .and_then(|data| data.listing.get().cloned().map(|listing| (data, listing)))
            .ok_or_else(|| AppError::internal("the buildings were read but not kept"))
    }

    async fn load_buildings(
        &self,
        sov_id: &str,
        progress: &(dyn Fn(&str) + Send + Sync),
        cancel: &CancellationToken,
    ) -> AppResult<(Arc<SovData>, Arc<Listing>)> {
        progress("Asking SOV Fixer which revision of the SOV is the latest…");
        let data = self.current_data(sov_id).await?;
        let from_cache = data.on_disk();
        let listing = data
            .listing
            .get_or_try_init(|| read_listing(&data, progress, cancel))
            .await?;
        listing.from_cache.store(from_cache, Ordering::Relaxed);
        Ok((Arc::clone(&data), Arc::clone(listing)))
    }
}

/// Fetches the revision (unless this computer has it), with words while SOV Fixer prepares it, then lists it.
async fn read_listing(
    data: &SovData,
    progress: &(dyn Fn(&str) + Send + Sync),
    cancel: &CancellationToken,
) -> AppResult<Arc<Listing>> {
    let from_cache = data.on_disk();
    let which = revision_words(data.revision);
    let path = if from_cache {
        data.file(cancel).await?
    } else {
        let started = Instant::now();
        progress(&format!("SOV Fixer is preparing {which}…"));
        let fetch = data.file(cancel);
        tokio::pin!(fetch);
        let mut ticks =
            tokio::time::interval_at(tokio::time::Instant::now() + PROGRESS_EVERY, PROGRESS_EVERY);
        loop {
            tokio::select! {
                fetched = &mut fetch => break fetched?,
                _ = ticks.tick() => progress(&format!(
                    "SOV Fixer is still preparing {which} ({} s so far; a large SOV takes a minute or two)…",
                    started.elapsed().as_secs()
                )),
            }
        }
    };
    let count = data
        .summary
        .num_buildings
        .map_or_else(String::new, |n| format!(" {n}"));
    progress(&format!("Reading the{count} buildings of {which}…"));
    let listing = tokio::task::spawn_blocking(move || {
        read_rows(path).map(|(rows, haystacks, index)| Listing {
            from_cache: AtomicBool::new(from_cache),
            rows,
            haystacks,
            index,
        })
    })
    .await
    .map_err(AppError::internal)??;
    Ok(Arc::new(listing))
}

fn revision_words(revision: i64) -> String {
    if revision == 0 {
        "the original spreadsheet (revision 0)".to_owned()
    } else {
        format!("revision {revision}")
    }
}

type Rows = (Vec<BuildingRow>, Vec<String>, BuildingIndex);

/// One pass to list the buildings (name, address, sheet, row) and one to index where each is in the file.
fn read_rows(path: PathBuf) -> AppResult<Rows> {
    let file = std::fs::File::open(&path).map_err(|error| {
        AppError::file(
            "The SOV's data saved on this computer could not be opened. Try again; it is fetched anew.",
            format!("{}: {error}", path.display()),
        )
    })?;
    let mut rows = Vec::new();
    let mut haystacks = Vec::new();
    sov_data::for_each_building(std::io::BufReader::new(file), |building| {
        let row = row_of(&building, rows.len());
        haystacks.push(haystack(&row));
        rows.push(row);
        Ok(())
    })?;
    let index = BuildingIndex::open(&path)?;
    Ok((rows, haystacks, index))
}

fn row_of(building: &Building, position: usize) -> BuildingRow {
    let text = |name: &str| {
        building
            .attribute(name)
            .map(|a| a.text().trim().to_owned())
            .filter(|t| !t.is_empty())
    };
    let address = text("bldg_street_descriptor").or_else(|| {
        let place = [text("city"), text("state"), text("zip")]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        let parts: Vec<String> = [text("street"), (!place.is_empty()).then_some(place)]
            .into_iter()
            .flatten()
            .collect();
        (!parts.is_empty()).then(|| parts.join(", "))
    });
    BuildingRow {
        key: building
            .item_key
            .clone()
            .unwrap_or_else(|| format!("#{position}")),
        item_key: building.item_key.clone(),
        name: text("bldg_name"),
        address,
        sheet_name: building.sheet_name.clone(),
        sheet_row_number: building.sheet_row_number,
    }
}

fn haystack(row: &BuildingRow) -> String {
    [
        row.name.as_deref().unwrap_or(""),
        row.address.as_deref().unwrap_or(""),
        row.sheet_name.as_deref().unwrap_or(""),
        row.item_key.as_deref().unwrap_or(""),
    ]
    .join("\u{1f}")
    .to_lowercase()
}

/// The rows matching every word of `search` (in name, address, sheet or key; a number also matches the row).
fn page_of(data: &SovData, loaded: &Listing, search: &str, page: usize) -> BuildingsPage {
    let words: Vec<String> = search.split_whitespace().map(str::to_lowercase).collect();
    let matching: Vec<&BuildingRow> = loaded
        .rows
        .iter()
        .zip(&loaded.haystacks)
        .filter(|(row, hay)| {
            words.iter().all(|word| {
                hay.contains(word.as_str())
                    || row
                        .sheet_row_number
                        .is_some_and(|n| word.parse::<u64>() == Ok(n))
            })
        })
        .map(|(row, _)| row)
        .collect();
    let page_count = matching.len().div_ceil(BUILDINGS_PAGE_SIZE).max(1);
    let page = page.min(page_count - 1);
    let buildings = matching
        .iter()
        .skip(page * BUILDINGS_PAGE_SIZE)
        .take(BUILDINGS_PAGE_SIZE)
        .map(|row| (*row).clone())
        .collect();
    BuildingsPage {
        sov_id: data.sov_id.clone(),
        revision: data.revision,
        from_cache: loaded.from_cache.load(Ordering::Relaxed),
        total: loaded.rows.len(),
        matching: matching.len(),
        page,
        page_count,
        page_size: BUILDINGS_PAGE_SIZE,
        buildings,
    }
}

fn read_building(loaded: &Listing, key: &str) -> AppResult<Option<(BuildingRow, Building)>> {
    let position = match key.strip_prefix('#') {
        Some(number) => number.parse::<usize>().ok(),
        None => loaded
            .rows
            .iter()
            .position(|row| row.item_key.as_deref() == Some(key)),
    };
    let Some(position) = position else {
        return Ok(None);
    };
    let Some(row) = loaded.rows.get(position) else {
        return Ok(None);
    };
    Ok(loaded
        .index
        .nth(position)?
        .map(|building| (row.clone(), building)))
}

fn attribute_views(building: &Building) -> Vec<AttributeView> {
    let order = |name: &str| {
        sov_attributes::attributes()
            .iter()
            .position(|a| a.name == name)
            .unwrap_or(usize::MAX)
    };
    let mut views: Vec<(usize, AttributeView)> = building
        .attributes
        .iter()
        .map(|(name, raw)| {
            let attribute = Attribute::of(raw);
            let label = sov_attributes::attribute(name)
                .map_or_else(|| name.clone(), |known| known.label.to_owned());
            let extra = |value: Option<&Value>| {
                value
                    .map(value_text)
                    .map(|t| t.trim().to_owned())
                    .filter(|t| !t.is_empty())
            };
            (
                order(name),
                AttributeView {
                    name: name.clone(),
                    label,
                    value: attribute.text(),
                    units: extra(attribute.units),
                    source: extra(attribute.source),
                    original: extra(attribute.original),
                    confidence: extra(attribute.confidence),
                    comment: extra(attribute.comment),
                },
            )
        })
        .collect();
    views.sort_by(|(a, left), (b, right)| a.cmp(b).then_with(|| left.name.cmp(&right.name)));
    views.into_iter().map(|(_, view)| view).collect()
}

/// A value as the detail shows it: text as it is, nothing for `null`, anything else as JSON.
fn value_text(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}
