//! `consultor [serve | migrate | seed-demo | seed-load | webhooks replay | backup | restore |
//! backup-keys | push-keys]`.

use crate::config::Config;
use crate::{load, seed, startup};

const USAGE: &str = "uso: consultor [serve | migrate | seed-demo | seed-load | webhooks replay [ID] | backup [--to ARQUIVO | list | drill] | restore --from ARQUIVO | backup-keys | push-keys]\n\
  serve                   inicia o servidor (padrão)\n\
  migrate                 aplica as migrações do banco\n\
  seed-demo               cria a conta de demonstração com leads e conversas\n\
  seed-load               enche o banco com volume realista (LOAD_CONSULTANTS, LOAD_LEADS, LOAD_BIG)\n\
  webhooks replay [ID]    reprocessa os eventos que falharam (todos, ou só o ID)\n\
  backup                  cópia cifrada do banco inteiro agora, no BACKUP_STORE (manual/)\n\
  backup --to ARQUIVO     a mesma cópia cifrada, num arquivo\n\
  backup list             as cópias guardadas no BACKUP_STORE\n\
  backup drill [--identity ARQUIVO]  restaura a última cópia num banco de ensaio e confere as linhas\n\
  restore --from ARQUIVO|CHAVE [--identity ARQUIVO]  restaura uma cópia num banco vazio (DATABASE_URL)\n\
  backup base             cópia base cifrada (recuperação a um momento; BACKUP_BASE)\n\
  restore --to-time MOMENTO --data-dir DIRETÓRIO [--identity ARQUIVO]  prepara um diretório que se recupera até MOMENTO\n\
  wal-archive / wal-fetch o archive_command e o restore_command do PostgreSQL (veja o README)\n\
  backup-keys             cria o par de chaves das cópias (BACKUP_RECIPIENTS e a chave privada)\n\
  push-keys               cria as chaves das notificações no celular (WEB_PUSH_PRIVATE_KEY)";

pub async fn run(args: Vec<String>) -> anyhow::Result<()> {
    let command = args.first().map(String::as_str).unwrap_or("serve");
    if matches!(command, "-h" | "--help" | "help") {
        println!("{USAGE}");
        return Ok(());
    }
    if command == "backup-keys" {
        // Needs no database: the operator keeps the private key, the server gets the public.
        let (private, public) = crate::backup::keys::generate();
        println!("# chave privada: guarde fora do servidor; só ela abre as cópias");
        println!("{private}");
        println!("# no servidor:");
        println!("BACKUP_RECIPIENTS={public}");
        return Ok(());
    }
    if command == "push-keys" {
        // Needs no database nor configuration: a new identity for the push services.
        let vapid = crate::push::crypto::Vapid::generate();
        println!("WEB_PUSH_PRIVATE_KEY={}", vapid.private_base64url());
        println!(
            "# chave pública (a página de Configurações a entrega ao navegador): {}",
            vapid.public_base64url()
        );
        return Ok(());
    }
    if let Some(done) = crate::backup::commands::without_database(command, &args[1..]).await {
        return done;
    }
    let config = Config::from_env()?;
    match command {
        "serve" => {
            let app = startup::Application::build(config).await?;
            tracing::info!(port = app.port(), "listening");
            app.run_until_stopped().await?;
        }
        "migrate" => {
            let pool = startup::connect(&config).await?;
            startup::migrate(&pool).await?;
            println!("migrações aplicadas");
        }
        "seed-demo" => {
            let pool = startup::connect(&config).await?;
            let login = seed::seed_demo(&pool).await?;
            println!(
                "conta de demonstração: {} / {}",
                login.email, login.password
            );
        }
        "seed-load" => {
            let pool = startup::connect(&config).await?;
            let sizes = load::Sizes::from_env();
            let started = std::time::Instant::now();
            if load::seed_load(&pool, sizes).await? {
                println!(
                    "carga criada em {:.0} s: {sizes:?}; entre como {} / {}",
                    started.elapsed().as_secs_f64(),
                    load::BIG_EMAIL,
                    load::LOAD_PASSWORD
                );
            } else {
                println!("a carga já estava no banco; nada foi alterado");
            }
        }
        "webhooks" if args.get(1).map(String::as_str) == Some("replay") => {
            let id = match args.get(2) {
                Some(raw) => Some(
                    raw.parse::<uuid::Uuid>()
                        .map_err(|_| anyhow::anyhow!("ID de evento inválido: {raw}"))?,
                ),
                None => None,
            };
            let pool = startup::connect(&config).await?;
            let public_url = config
                .public_url
                .clone()
                .unwrap_or_else(|| format!("http://{}", config.bind_addr));
            // Its sends are claimed like a server's: held by this process while it lives.
            crate::jobs::hold_liveness(&pool).await?;
            let (reset, processed) =
                crate::jobs::replay(&pool, &startup::services(&config, &public_url), id).await?;
            println!("{reset} evento(s) com falha voltaram para a fila; {processed} processado(s)");
        }
        "backup" => crate::backup::commands::backup(&config, &args[1..]).await?,
        "restore" => crate::backup::commands::restore(&config, &args[1..]).await?,
        other => anyhow::bail!("comando desconhecido: {other}\n{USAGE}"),
    }
    Ok(())
}
