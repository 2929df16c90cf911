//! The app's components, one per file: small function components taking `XxxProps`.

pub mod app;
pub mod broker_card;
pub mod cluster_panel;
pub mod event_panel;
pub mod producer_card;
pub mod producer_form;
pub mod producers_panel;
pub mod storage_bar;
pub mod terminal;
pub mod time_controls;
pub mod topic_form;
pub mod topic_list;
