//! `baseten-mock --port N --api-key KEY --webhook-secret S --token-rate TPS --quiet`
//!
//! With `--tls-cert-out FILE` it serves TLS (h2 and http/1.1 by ALPN) with a self-signed
//! certificate made at start, written to FILE. Prints exactly one line,
//! `listening on http(s)://127.0.0.1:PORT`, then serves until SIGTERM
//! or SIGINT.

use baseten_mock::Config;
use std::io::Write;
use std::process::ExitCode;

/// The usage text.
const USAGE: &str = "usage: baseten-mock [--port N] [--api-key KEY] [--webhook-secret S] \
[--token-rate TOKENS_PER_SEC] [--tls-cert-out FILE] [--quiet]";

/// Parses the command line into a configuration.
fn parse_args(args: impl IntoIterator<Item = String>) -> Result<Config, String> {
    let mut cfg = Config::default();
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let (name, inline) = match arg.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        if name == "--quiet" || name == "-q" {
            cfg.quiet = true;
            continue;
        }
        if name == "--help" || name == "-h" {
            return Err(USAGE.to_string());
        }
        let value = match inline.or_else(|| args.next()) {
            Some(v) => v,
            None => return Err(format!("{name} needs a value\n{USAGE}")),
        };
        let bad = || format!("bad value for {name}: {value:?}\n{USAGE}");
        match name.as_str() {
            "--port" => cfg.port = value.parse().map_err(|_| bad())?,
            "--api-key" => cfg.api_key = value.clone(),
            "--tls-cert-out" => cfg.tls_cert_out = Some(value.clone().into()),
            "--webhook-secret" => cfg.webhook_secret = value.clone(),
            "--token-rate" => {
                cfg.token_rate = value
                    .parse::<f64>()
                    .ok()
                    .filter(|r| r.is_finite() && *r >= 0.0)
                    .ok_or_else(bad)?
            }
            _ => return Err(format!("unknown option {name}\n{USAGE}")),
        }
    }
    Ok(cfg)
}

/// Resolves when SIGTERM or SIGINT arrives.
async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = tokio::signal::ctrl_c() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--help" || a == "-h") {
        println!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    let cfg = match parse_args(args) {
        Ok(cfg) => cfg,
        Err(msg) => {
            eprintln!("{msg}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("baseten-mock: cannot start runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let code = runtime.block_on(async {
        let server = match baseten_mock::start(cfg).await {
            Ok(s) => s,
            Err(e) => {
                eprintln!("baseten-mock: cannot bind: {e}");
                return ExitCode::FAILURE;
            }
        };
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "listening on {}", server.url());
        let _ = out.flush();
        drop(out);
        shutdown_signal().await;
        server.stop();
        ExitCode::SUCCESS
    });
    runtime.shutdown_background();
    code
}

#[cfg(test)]
mod tests {
    use super::parse_args;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn parses_options() {
        let c = parse_args(args(
            "--port 0 --api-key k --webhook-secret=s --token-rate 0 --quiet",
        ))
        .unwrap();
        assert_eq!(
            (c.port, c.api_key.as_str(), c.webhook_secret.as_str()),
            (0, "k", "s")
        );
        assert_eq!(c.token_rate, 0.0);
        assert!(c.quiet);
        assert!(parse_args(args("--port x")).is_err());
        assert!(parse_args(args("--token-rate -1")).is_err());
        assert!(parse_args(args("--bogus 1")).is_err());
        assert!(parse_args(args("--port")).is_err());
    }
}
