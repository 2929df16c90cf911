//! Hooks: the app's effects at the edge (storage, browser events), kept out of components.

pub mod persistence;
pub mod playback;
pub mod session;
pub mod slow_store;
