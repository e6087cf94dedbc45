//! The Consultor server: configuration, start-up, plain axum routes and the command line.

pub mod ai;
pub mod asset_cache;
pub mod backup;
pub mod cli;
pub mod comparison;
pub mod config;
pub mod database;
pub mod form_limits;
pub mod intake;
pub mod jobs;
pub mod load;
pub mod mail;
pub mod monitoring;
pub mod multipart;
pub mod push;
pub mod same_origin;
pub mod secret;
pub mod security_headers;
pub mod seed;
pub mod speech;
pub mod startup;
pub mod telemetry;
pub mod web_app;
pub mod webhooks;
pub mod whatsapp;
