//! Prints the crate's JavaScript-facing tables as one JSON document: the error kinds
//! (`core::error::ErrorKind::ALL`) and the option tables (`core::options::TABLES`).
//! `scripts/gen.mjs` turns it into the generated JavaScript, TypeScript and CLI tables:
//!
//! ```text
//! scripts/gen.sh            # cargo run --example tables | node scripts/gen.mjs
//! scripts/gen.sh --check    # fails when a generated file is stale
//! ```

use baseten_edge::core::error::ErrorKind;
use baseten_edge::core::json::write_str;
use baseten_edge::core::options::{Cli, Field, Table, Ty, EVERY_BUILD, TABLES};

/// Appends `"key":` to `out`.
fn key(out: &mut String, k: &str) {
    write_str(out, k);
    out.push(':');
}

/// Appends a JSON array of the strings `items`.
fn strings<'a>(out: &mut String, items: impl Iterator<Item = &'a str>) {
    out.push('[');
    for (i, s) in items.enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_str(out, s);
    }
    out.push(']');
}

/// `{"t": "...", ...}` for a type.
fn ty(out: &mut String, t: &Ty) {
    let (name, extra): (&str, Option<(&str, String)>) = match t {
        Ty::Str => ("Str", None),
        Ty::OneOf(values) => {
            let mut v = String::new();
            strings(&mut v, values.iter().copied());
            ("OneOf", Some(("values", v)))
        }
        Ty::Num => ("Num", None),
        Ty::Ints(values) => {
            let list: Vec<String> = values.iter().map(u8::to_string).collect();
            ("Ints", Some(("values", format!("[{}]", list.join(",")))))
        }
        Ty::Millis => ("Millis", None),
        Ty::Limit => ("Limit", None),
        Ty::Bool => ("Bool", None),
        Ty::Signal => ("Signal", None),
        Ty::Headers => ("Headers", None),
        Ty::Fetch => ("Fetch", None),
        Ty::Progress => ("Progress", None),
        #[cfg(feature = "full")]
        Ty::SocketClass => ("SocketClass", None),
        Ty::Time => ("Time", None),
        Ty::Node(_) => unreachable!("Ty::Node is the wasm builds' view of a `node` field"),
        Ty::Table(table) => {
            let mut v = String::new();
            write_str(&mut v, table.name);
            ("Table", Some(("table", v)))
        }
    };
    out.push('{');
    key(out, "t");
    write_str(out, name);
    if let Some((k, v)) = extra {
        out.push(',');
        key(out, k);
        out.push_str(&v);
    }
    out.push('}');
}

fn field(out: &mut String, f: &Field) {
    out.push('{');
    key(out, "key");
    write_str(out, f.key);
    out.push(',');
    key(out, "ty");
    ty(out, &f.ty);
    out.push(',');
    key(out, "required");
    out.push_str(if f.required { "true" } else { "false" });
    out.push(',');
    key(out, "doc");
    write_str(out, f.doc.trim());
    out.push(',');
    match f.cli {
        Cli::Flag(flag) => {
            key(out, "flag");
            write_str(out, flag);
        }
        Cli::Absent(why) => {
            key(out, "absent");
            write_str(out, why);
        }
    }
    out.push('}');
}

fn table(out: &mut String, t: &Table) {
    out.push('{');
    for (k, v) in [("name", t.name), ("id", t.id), ("what", t.what)] {
        key(out, k);
        write_str(out, v);
        out.push(',');
    }
    key(out, "doc");
    write_str(out, t.doc.trim());
    out.push(',');
    key(out, "everyBuild");
    let every = EVERY_BUILD.iter().any(|e| std::ptr::eq(*e, t));
    out.push_str(if every { "true," } else { "false," });
    key(out, "extends");
    match t.extends {
        Some(parent) => write_str(out, parent.name),
        None => out.push_str("null"),
    }
    out.push(',');
    key(out, "fields");
    out.push('[');
    for (i, f) in t.fields.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        field(out, f);
    }
    out.push_str("]}");
}

fn main() {
    let mut out = String::from("{");
    key(&mut out, "errors");
    out.push('[');
    for (i, k) in ErrorKind::ALL.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push('{');
        key(&mut out, "kind");
        write_str(&mut out, k.as_str());
        out.push(',');
        key(&mut out, "name");
        write_str(&mut out, k.js_name());
        out.push(',');
        key(&mut out, "parent");
        match k.parent() {
            Some(p) => write_str(&mut out, p.js_name()),
            None => out.push_str("null"),
        }
        out.push(',');
        key(&mut out, "exit");
        out.push_str(&k.exit_code().to_string());
        out.push(',');
        key(&mut out, "summary");
        write_str(&mut out, k.summary());
        out.push('}');
    }
    out.push_str("],");
    key(&mut out, "tables");
    out.push('[');
    for (i, t) in TABLES.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        table(&mut out, t);
    }
    out.push_str("]}");
    println!("{out}");
}
