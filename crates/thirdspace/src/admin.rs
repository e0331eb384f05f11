//! Operator commands.

use std::io::BufRead;

use anyhow::{anyhow, Context, Result};
use clap::Subcommand;
use thirdspace_domain::email::Email;
use thirdspace_domain::profile;
use thirdspace_server::password;
use thirdspace_store::NewUser;

use crate::config::Config;
use crate::open;

#[derive(Subcommand)]
pub enum AdminCommand {
    /// Create an account. The password is read from THIRDSPACE_PASSWORD or, failing that, from
    /// the first line of standard input.
    CreateUser {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// Make the account a network admin.
        #[arg(long)]
        admin: bool,
        #[arg(long = "database")]
        database_url: Option<String>,
    },
    /// Make an existing account a network admin, or (with --revoke) no longer one.
    SetAdmin {
        #[arg(long)]
        email: String,
        #[arg(long)]
        revoke: bool,
        #[arg(long = "database")]
        database_url: Option<String>,
    },
}

pub async fn run(config: &Config, command: AdminCommand) -> Result<()> {
    match command {
        AdminCommand::CreateUser { email, name, admin, database_url } => {
            let email = Email::parse(&email).map_err(|e| anyhow!("{e}"))?;
            let display_name = profile::display_name(&name).map_err(|e| anyhow!("{e}"))?;
            let password = read_password()?;
            password::check_new(&password).map_err(|e| anyhow!("{e}"))?;
            let password_hash = password::hash_blocking(&password).map_err(|e| anyhow!("{e}"))?;
            let store = open::store(config, database_url.as_deref().unwrap_or(&config.database_url), false).await?;
            let now = chrono::Utc::now().timestamp();
            let user = store
                .create_user(NewUser { email, password_hash, display_name, is_admin: admin, email_verified: true, now })
                .await
                .context("creating the account")?;
            println!("created {} ({}){}", user.email, user.id, if admin { " as network admin" } else { "" });
            Ok(())
        }
        AdminCommand::SetAdmin { email, revoke, database_url } => {
            let email = Email::parse(&email).map_err(|e| anyhow!("{e}"))?;
            let store = open::store(config, database_url.as_deref().unwrap_or(&config.database_url), false).await?;
            let user = store.set_admin(&email, !revoke).await.context("updating the account")?;
            println!("{} is {}a network admin", user.email, if user.is_admin { "" } else { "no longer " });
            Ok(())
        }
    }
}

fn read_password() -> Result<String> {
    if let Ok(password) = std::env::var("THIRDSPACE_PASSWORD") {
        return Ok(password);
    }
    eprintln!("password (read from standard input):");
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).context("reading the password")?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}
