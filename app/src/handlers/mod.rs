//! Plain axum handlers: what the browser reaches without a server function. File uploads,
//! downloads (CSV, ZIP, JSON, media) and the forms that must work the same with or without
//! JavaScript. Each takes its door from [`door`] (the signed-in consultant, and for a form the
//! checked CSRF token) and reaches the database through the tenant transaction it gives.
//! Compiled with `ssr` only. A new handler goes here, in a file named for what it does, and
//! into [`routes`].

pub mod account_close;
pub mod account_export;
pub mod appointment;
pub mod comparison;
pub mod conversions;
pub mod deal_value;
pub mod door;
pub mod files;
pub mod flow_actions;
pub mod follow_ups;
pub mod lead_bulk;
pub mod lead_export;
pub mod lead_rights;
pub mod media;
pub mod notifications;
pub mod photos;
pub mod schedule;
pub mod sessions;
pub mod simulator;
pub mod template_send;
pub mod templates;
pub mod two_factor_forms;
pub mod zip_stream;

use crate::server::AppState;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::Router;

/// Every plain handler at its address.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/configuracoes/foto",
            post(photos::upload).layer(DefaultBodyLimit::max(photos::BODY_LIMIT)),
        )
        .route("/fotos/{id}", get(photos::serve))
        .route(
            "/arquivos/enviar/{lead}",
            post(files::send).layer(DefaultBodyLimit::max(files::BODY_LIMIT)),
        )
        .route(
            "/arquivos/biblioteca",
            post(files::add).layer(DefaultBodyLimit::max(files::BODY_LIMIT)),
        )
        .route("/arquivos/excluir", post(files::remove))
        .route("/arquivos/{id}", get(files::serve))
        .route("/leads/exportar.csv", get(lead_export::csv))
        .route("/leads/em-massa", post(lead_bulk::handle))
        .route("/fluxos/acao", post(flow_actions::handle))
        .route("/fluxos/simulador", post(simulator::handle))
        .route("/fluxos/{flow}/comparativo", post(comparison::save))
        .route("/leads/{lead}/midia/{message}", get(media::serve))
        .route("/leads/{lead}/dados.json", get(lead_rights::export))
        .route("/leads/{lead}/excluir-dados", post(lead_rights::erase))
        .route("/leads/{lead}/corrigir", post(lead_rights::correct))
        .route("/leads/{lead}/valor", post(deal_value::set))
        .route("/leads/{lead}/modelo", post(template_send::send))
        .route("/leads/{lead}/agendar", post(schedule::add))
        .route("/leads/{lead}/agendadas/cancelar", post(schedule::cancel))
        .route("/modelos/acao", post(templates::action))
        .route("/modelos/regras", post(follow_ups::action))
        .route("/leads/{lead}/agendamento", post(appointment::change))
        .route(
            "/leads/{lead}/agendamento.ics",
            get(appointment::calendar_file),
        )
        .route(
            "/configuracoes/duas-etapas",
            post(two_factor_forms::settings_action),
        )
        .route("/configuracoes/sessoes", post(sessions::action))
        .route("/configuracoes/notificacoes", post(notifications::action))
        .route(
            "/configuracoes/conversoes",
            post(conversions::save_settings),
        )
        .route("/notificacoes/aparelhos", post(notifications::subscribe))
        .route(
            "/entrar/verificar-codigo",
            post(two_factor_forms::second_step),
        )
        .route("/configuracoes/encerrar", post(account_close::close))
        .route("/configuracoes/exportar.zip", get(account_export::export))
}
