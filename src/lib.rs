//! # Kafka Playground
//!
//! A faithful Apache Kafka 4.1 cluster (KRaft mode) that runs inside a web page, and natively as
//! `kplay`, a scriptable runner. This crate is one library with two front ends.
//!
//! ## Tour
//!
//! Data flows one way: a user action (a click, a terminal line, a lesson step, a script line) becomes
//! a command; the [`engine`] changes state and says what happened; the front end renders it.
//!
//! | module        | owns                                                                          |
//! |---------------|-------------------------------------------------------------------------------|
//! | [`engine`]    | the cluster as a pure, deterministic state machine: no web, no fs, no clock   |
//! | [`cli`]       | Kafka's tools as a command language: tokenise a line, run it, print like Kafka |
//! | [`scenario`]  | what a session did as data: `.kplay` text, share links, replay, shell export   |
//! | `ui`          | the Yew web app (wasm32 only): one reducer store, small function components    |
//!
//! The binaries: `src/bin/kplay.rs` runs scripts natively; `src/bin/playground.rs` is the page
//! Trunk builds. See `docs/ARCHITECTURE.md` for the whole map.

#[doc(hidden)]
pub mod bench;
pub mod cli;
pub mod engine;
pub mod i18n;
pub mod lessons;
pub mod scenario;
pub mod storage;

#[cfg(target_arch = "wasm32")]
pub mod ui;
