//! The one integration-test binary of siak-mock: the generator, the store and the CLI.

mod api;
mod cli;
mod generator;
mod properties;
mod store;

use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};

use chrono::NaiveDate;
use siak_mock::population::DEFAULT_REFERENCE_DATE;
use siak_mock::{FamilyCard, PopulationSpec, Resident};

/// A small population with `seed` and `count`, at the default reference date.
pub fn spec(seed: u64, count: u32) -> PopulationSpec {
    PopulationSpec {
        seed,
        count,
        reference_date: DEFAULT_REFERENCE_DATE,
    }
}

/// Every resident of `families`.
pub fn residents(families: &[FamilyCard]) -> impl Iterator<Item = &Resident> {
    families.iter().flat_map(|f| f.members.iter())
}

/// The reference date of [`spec`].
pub fn reference() -> NaiveDate {
    DEFAULT_REFERENCE_DATE
}

/// A fresh path for a database file in a directory of its own, removed with [`TempDir`].
pub struct TempDir(PathBuf);

impl TempDir {
    #[allow(clippy::new_without_default)]
    pub fn new() -> TempDir {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let dir = std::env::temp_dir().join(format!(
            "siak-mock-test-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).expect("can create a temp dir");
        TempDir(dir)
    }

    pub fn db(&self) -> PathBuf {
        self.0.join("siak.db")
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
