//! A moto server (the AWS wire protocol on 127.0.0.1) per test, seeded
//! through boto3 from the same virtualenv; killed on drop.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Moto {
    child: Child,
    pub url: String,
    server: PathBuf,
}

/// The emulator: `$MOTO_SERVER` (set by `scripts/test.sh`, and by CI), else
/// the `.venv/bin/moto_server` that `scripts/test.sh` installs, so a plain
/// `cargo test` works once it has run. Missing, the live tests fail (never
/// skip) with one line saying what to run.
fn moto_server() -> PathBuf {
    let path = match std::env::var_os("MOTO_SERVER") {
        Some(path) => PathBuf::from(path),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv/bin/moto_server"),
    };
    assert!(
        path.is_file(),
        "the AWS emulator is not installed ({} is missing): run scripts/test.sh once",
        path.display()
    );
    path
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

fn status_of(port: u16, path: &str) -> Option<String> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(2))).ok()?;
    write!(s, "GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").ok()?;
    let mut buf = [0u8; 64];
    let n = s.read(&mut buf).ok()?;
    String::from_utf8_lossy(&buf[..n])
        .lines()
        .next()
        .map(str::to_string)
}

impl Moto {
    pub fn start() -> Moto {
        Moto::start_with(&[])
    }

    /// With extra environment for the server (e.g. IAM enforcement).
    pub fn start_with(env: &[(&str, &str)]) -> Moto {
        let server = moto_server();
        let port = free_port();
        let child = Command::new(&server)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start moto_server");
        let moto = Moto {
            child,
            url: format!("http://127.0.0.1:{port}"),
            server,
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        while !status_of(port, "/moto-api/").is_some_and(|l| l.contains(" 200")) {
            assert!(
                Instant::now() < deadline,
                "moto_server did not start on {port}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        moto
    }

    /// Seed log groups and functions (see tests/support/moto_seed.py).
    pub fn seed(&self, spec: &serde_json::Value) {
        let python = self.server.with_file_name("python");
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/moto_seed.py");
        let mut child = Command::new(python)
            .arg(script)
            .arg(&self.url)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run moto_seed.py");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(spec.to_string().as_bytes())
            .expect("write the seed spec");
        let out = child.wait_with_output().expect("moto_seed.py");
        assert!(
            out.status.success(),
            "seeding failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// The binary with fake credentials (add `--endpoint-url` after the
    /// subcommand's arguments).
    pub fn bin(&self) -> assert_cmd::Command {
        let mut cmd = super::bin();
        cmd.env("AWS_ACCESS_KEY_ID", "test")
            .env("AWS_SECRET_ACCESS_KEY", "test")
            .env("AWS_REGION", "us-east-1")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("HOME", std::env::temp_dir());
        cmd
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
