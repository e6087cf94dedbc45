//! `consultor [serve | migrate | seed-demo]`.

use crate::config::Config;
use crate::{seed, startup};

const USAGE: &str = "uso: consultor [serve | migrate | seed-demo]\n\
  serve      inicia o servidor (padrão)\n\
  migrate    aplica as migrações do banco\n\
  seed-demo  cria a conta de demonstração com leads e conversas";

pub async fn run(args: Vec<String>) -> anyhow::Result<()> {
    let command = args.first().map(String::as_str).unwrap_or("serve");
    if matches!(command, "-h" | "--help" | "help") {
        println!("{USAGE}");
        return Ok(());
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
        other => anyhow::bail!("comando desconhecido: {other}\n{USAGE}"),
    }
    Ok(())
}
