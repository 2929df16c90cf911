//! The app's components, one per file: small function components taking `XxxProps`.

pub mod app;
pub mod broker_card;
pub mod cluster_panel;
pub mod config_editor;
pub mod consumer_form;
pub mod event_panel;
pub mod files_panel;
pub mod group_card;
pub mod groups_panel;
pub mod jump_form;
pub mod lag_sparkline;
pub mod lesson_panel;
pub mod log_lanes;
pub mod metrics_panel;
pub mod network_panel;
pub mod partition_panel;
pub mod producer_card;
pub mod producer_form;
pub mod producers_panel;
pub mod record_list;
pub mod storage_bar;
pub mod terminal;
pub mod time_controls;
pub mod topic_form;
pub mod topic_list;
