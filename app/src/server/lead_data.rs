//! Everything held about one lead, in one JSON document: what the lead's access and
//! portability request (LGPD art. 18) is answered with (`handlers::lead_rights`).

use super::db::TenantTx;
use uuid::Uuid;

/// Everything held about one lead, as the export gives it (`None`: not this consultant's).
pub async fn gather(
    t: &mut TenantTx,
    lead: Uuid,
) -> Result<Option<serde_json::Value>, sqlx::Error> {
    let (db, consultant) = t.split();
    sqlx::query_scalar!(
        r#"select jsonb_build_object(
                   'exportado_em', now(),
                   'lead', jsonb_build_object(
                       'id', l.id, 'nome', l.name, 'nome_no_whatsapp', l.profile_name,
                       'whatsapp', l.whatsapp_number, 'usuario_whatsapp', l.whatsapp_user_id,
                       'etapa', l.status, 'respostas', l.respostas, 'origem', l.metadata,
                       'criado_em', l.created_at, 'ultima_atividade', l.last_interaction_at,
                       'pontos_de_temperatura', case when l.scored_at is not null then l.score end,
                       'resumo', l.summary, 'resumo_escrito_por',
                       case l.summary_source when 'ia' then 'IA' when 'respostas' then 'respostas' end),
                   'consentimento', jsonb_build_object(
                       'aviso_de_privacidade_enviado_em', l.privacy_notice_at,
                       'aviso_lido_em', l.privacy_ack_at,
                       'pediu_para_sair_em', l.opted_out_at),
                   'conversas', coalesce((
                       select jsonb_agg(jsonb_build_object(
                                  'inicio', c.started_at, 'concluida_em', c.completed_at,
                                  'respostas', c.state->'answers') order by c.started_at)
                         from conversations c where c.lead_id = l.id), '[]'::jsonb),
                   'mensagens', coalesce((
                       select jsonb_agg(jsonb_build_object(
                                  'em', m.created_at, 'direcao', m.direction,
                                  'texto', m.content, 'situacao', m.status,
                                  'arquivada', m.archived, 'arquivo', mm.kind,
                                  'transcricao', case mm.transcript_status
                                      when 'transcrito' then 'texto transcrito do áudio'
                                      when 'falhou' then 'não transcrito: ' || mm.transcript_error
                                      when 'pendente' then 'transcrição pendente' end)
                                  order by m.created_at, m.reply_seq)
                         from (select id, conversation_id, created_at, direction, content, status,
                                      reply_seq, false as archived from messages
                               union all
                               select id, conversation_id, created_at, direction, content, status,
                                      reply_seq, true from messages_archive) m
                         left join message_media mm on mm.message_id = m.id
                         join conversations c on c.id = m.conversation_id
                        where c.lead_id = l.id), '[]'::jsonb),
                   'eventos_enviados_a_meta', coalesce((
                       select jsonb_agg(jsonb_build_object(
                                  'evento', e.event_name, 'situacao', e.status,
                                  'enviado_em', e.sent_at, 'conteudo_enviado', e.sent_payload)
                                  order by e.created_at)
                         from conversion_events e where e.lead_id = l.id), '[]'::jsonb),
                   'respostas_da_ia', coalesce((
                       select jsonb_agg(jsonb_build_object(
                                  'em', a.created_at, 'texto', a.response, 'modelo', a.model,
                                  'conformidade_ok', a.compliance_check_passed,
                                  'alertas', a.compliance_flags) order by a.created_at)
                         from ai_responses a where a.lead_id = l.id), '[]'::jsonb),
                   'historico_de_etapas', coalesce((
                       select jsonb_agg(jsonb_build_object(
                                  'em', h.created_at, 'de', h.from_status, 'para', h.to_status,
                                  'motivo', h.reason) order by h.created_at)
                         from lead_status_history h where h.lead_id = l.id), '[]'::jsonb),
                   'notas', coalesce((
                       select jsonb_agg(jsonb_build_object('em', n.created_at, 'texto', n.body)
                                        order by n.created_at)
                         from lead_notes n where n.lead_id = l.id), '[]'::jsonb),
                   'agendamentos', coalesce((
                       select jsonb_agg(jsonb_build_object(
                                  'inicio', a.starts_at, 'local', a.place,
                                  'link_da_videochamada', a.video_url, 'situacao', a.status,
                                  'criado_em', a.created_at, 'alterado_em', a.updated_at)
                                  order by a.created_at)
                         from appointments a
                        where a.lead_id = l.id and a.consultant_id = l.consultant_id), '[]'::jsonb)
               ) as "data!"
               from leads l where l.id = $1 and l.consultant_id = $2"#,
        lead,
        consultant
    )
    .fetch_optional(db)
    .await
}
