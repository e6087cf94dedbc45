//! The `consultor` binary: parses the command line and hands over to the library.

use consultor::{cli, telemetry};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    telemetry::init();
    cli::run(std::env::args().skip(1).collect()).await
}
