//! `/c/{slug}/privacidade`: the consultant's privacy notice (LGPD), generated from the
//! profile and linked from the bot's first reply: who the controller is, what is collected,
//! why, for how long, and how a lead exercises their rights.

use super::public_profile_page::BySlug;
use crate::api::profile::ProfileView;
use crate::components::PageTitle;
use leptos::prelude::*;

#[component]
pub fn PrivacyPage() -> impl IntoView {
    view! { <BySlug render=|p| view! { <Privacy p/> }.into_any()/> }
}

#[component]
fn Privacy(p: ProfileView) -> impl IntoView {
    let registration = p
        .registration
        .clone()
        .map(|r| format!(" (registro profissional {r})"))
        .unwrap_or_default();
    view! {
        <PageTitle text=format!("Privacidade | {} | Consultor", p.name)/>
        <main class="narrow privacy">
            <h1>"Como seus dados são tratados"</h1>
            <p>{format!("Quem trata seus dados: {}{registration}, profissional de {}, que atende você pelo WhatsApp com a ajuda de um assistente virtual (o Consultor).",
                p.name, p.vertical_label.to_lowercase())}</p>
            <h2>"O que é guardado"</h2>
            <ul>
                <li>"Seu número e seu nome no WhatsApp;"</li>
                <li>"as respostas que você dá ao assistente (por exemplo nome, cidade, faixa de idade) e as mensagens da conversa, com os arquivos que você enviar;"</li>
                <li>"a resposta escrita pelo assistente e a etapa do seu atendimento."</li>
            </ul>
            <h2>"Para quê"</h2>
            <p>{format!("Só para responder ao seu pedido de atendimento e para que {} entre em contato com você sobre ele. Nada é vendido nem repassado a terceiros.", p.name)}</p>
            <h2>"Por quanto tempo"</h2>
            <p>"As conversas ficam guardadas por até 2 anos; depois são arquivadas. Se a conta do profissional for encerrada, tudo é apagado em 90 dias. Você pode pedir a exclusão antes disso."</p>
            <h2>"Seus direitos (LGPD, arts. 18 e 19)"</h2>
            <ul>
                <li>"Receber uma cópia dos seus dados, corrigi-los ou pedir que sejam apagados: peça pelo WhatsApp; o pedido é atendido em até 15 dias."</li>
                <li>"Deixar de receber mensagens automáticas: escreva SAIR (ou PARAR, ou CANCELAR). Para voltar, escreva VOLTAR."</li>
            </ul>
            <a class="button button-whatsapp" href=p.whatsapp_link.clone() rel="noopener" target="_blank">
                "Falar pelo WhatsApp"
            </a>
            <p><a href=format!("/c/{}", p.slug)>{format!("Voltar ao perfil de {}", p.name)}</a></p>
        </main>
    }
}
