//! Real SMTP delivery: a minimal SMTP sink runs inside the test on 127.0.0.1:0, the server is
//! configured to relay through it, and the activation code the resident reads in the mail is the
//! one the outbox keeps. With the relay down, approval still succeeds and the outbox keeps the mail.

use std::time::Duration;

use reqwest::StatusCode;
use siak_mock::SampleReason;
use siak_mock::mail::{SmtpConfig, SmtpSecurity};
use siak_mock::server::ServerConfig;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;

use super::{Device, TestApp, body, register_and_approve, spawn_with, test_config};
use crate::TempDir;

/// One message the sink accepted.
#[derive(Debug, Default)]
pub struct Received {
    pub from: String,
    pub to: Vec<String>,
    pub data: String,
}

/// Starts an SMTP sink on 127.0.0.1:0; returns its port and the messages it accepts.
pub async fn smtp_sink() -> (u16, mpsc::UnboundedReceiver<Received>) {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let port = listener.local_addr().expect("addr").port();
    let (tx, rx) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(smtp_session(stream, tx.clone()));
        }
    });
    (port, rx)
}

/// Speaks just enough SMTP (RFC 5321) for one client: greeting, EHLO/HELO, MAIL, RCPT, DATA, QUIT.
async fn smtp_session(
    stream: TcpStream,
    tx: mpsc::UnboundedSender<Received>,
) -> std::io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut read = BufReader::new(read);
    write.write_all(b"220 sink.test ESMTP ready\r\n").await?;
    let mut mail = Received::default();
    let mut line = String::new();
    loop {
        line.clear();
        if read.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let command = line.trim_end();
        let verb = command.to_ascii_uppercase();
        let reply: &[u8] = if verb.starts_with("EHLO") {
            b"250-sink.test\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n"
        } else if verb.starts_with("HELO") {
            b"250 sink.test\r\n"
        } else if verb.starts_with("MAIL FROM:") {
            mail = Received {
                from: address(command),
                ..Received::default()
            };
            b"250 OK\r\n"
        } else if verb.starts_with("RCPT TO:") {
            mail.to.push(address(command));
            b"250 OK\r\n"
        } else if verb == "DATA" {
            write
                .write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n")
                .await?;
            loop {
                line.clear();
                if read.read_line(&mut line).await? == 0 {
                    return Ok(());
                }
                if line.trim_end_matches(['\r', '\n']) == "." {
                    break;
                }
                // Undo dot-stuffing.
                let text = line.strip_prefix('.').unwrap_or(&line);
                mail.data.push_str(&text.replace("\r\n", "\n"));
            }
            let _ = tx.send(std::mem::take(&mut mail));
            b"250 OK queued\r\n"
        } else if verb == "QUIT" {
            write.write_all(b"221 Bye\r\n").await?;
            return Ok(());
        } else if verb == "RSET" || verb == "NOOP" {
            b"250 OK\r\n"
        } else {
            b"502 Command not implemented\r\n"
        };
        write.write_all(reply).await?;
    }
}

/// The address between `<` and `>` of a MAIL FROM or RCPT TO line.
fn address(command: &str) -> String {
    let start = command.find('<').map_or(0, |i| i + 1);
    let end = command[start..]
        .find('>')
        .map_or(command.len(), |i| start + i);
    command[start..end].to_owned()
}

/// A server (development mode) over a fresh database that relays mail to 127.0.0.1:`port`
/// without TLS.
async fn spawn_with_smtp(port: u16) -> TestApp {
    let dir = TempDir::new();
    let config = ServerConfig {
        smtp: Some(SmtpConfig {
            host: "127.0.0.1".into(),
            port,
            security: SmtpSecurity::None,
            credentials: None,
            from: "SIAK Mock <noreply@siak-mock.test>".into(),
        }),
        ..test_config(&dir)
    };
    spawn_with(dir, config).await
}

#[tokio::test]
async fn approval_mails_the_activation_code_through_a_real_smtp_server() {
    let (port, mut received) = smtp_sink().await;
    let app = spawn_with_smtp(port).await;
    let device = Device::new(41, &app.resident(SampleReason::Eligible));

    let (_, code) = register_and_approve(&app, &device).await;

    let mail = tokio::time::timeout(Duration::from_secs(10), received.recv())
        .await
        .expect("the SMTP server receives a mail within 10 s")
        .expect("the sink is running");
    assert_eq!(mail.from, "noreply@siak-mock.test");
    assert_eq!(mail.to, vec![device.email.clone()]);
    assert!(
        mail.data.contains(&format!("To: {}", device.email)),
        "{}",
        mail.data
    );
    assert!(
        mail.data.contains(&format!("Kode aktivasi: {code}")),
        "the mail carries the outbox's code {code}: {}",
        mail.data
    );
    let kept = app.last_mail(&device.email).await;
    assert_eq!(kept["delivery"], "smtp");
    assert_eq!(kept["kind"], "activation_code");
}

#[tokio::test]
async fn approval_succeeds_and_the_outbox_keeps_the_mail_when_smtp_is_down() {
    // A port that was just free: nothing listens there any more.
    let closed = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let port = closed.local_addr().expect("addr").port();
    drop(closed);
    let app = spawn_with_smtp(port).await;
    let device = Device::new(42, &app.resident(SampleReason::Eligible));

    // register_and_approve asserts the approval answered 200 and reads the code from the outbox.
    let (id, code) = register_and_approve(&app, &device).await;

    let response = app
        .get(&format!("/dev/outbox?to={}", device.email), None)
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let mails = body(response).await;
    let mails = mails.as_array().expect("a list");
    assert_eq!(mails.len(), 1, "{mails:?}");
    assert_eq!(mails[0]["delivery"], "smtp");
    assert!(mails[0]["body"].as_str().expect("body").contains(&code));
    let status = body(app.get(&format!("/v1/registrations/{id}"), None).await).await;
    assert_eq!(status["state"], "approved");
}
