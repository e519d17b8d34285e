//! The UI's typed command calls (`ui/src/generated/commands.ts`) are generated from the command
//! list (`src/command_list.rs`, through [`ikd_app_lib::commands::SIGNATURES`]); this test fails
//! when they drift. Regenerate with `IKD_REGENERATE_TYPES=1 cargo test -p ikd-app --test bindings`
//! (the same variable rewrites the view types, `crates/ikd-client/tests/bindings.rs`).

use std::path::PathBuf;

use ikd_app_lib::commands::{SIGNATURES, Signature};

const HEADER: &str = "\
// Generated from src-tauri/src/command_list.rs by src-tauri/tests/bindings.rs; do not edit
// (`IKD_REGENERATE_TYPES=1 cargo test -p ikd-app --test bindings`). One typed function per Tauri
// command: the arguments go as camelCase keys, the types are ts-rs's (`./types.ts`), and every
// rejection is a `UiError` whose message is in the resident's language (`../ipc.ts`).
";

/// Words a TypeScript parameter may not be called.
const RESERVED: &[&str] = &["new", "delete", "default", "function", "class", "in", "var"];

/// `snake_case` → `camelCase` (Tauri's default for argument keys).
fn camel(name: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in name.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// The TypeScript of a Rust type as written in the list; the named types it uses go to `names`.
fn ts_type(rust: &str, names: &mut Vec<String>) -> String {
    let ty: String = rust.chars().filter(|c| !c.is_whitespace()).collect();
    let inner = |wrapper: &str| {
        ty.strip_prefix(wrapper)
            .and_then(|t| t.strip_prefix('<'))
            .and_then(|t| t.strip_suffix('>'))
            .map(str::to_owned)
    };
    if let Some(ok) = inner("Result") {
        // The error is the `UiError` every call rejects with.
        return ts_type(&ok, names);
    }
    if let Some(item) = inner("Vec") {
        let item = ts_type(&item, names);
        return if item.contains(' ') {
            format!("({item})[]")
        } else {
            format!("{item}[]")
        };
    }
    if let Some(some) = inner("Option") {
        return format!("{} | null", ts_type(&some, names));
    }
    match ty.as_str() {
        "" | "()" => "void".into(),
        "String" | "&str" => "string".into(),
        "bool" => "boolean".into(),
        "u8" | "u16" | "u32" | "i32" | "f64" => "number".into(),
        name => {
            assert!(
                name.chars().all(|c| c.is_ascii_alphanumeric()),
                "no TypeScript for the Rust type `{rust}`: map it in tests/bindings.rs"
            );
            names.push(name.to_owned());
            name.to_owned()
        }
    }
}

/// A JSDoc comment from the command's doc lines.
fn js_doc(doc: &[&str]) -> String {
    let lines: Vec<&str> = doc.iter().map(|l| l.trim()).collect();
    match lines.as_slice() {
        [] => String::new(),
        [one] => format!("/** {one} */\n"),
        many => {
            let body: String = many.iter().map(|l| format!(" * {l}\n")).collect();
            format!("/**\n{body} */\n")
        }
    }
}

/// One exported function calling the command.
fn ts_function(s: &Signature, names: &mut Vec<String>) -> String {
    let returns = ts_type(s.returns, names);
    let (params, call_args) = match s.args {
        // A binary call: the body and the headers as given.
        [(_, ty)] if ty.replace(' ', "").starts_with("Request<") => (
            "body: Uint8Array, headers: Record<string, string>".to_owned(),
            ", body, headers".to_owned(),
        ),
        [] => (String::new(), String::new()),
        args => {
            let mut params = Vec::new();
            let mut keys = Vec::new();
            for (name, ty) in args {
                let key = camel(name);
                let param = if RESERVED.contains(&key.as_str()) {
                    format!("{key}_")
                } else {
                    key.clone()
                };
                params.push(format!("{param}: {}", ts_type(ty, names)));
                keys.push(if param == key {
                    key
                } else {
                    format!("{key}: {param}")
                });
            }
            (params.join(", "), format!(", {{ {} }}", keys.join(", ")))
        }
    };
    let head = format!(
        "export const {} = ({params}): Promise<{returns}> =>",
        camel(s.name)
    );
    let call = format!("call('{}'{call_args});", s.name);
    let code = if head.len() + call.len() < 110 {
        format!("{head} {call}\n")
    } else {
        format!("{head}\n  {call}\n")
    };
    js_doc(s.doc) + &code
}

/// `ui/src/generated/commands.ts` as the list says it should be.
fn generate() -> (String, Vec<String>) {
    let mut names = Vec::new();
    let functions: Vec<String> = SIGNATURES
        .iter()
        .map(|s| ts_function(s, &mut names))
        .collect();
    names.sort();
    names.dedup();
    let imports = format!(
        "import {{ call }} from '../ipc';\nimport type {{\n{}}} from './types';\n",
        names
            .iter()
            .map(|n| format!("  {n},\n"))
            .collect::<String>()
    );
    (
        format!("{HEADER}{imports}\n{}", functions.join("\n")),
        names,
    )
}

fn ui(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../ui/src/generated")
        .join(path)
}

#[test]
fn the_ui_command_calls_match_the_command_list() {
    let path = ui("commands.ts");
    let (generated, _) = generate();
    if std::env::var_os("IKD_REGENERATE_TYPES").is_some() {
        std::fs::write(&path, &generated).expect("write the generated commands");
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "ui/src/generated/commands.ts is out of date: run `IKD_REGENERATE_TYPES=1 cargo test -p ikd-app --test bindings`"
    );
}

#[test]
fn the_commands_use_only_types_ts_rs_generates() {
    let (_, names) = generate();
    let types = std::fs::read_to_string(ui("types.ts")).expect("ui/src/generated/types.ts");
    for name in names {
        assert!(
            types.contains(&format!("export type {name} = ")),
            "`{name}` is not in ui/src/generated/types.ts (a ts-rs view of ikd-client)"
        );
    }
}

#[test]
fn every_command_is_listed_once() {
    let names = ikd_app_lib::commands::ALL;
    assert_eq!(names.len(), SIGNATURES.len());
    let mut unique = names.to_vec();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), names.len(), "a command is listed twice");
    assert!(SIGNATURES.iter().zip(names).all(|(s, n)| s.name == *n));
}

#[test]
fn rust_types_map_to_typescript() {
    let mut names = Vec::new();
    assert_eq!(
        ts_type("Result < Vec < ActivityView > >", &mut names),
        "ActivityView[]"
    );
    assert_eq!(
        ts_type("Result<Option<LinkView>>", &mut names),
        "LinkView | null"
    );
    assert_eq!(ts_type("Vec<Option<u32>>", &mut names), "(number | null)[]");
    assert_eq!(ts_type("Result<()>", &mut names), "void");
    assert_eq!(ts_type("", &mut names), "void");
    assert_eq!(ts_type("String", &mut names), "string");
    assert_eq!(names, ["ActivityView", "LinkView"]);
    assert_eq!(camel("registration_status"), "registrationStatus");
}
