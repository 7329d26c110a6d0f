//! The streaming pass: the top-level object's small keys are kept, `buildings[]` is handed over one
//! element at a time together with its byte range in the file, everything else is skipped unread.

use std::cell::{Cell, RefCell};
use std::fmt;
use std::io::Read;
use std::marker::PhantomData;
use std::rc::Rc;

use serde::de::{
    DeserializeOwned, DeserializeSeed, Error as _, IgnoredAny, MapAccess, SeqAccess, Visitor,
};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use crate::{Building, ReadError};

/// The output's top-level keys other than `buildings` that say what it is.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SovHeader {
    /// The parent SOV id (the same in every revision).
    pub id: Option<String>,
    pub source_filename: Option<String>,
    /// As the file states it; `buildings_read` is what was actually there.
    pub num_buildings: Option<u64>,
    pub buildings_read: u64,
}

/// Calls `on_building` with every building in file order, holding one at a time. Returns the
/// header; the first error (malformed JSON, or one `on_building` returned) stops the pass.
pub fn for_each_building<R: Read>(
    reader: R,
    mut on_building: impl FnMut(Building) -> Result<(), ReadError>,
) -> Result<SovHeader, ReadError> {
    scan(reader, |building: Building, _range| on_building(building))
}

/// Where an element of `buildings[]` sits in the file: `start..end` in bytes.
pub(crate) type ByteRange = std::ops::Range<u64>;

/// The pass itself, generic over what each building is read as (all of it, or its keys only).
pub(crate) fn scan<R: Read, T: DeserializeOwned>(
    reader: R,
    on_item: impl FnMut(T, ByteRange) -> Result<(), ReadError>,
) -> Result<SovHeader, ReadError> {
    let position = Rc::new(Cell::new(0));
    let counting = Counting {
        inner: reader,
        buffer: vec![0; 1 << 16].into_boxed_slice(),
        start: 0,
        end: 0,
        position: position.clone(),
    };
    let stopped_by_caller = RefCell::new(None);
    let on_item = RefCell::new(on_item);
    let top = TopLevel::<T, _> {
        on_item: &on_item,
        stopped_by_caller: &stopped_by_caller,
        position,
        item: PhantomData,
    };
    let mut deserializer = serde_json::Deserializer::from_reader(counting);
    let result = top
        .deserialize(&mut deserializer)
        .and_then(|header| deserializer.end().map(|()| header));
    if let Some(error) = stopped_by_caller.into_inner() {
        return Err(error);
    }
    match result {
        Ok(Some(header)) => Ok(header),
        Ok(None) => Err(ReadError::new(
            "it has no `buildings` list, so it is not an SOV data file",
        )),
        Err(error) => Err(ReadError::from_json(&error)),
    }
}

/// Counts the bytes serde_json has taken. serde_json reads its input a byte at a time and looks
/// ahead by one byte at most, so when an element's reading begins its opening `{` has just been
/// taken, and when it ends its closing `}` has.
/// Buffered itself (rather than over a `BufReader`) so the one-byte reads serde_json makes are a
/// copy from the buffer and a counter increment.
struct Counting<R> {
    inner: R,
    buffer: Box<[u8]>,
    start: usize,
    end: usize,
    position: Rc<Cell<u64>>,
}

impl<R: Read> Read for Counting<R> {
    #[inline]
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.start == self.end {
            self.end = loop {
                match self.inner.read(&mut self.buffer) {
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                    other => break other?,
                }
            };
            self.start = 0;
        }
        let available = &self.buffer[self.start..self.end];
        let taken = available.len().min(buf.len());
        buf[..taken].copy_from_slice(&available[..taken]);
        self.start += taken;
        self.position.set(self.position.get() + taken as u64);
        Ok(taken)
    }
}

type Stop = RefCell<Option<ReadError>>;

struct TopLevel<'a, T, F> {
    on_item: &'a RefCell<F>,
    stopped_by_caller: &'a Stop,
    position: Rc<Cell<u64>>,
    item: PhantomData<T>,
}

impl<'de, T, F> DeserializeSeed<'de> for TopLevel<'_, T, F>
where
    T: DeserializeOwned,
    F: FnMut(T, ByteRange) -> Result<(), ReadError>,
{
    /// `None` when the object had no `buildings` key.
    type Value = Option<SovHeader>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de, T, F> Visitor<'de> for TopLevel<'_, T, F>
where
    T: DeserializeOwned,
    F: FnMut(T, ByteRange) -> Result<(), ReadError>,
{
    type Value = Option<SovHeader>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an SOV data object with a `buildings` list")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut header = SovHeader::default();
        let mut saw_buildings = false;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "buildings" => {
                    header.buildings_read = map.next_value_seed(BuildingList {
                        on_item: self.on_item,
                        stopped_by_caller: self.stopped_by_caller,
                        position: &self.position,
                        item: PhantomData::<T>,
                    })?;
                    saw_buildings = true;
                }
                "id" => header.id = text(map.next_value::<Value>()?),
                "source_filename" => header.source_filename = text(map.next_value::<Value>()?),
                "num_buildings" => header.num_buildings = map.next_value::<Value>()?.as_u64(),
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(saw_buildings.then_some(header))
    }
}

fn text(value: Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text),
        _ => None,
    }
}

struct BuildingList<'a, T, F> {
    on_item: &'a RefCell<F>,
    stopped_by_caller: &'a Stop,
    position: &'a Rc<Cell<u64>>,
    item: PhantomData<T>,
}

impl<'de, T, F> DeserializeSeed<'de> for BuildingList<'_, T, F>
where
    T: DeserializeOwned,
    F: FnMut(T, ByteRange) -> Result<(), ReadError>,
{
    /// How many buildings were read.
    type Value = u64;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de, T, F> Visitor<'de> for BuildingList<'_, T, F>
where
    T: DeserializeOwned,
    F: FnMut(T, ByteRange) -> Result<(), ReadError>,
{
    type Value = u64;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of buildings")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<u64, A::Error> {
        let mut count = 0;
        while let Some(()) = seq.next_element_seed(OneBuilding {
            on_item: self.on_item,
            stopped_by_caller: self.stopped_by_caller,
            position: self.position,
            item: PhantomData::<T>,
        })? {
            count += 1;
        }
        Ok(count)
    }
}

struct OneBuilding<'a, T, F> {
    on_item: &'a RefCell<F>,
    stopped_by_caller: &'a Stop,
    position: &'a Rc<Cell<u64>>,
    item: PhantomData<T>,
}

impl<'de, T, F> DeserializeSeed<'de> for OneBuilding<'_, T, F>
where
    T: DeserializeOwned,
    F: FnMut(T, ByteRange) -> Result<(), ReadError>,
{
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        let start = self.position.get().saturating_sub(1);
        let item = T::deserialize(deserializer)?;
        let end = self.position.get();
        let mut on_item = self.on_item.borrow_mut();
        if let Err(error) = (*on_item)(item, start..end) {
            *self.stopped_by_caller.borrow_mut() = Some(error);
            return Err(D::Error::custom("stopped"));
        }
        Ok(())
    }
}
