//! An SOV's JSON output (docs/api-contract.md §14.4) read as a stream: one building at a time,
//! never the whole file in memory.
//!
//! ```ignore
//! // Every building, in file order, in constant memory:
//! let header = sov_data::for_each_building(File::open(path)?, |building| { … ; Ok(()) })?;
//! // Or an index of where each building is (keys and byte offsets only), then lookups:
//! let index = sov_data::BuildingIndex::open(path)?;
//! let building = index.by_sheet_row("SOV", 7)?;
//! let year = building.and_then(|b| b.attribute("year_built")).map(|a| a.value);
//! ```

mod building;
mod error;
mod index;
mod scanner;
mod stream;

pub use building::{row_number as identity_row_number, text as identity_text};
pub use building::{Attribute, Building};
pub use error::ReadError;
pub use index::BuildingIndex;
pub use stream::{for_each_building, for_each_building_parsed, SovHeader};
