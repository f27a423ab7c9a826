//! `pkl scan`: the globals each pickle names and the calls it makes, with
//! byte offsets, found by reading opcodes only (nothing is loaded), and a
//! verdict on the dangerous ones.

use pickle::dis::{genops, Op};
use pickle::opcodes::Opcode;

/// Modules whose every name is dangerous to import or call.
const DANGEROUS_MODULES: &[&str] = &[
    "os",
    "posix",
    "nt",
    "subprocess",
    "sys",
    "runpy",
    "pty",
    "socket",
    "shutil",
    "importlib",
    "pickle",
    "_pickle",
    "marshal",
    "ctypes",
    "webbrowser",
    "code",
    "commands",
    "multiprocessing",
    "platform",
    "pydoc",
    "timeit",
    "bdb",
    "pdb",
    "asyncio",
    "requests",
    "httplib",
    "http",
    "urllib",
    "ftplib",
    "telnetlib",
];

/// Names in `builtins` (Python 2: `__builtin__`) that run or reach code.
const DANGEROUS_BUILTINS: &[&str] = &[
    "eval",
    "exec",
    "execfile",
    "compile",
    "getattr",
    "setattr",
    "delattr",
    "__import__",
    "open",
    "file",
    "input",
    "breakpoint",
    "globals",
    "locals",
    "vars",
    "apply",
];

fn dangerous(module: &str, name: &str) -> bool {
    let root = module.split('.').next().unwrap_or(module);
    DANGEROUS_MODULES.contains(&root)
        || (matches!(module, "builtins" | "__builtin__")
            && DANGEROUS_BUILTINS.contains(&name.split('.').next().unwrap_or(name)))
}

/// Prints one line per global and call; returns how many dangerous globals
/// were found.
pub fn run(data: &[u8]) -> Result<usize, String> {
    if data.is_empty() {
        return Err("Ran out of input".into());
    }
    let mut start = 0;
    let mut found = 0;
    while start < data.len() {
        let ops = genops(&data[start..]).map_err(|e| match e.offset() {
            Some(offset) => {
                let opcode = e.opcode();
                e.with_position(offset + start as u64, opcode).to_string()
            }
            None => e.to_string(),
        })?;
        found += scan_one(&ops, start);
        start += ops.last().map_or(data.len(), |op| op.offset + 1);
    }
    println!(
        "{found} dangerous global{}",
        if found == 1 { "" } else { "s" }
    );
    Ok(found)
}

/// Strings are tracked through the memo so STACK_GLOBAL's operands are known,
/// as picklescan does.
fn scan_one(ops: &[Op], base: usize) -> usize {
    let mut recent: Vec<String> = Vec::new();
    let mut memo: std::collections::HashMap<String, String> = Default::default();
    let mut memo_len = 0usize;
    let mut last_string: Option<String> = None;
    let mut found = 0;
    for op in ops {
        let offset = base + op.offset;
        let mut report = |module: &str, name: &str| {
            let bad = dangerous(module, name);
            found += bad as usize;
            println!(
                "offset {offset}: global {module}.{name}{}",
                if bad { "  [dangerous]" } else { "" }
            );
        };
        let pushed_string = match op.opcode {
            Opcode::SHORT_BINUNICODE
            | Opcode::BINUNICODE
            | Opcode::BINUNICODE8
            | Opcode::UNICODE
            | Opcode::STRING
            | Opcode::BINSTRING
            | Opcode::SHORT_BINSTRING => op.text.clone(),
            Opcode::BINGET | Opcode::LONG_BINGET | Opcode::GET => {
                op.arg_repr.as_ref().and_then(|k| memo.get(k).cloned())
            }
            _ => None,
        };
        match op.opcode {
            Opcode::MEMOIZE => {
                if let Some(s) = &last_string {
                    memo.insert(memo_len.to_string(), s.clone());
                }
                memo_len += 1;
            }
            Opcode::PUT | Opcode::BINPUT | Opcode::LONG_BINPUT => {
                if let (Some(s), Some(k)) = (&last_string, &op.arg_repr) {
                    memo.insert(k.clone(), s.clone());
                }
            }
            Opcode::GLOBAL | Opcode::INST => {
                let text = op.text.clone().unwrap_or_default();
                let (module, name) = text.split_once(' ').unwrap_or((&text, ""));
                report(module, name);
            }
            Opcode::STACK_GLOBAL => {
                let n = recent.len();
                match (n >= 2).then(|| (recent[n - 2].clone(), recent[n - 1].clone())) {
                    Some((module, name)) => report(&module, &name),
                    None => {
                        found += 1;
                        println!(
                            "offset {offset}: global <unknown>  [dangerous: operands not found]"
                        );
                    }
                }
            }
            Opcode::REDUCE | Opcode::NEWOBJ | Opcode::NEWOBJ_EX | Opcode::OBJ | Opcode::BUILD => {
                println!("offset {offset}: call {}", op.opcode.name());
            }
            Opcode::EXT1 | Opcode::EXT2 | Opcode::EXT4 => {
                found += 1;
                println!(
                    "offset {offset}: extension code {}  [dangerous: names a global indirectly]",
                    op.arg_repr.as_deref().unwrap_or("?")
                );
            }
            _ => {}
        }
        if matches!(
            op.opcode,
            Opcode::MEMOIZE | Opcode::PUT | Opcode::BINPUT | Opcode::LONG_BINPUT
        ) {
            continue;
        }
        last_string = pushed_string.clone();
        if let Some(s) = pushed_string {
            recent.push(s);
        }
    }
    found
}
