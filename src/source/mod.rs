//! Where events come from. Offline: exported files.

pub mod files;
