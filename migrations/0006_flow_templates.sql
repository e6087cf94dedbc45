-- The system flow templates, one per vertical (seed section 8.2 inserts the first one).
-- Definitions use the seed's format: "etapas" with id, tipo, pergunta, opcoes (rotulo/valor)
-- and proxima; the first step is where a conversation starts. Extended as issue #3
-- describes: per-option "proxima", step types texto (with "validacao"), mensagem and fim,
-- and {{placeholders}} that name earlier answers.

insert into flows (name, vertical, description, definition, is_template) values
(
    'Triagem Básica - Planos de Saúde',
    'health_plans',
    'Fluxo padrão para qualificação de leads de planos de saúde',
    $json${
      "etapas": [
        {"id": "nome", "tipo": "texto", "validacao": "nome",
         "pergunta": "Olá! Sou o assistente virtual. Para começar, qual é o seu nome?",
         "proxima": "perfil"},
        {"id": "perfil", "tipo": "escolha", "pergunta": "Prazer, {{nome}}! Você busca plano para:",
         "opcoes": [
           {"rotulo": "Só eu", "valor": "individual"},
           {"rotulo": "Família", "valor": "familia"},
           {"rotulo": "Empresa (CNPJ)", "valor": "empresa"}
         ],
         "proxima": "idade"},
        {"id": "idade", "tipo": "escolha", "pergunta": "Qual a faixa de idade do titular?",
         "opcoes": [
           {"rotulo": "Até 30 anos", "valor": "ate_30"},
           {"rotulo": "31 a 45 anos", "valor": "31_45"},
           {"rotulo": "46 a 59 anos", "valor": "46_59"},
           {"rotulo": "60 anos ou mais", "valor": "60_mais"}
         ],
         "proxima": "copart"},
        {"id": "copart", "tipo": "escolha", "pergunta": "Aceita coparticipação para pagar menos na mensalidade?",
         "opcoes": [
           {"rotulo": "Sim", "valor": "sim"},
           {"rotulo": "Não", "valor": "nao"},
           {"rotulo": "Não sei", "valor": "nao_sei"}
         ],
         "proxima": "cidade"},
        {"id": "cidade", "tipo": "texto", "pergunta": "Em qual cidade você mora?", "proxima": "fim"},
        {"id": "fim", "tipo": "fim",
         "pergunta": "Obrigado, {{nome}}! Já vou preparar as melhores opções para você."}
      ]
    }$json$::jsonb,
    true
),
(
    'Triagem Básica - Imóveis',
    'real_estate',
    'Fluxo padrão para qualificação de interessados em compra ou aluguel de imóveis',
    $json${
      "etapas": [
        {"id": "nome", "tipo": "texto", "validacao": "nome",
         "pergunta": "Olá! Sou o assistente virtual. Qual é o seu nome?", "proxima": "objetivo"},
        {"id": "objetivo", "tipo": "escolha", "pergunta": "{{nome}}, você quer:",
         "opcoes": [
           {"rotulo": "Comprar", "valor": "comprar", "proxima": "orcamento"},
           {"rotulo": "Alugar", "valor": "alugar", "proxima": "orcamento"},
           {"rotulo": "Vender meu imóvel", "valor": "vender", "proxima": "bairro"}
         ]},
        {"id": "orcamento", "tipo": "escolha", "pergunta": "Qual o valor aproximado que pretende investir?",
         "opcoes": [
           {"rotulo": "Até R$ 300 mil", "valor": "ate_300k"},
           {"rotulo": "R$ 300 a 600 mil", "valor": "300k_600k"},
           {"rotulo": "R$ 600 mil a 1 milhão", "valor": "600k_1m"},
           {"rotulo": "Acima de R$ 1 milhão", "valor": "acima_1m"}
         ],
         "proxima": "bairro"},
        {"id": "bairro", "tipo": "texto", "pergunta": "Qual bairro ou região você prefere?", "proxima": "fim"},
        {"id": "fim", "tipo": "fim", "pergunta": "Obrigado, {{nome}}! Em breve envio as opções."}
      ]
    }$json$::jsonb,
    true
),
(
    'Triagem Básica - Veículos',
    'automotive',
    'Fluxo padrão para qualificação de interessados em veículos',
    $json${
      "etapas": [
        {"id": "nome", "tipo": "texto", "validacao": "nome",
         "pergunta": "Olá! Sou o assistente virtual. Qual é o seu nome?", "proxima": "tipo"},
        {"id": "tipo", "tipo": "escolha", "pergunta": "{{nome}}, que tipo de veículo procura?",
         "opcoes": [
           {"rotulo": "Novo", "valor": "novo"},
           {"rotulo": "Seminovo", "valor": "seminovo"}
         ],
         "proxima": "pagamento"},
        {"id": "pagamento", "tipo": "escolha", "pergunta": "Como pretende pagar?",
         "opcoes": [
           {"rotulo": "À vista", "valor": "a_vista"},
           {"rotulo": "Financiamento", "valor": "financiamento"},
           {"rotulo": "Consórcio", "valor": "consorcio"}
         ],
         "proxima": "troca"},
        {"id": "troca", "tipo": "escolha", "pergunta": "Tem um veículo para dar na troca?",
         "opcoes": [
           {"rotulo": "Sim", "valor": "sim"},
           {"rotulo": "Não", "valor": "nao"}
         ],
         "proxima": "fim"},
        {"id": "fim", "tipo": "fim", "pergunta": "Obrigado, {{nome}}! Já separo as melhores ofertas."}
      ]
    }$json$::jsonb,
    true
),
(
    'Triagem Básica - Seguros',
    'insurance',
    'Fluxo padrão para qualificação de leads de seguros',
    $json${
      "etapas": [
        {"id": "nome", "tipo": "texto", "validacao": "nome",
         "pergunta": "Olá! Sou o assistente virtual. Qual é o seu nome?", "proxima": "seguro"},
        {"id": "seguro", "tipo": "escolha", "pergunta": "{{nome}}, qual seguro você procura?",
         "opcoes": [
           {"rotulo": "Auto", "valor": "auto"},
           {"rotulo": "Vida", "valor": "vida"},
           {"rotulo": "Residencial", "valor": "residencial"},
           {"rotulo": "Empresarial", "valor": "empresarial"}
         ],
         "proxima": "cep"},
        {"id": "cep", "tipo": "texto", "validacao": "cep", "pergunta": "Qual o seu CEP?", "proxima": "fim"},
        {"id": "fim", "tipo": "fim", "pergunta": "Obrigado, {{nome}}! Vou preparar sua cotação."}
      ]
    }$json$::jsonb,
    true
);
