//! TLS for the mock (`--tls-cert-out FILE`): a self-signed certificate for 127.0.0.1 and
//! localhost, made at start with rcgen (its PEM written to FILE for the client to trust), and
//! ALPN offering h2 then http/1.1, as Baseten's endpoints do.

use std::io;
use std::path::Path;
use std::sync::Arc;

use tokio_rustls::rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::TlsAcceptor;

/// A TLS acceptor with a new certificate, whose PEM is written to `cert_out`.
pub fn acceptor(cert_out: &Path) -> io::Result<TlsAcceptor> {
    let names = vec!["127.0.0.1".to_string(), "localhost".to_string()];
    let key = rcgen::generate_simple_self_signed(names).map_err(io::Error::other)?;
    std::fs::write(cert_out, key.cert.pem())?;
    let der = key.cert.der().clone();
    let private = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.key_pair.serialize_der()));
    // rustls built with ring alone: its provider is the process default.
    let mut config = ServerConfig::builder()
        .with_no_client_auth()
        .with_single_cert(vec![der], private)
        .map_err(io::Error::other)?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(TlsAcceptor::from(Arc::new(config)))
}
