//! `causa serve`: the case form on a local web page.

use super::{Output, load_rules};
use crate::Error;
use crate::serve::{App, router};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;

pub(super) const EXAMPLES: &str = "\
Examples:
  causa serve                      then open the address it prints
  causa serve --port 8800 --dir my-cases/
  causa serve --listen 0.0.0.0     (other computers can reach it: case data is sensitive)";

/// What `causa serve` takes.
#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// The port to listen on (0: any free port)
    #[arg(long, default_value_t = 8790)]
    port: u16,
    /// The address to listen on; default the loopback address, reachable from this computer only
    #[arg(long, value_name = "ADDR")]
    listen: Option<IpAddr>,
    /// Use the rules in this directory instead of the shipped ones
    #[arg(long, value_name = "DIR")]
    rules: Option<PathBuf>,
    /// A folder of case files to list, open and save from the page
    #[arg(long, value_name = "FOLDER")]
    dir: Option<PathBuf>,
}

pub(super) fn run(args: &ServeArgs) -> Result<Output, Error> {
    let rules = load_rules(args.rules.as_deref())?;
    if let Some(dir) = &args.dir
        && !dir.is_dir()
    {
        return Err(Error::Usage {
            message: format!("{} is not a folder", dir.display()),
            help: Some("give --dir a folder that exists (it may be empty)".into()),
        });
    }
    let ip = args.listen.unwrap_or(IpAddr::V4(Ipv4Addr::LOCALHOST));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Error::Usage {
            message: format!("cannot start the server: {e}"),
            help: None,
        })?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(SocketAddr::new(ip, args.port))
            .await
            .map_err(|e| Error::Usage {
                message: format!("cannot listen on {ip} port {}: {e}", args.port),
                help: Some("choose another port with --port, or --port 0 for any free one".into()),
            })?;
        let bound = listener.local_addr().map_err(|e| Error::Usage {
            message: format!("cannot read the address listened on: {e}"),
            help: None,
        })?;
        // The one command that runs until stopped says where to go before it
        // starts; everything else prints through `main`.
        if !ip.is_loopback() {
            eprintln!(
                "warning: listening on {ip}, reachable from other computers; case data is sensitive patient data"
            );
        }
        let shown = if ip.is_unspecified() {
            SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), bound.port())
        } else {
            bound
        };
        let app = Arc::new(App {
            rules,
            dir: args.dir.clone(),
            hosts: if ip.is_loopback() {
                App::loopback_hosts(bound.port())
            } else {
                Vec::new()
            },
        });
        eprintln!("causa serve: open http://{shown}/ (Ctrl-C to stop)");
        axum::serve(listener, router(app))
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
            .map_err(|e| Error::Usage {
                message: format!("the server stopped: {e}"),
                help: None,
            })
    })?;
    Ok(Output::default())
}
