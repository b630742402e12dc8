//! The binary: prints its address, serves, and exits cleanly on SIGTERM.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[test]
fn binary_prints_address_and_stops_on_sigterm() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_baseten-mock"))
        .args([
            "--port",
            "0",
            "--api-key",
            "k2",
            "--token-rate",
            "0",
            "--quiet",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("binary starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .trim_end()
        .strip_prefix("listening on http://127.0.0.1:")
        .map(|port| format!("http://127.0.0.1:{port}"))
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"));

    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let c = reqwest::Client::new();
        let ok = c
            .get(format!("{url}/v1/models"))
            .header("authorization", "Api-Key k2")
            .send()
            .await
            .unwrap();
        assert_eq!(ok.status(), 200);
        let refused = c
            .get(format!("{url}/v1/models"))
            .bearer_auth("test-key")
            .send()
            .await
            .unwrap();
        assert_eq!(refused.status(), 401);
    });

    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        if let Some(code) = child.try_wait().unwrap() {
            assert!(code.success(), "exit status {code}");
            break;
        }
        assert!(Instant::now() < deadline, "did not exit on SIGTERM");
        std::thread::sleep(Duration::from_millis(20));
    }
}
