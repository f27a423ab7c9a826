//! Reading a Python program's pickled settings into Rust structs, and
//! writing them back as a pickle Python reads.
//!
//! Run: `cargo run --example serde_config`
//!
//! The pickle below is what Python 3.11 writes for
//! `pickle.dumps({"name": "cache", "servers": [{"host": "a", "port": 6379},
//! {"host": "b", "port": 6380}], "ttl": 30.0, "tags": None}, 4)`.

use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, Debug, PartialEq)]
struct Server {
    host: String,
    port: u16,
}

#[derive(Serialize, Deserialize, Debug, PartialEq)]
struct Settings {
    name: String,
    servers: Vec<Server>,
    ttl: f64,
    tags: Option<Vec<String>>,
}

const FROM_PYTHON: &[u8] = b"\x80\x04\x95a\x00\x00\x00\x00\x00\x00\x00}\x94(\x8c\x04name\x94\x8c\x05cache\x94\x8c\x07servers\x94]\x94(}\x94(\x8c\x04host\x94\x8c\x01a\x94\x8c\x04port\x94M\xeb\x18u}\x94(h\x06\x8c\x01b\x94h\x08M\xec\x18ue\x8c\x03ttl\x94G@>\x00\x00\x00\x00\x00\x00\x8c\x04tags\x94Nu.";

fn main() -> Result<(), pickle::SerdeError> {
    let mut settings: Settings = pickle::from_slice(FROM_PYTHON)?;
    println!("loaded: {settings:?}");

    settings.servers.push(Server {
        host: "c".into(),
        port: 6381,
    });
    settings.tags = Some(vec!["prod".into()]);
    let bytes = pickle::to_vec(&settings, 4)?;
    println!("wrote {} bytes that python3 loads as a dict", bytes.len());

    // A type that does not fit says where.
    #[derive(Deserialize, Debug)]
    #[allow(dead_code)]
    struct Strict {
        servers: Vec<StrictServer>,
    }
    #[derive(Deserialize, Debug)]
    #[allow(dead_code)]
    struct StrictServer {
        host: String,
        port: u8,
    }
    match pickle::from_slice::<Strict>(FROM_PYTHON) {
        Err(e) => println!("as expected: {e}"),
        Ok(v) => println!("unexpectedly fits: {v:?}"),
    }
    Ok(())
}
