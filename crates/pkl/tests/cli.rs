//! Runs the built `pkl` binary the way a user would and checks it against
//! python3: `dis` against `python3 -m pickletools`, `show` against `repr()`,
//! `convert` output loaded back by CPython, and malformed input.

use std::path::PathBuf;

use assert_cmd::Command;
use oracle::unhex;

fn pkl() -> Command {
    Command::cargo_bin("pkl").expect("the pkl binary is built for its tests")
}

fn temp(name: &str, data: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("pkl-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, data).unwrap();
    path
}

const SAMPLES: &str = r#"
import json, pickle, sys, values

def has_set(v, seen):
    # CPython prints sets in hash order, pkl in the order the pickle gives.
    if id(v) in seen:
        return False
    seen.add(id(v))
    if isinstance(v, (set, frozenset)):
        return True
    if isinstance(v, dict):
        return any(has_set(k, seen) or has_set(x, seen) for k, x in v.items())
    if isinstance(v, (list, tuple)):
        return any(has_set(x, seen) for x in v)
    return False

for i, v in enumerate(values.generate(31, 60)):
    for p in (0, 2, 4, 5):
        try:
            data = pickle.dumps(v, p)
            text = repr(v)
        except ValueError:
            continue
        print(json.dumps({"data": data.hex(), "repr": text, "protocol": p, "sets": has_set(v, set())}))
"#;

#[test]
fn dis_matches_python_m_pickletools_and_show_matches_repr() {
    let mut checked = 0;
    for (i, record) in oracle::python_json_lines(SAMPLES, &[]).iter().enumerate() {
        let data = unhex(record["data"].as_str().unwrap());
        let path = temp(&format!("sample{i}.pickle"), &data);
        let theirs = std::process::Command::new("python3")
            .args(["-m", "pickletools"])
            .arg(&path)
            .output()
            .unwrap();
        let ours = pkl().arg("dis").arg(&path).output().unwrap();
        assert!(
            ours.status.success(),
            "{}",
            String::from_utf8_lossy(&ours.stderr)
        );
        assert_eq!(
            String::from_utf8_lossy(&ours.stdout),
            String::from_utf8_lossy(&theirs.stdout),
            "dis of {path:?}"
        );
        let shown = pkl().arg("show").arg(&path).output().unwrap();
        assert!(shown.status.success());
        if record["sets"] == serde_json::Value::Bool(false) {
            let want = record["repr"].as_str().unwrap();
            assert_eq!(String::from_utf8_lossy(&shown.stdout).trim_end(), want);
            checked += 1;
        }
    }
    assert!(checked > 100, "{checked}");
}

#[test]
fn convert_output_loads_in_cpython_and_same_protocol_is_identical() {
    let out = oracle::python(
        "import pickle, collections, datetime\nprint(pickle.dumps([collections.OrderedDict(a=1), datetime.date(2020, 1, 2), {'k': (1, 2.5)}], 2).hex())",
        &[],
    );
    let data = unhex(out.trim());
    let input = temp("convert-in.pickle", &data);
    let same = temp("convert-same.pickle", b"");
    pkl()
        .args(["convert", "-p", "2"])
        .arg(&input)
        .arg(&same)
        .assert()
        .success();
    assert_eq!(
        std::fs::read(&same).unwrap(),
        data,
        "re-pickling at protocol 2 is identical"
    );
    for protocol in ["0", "1", "3", "4", "5"] {
        let output = temp(&format!("convert-{protocol}.pickle"), b"");
        pkl()
            .args(["convert", "-p", protocol])
            .arg(&input)
            .arg(&output)
            .assert()
            .success();
        let check = oracle::python(
            "import pickle, sys, collections, datetime\nv = pickle.load(open(sys.argv[1], 'rb'))\nassert v == [collections.OrderedDict(a=1), datetime.date(2020, 1, 2), {'k': (1, 2.5)}], v\nprint('ok')",
            &[output.to_str().unwrap()],
        );
        assert_eq!(check.trim(), "ok");
    }
}

#[test]
fn scan_flags_dangerous_globals_with_offsets() {
    let out = oracle::python(
        "import os, pickle\nclass E:\n    def __reduce__(self): return (os.system, ('echo hi',))\nprint(pickle.dumps([1, E()], 4).hex())",
        &[],
    );
    let path = temp("evil.pickle", &unhex(out.trim()));
    let result = pkl().arg("scan").arg(&path).output().unwrap();
    assert_eq!(result.status.code(), Some(2));
    let text = String::from_utf8_lossy(&result.stdout);
    assert!(text.contains("global posix.system  [dangerous]"), "{text}");
    assert!(text.contains("call REDUCE"), "{text}");
    let safe = temp("safe.pickle", b"\x80\x04K\x01.");
    pkl().arg("scan").arg(&safe).assert().success();
}

#[test]
fn malformed_input_is_one_error_line_and_status_1() {
    let out = oracle::python(
        "import pickle\nprint(pickle.dumps({'a': [1, 2, (3, 'x')]}, 4).hex())",
        &[],
    );
    let data = unhex(out.trim());
    for end in 0..data.len() {
        let path = temp("truncated.pickle", &data[..end]);
        for command in ["show", "json", "convert", "scan", "bench"] {
            let mut cmd = pkl();
            cmd.arg(command).arg(&path);
            if command == "convert" {
                cmd.arg(temp("ignored.pickle", b""));
            }
            let result = cmd.output().unwrap();
            assert_eq!(result.status.code(), Some(1), "{command} on {end} bytes");
            let stderr = String::from_utf8_lossy(&result.stderr);
            assert_eq!(stderr.lines().count(), 1, "{command}: {stderr}");
            assert!(stderr.starts_with("error: "), "{command}: {stderr}");
        }
    }
}

#[test]
fn bench_prints_one_json_line() {
    let out = oracle::python(
        "import pickle\nprint(pickle.dumps([1, 'a', {'b': 2.5}], 4).hex())",
        &[],
    );
    let path = temp("bench.pickle", &unhex(out.trim()));
    let result = pkl()
        .args(["bench", "--iters", "3"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(result.status.success());
    let line: serde_json::Value = serde_json::from_slice(&result.stdout).unwrap();
    assert!(line["loads_ns"].is_u64() && line["dumps_ns"].is_u64());
    assert_eq!(line["identical"], serde_json::Value::Bool(true));
}

#[test]
fn standard_input_and_several_pickles_in_a_row() {
    let data = b"\x80\x02K\x01.\x80\x02X\x01\x00\x00\x00aq\x00.";
    let result = pkl()
        .args(["show", "-"])
        .write_stdin(&data[..])
        .output()
        .unwrap();
    assert!(result.status.success());
    assert_eq!(String::from_utf8_lossy(&result.stdout), "1\n'a'\n");
}

#[test]
fn cpython_bad_inputs_and_random_corruptions_are_clean_errors() {
    let script = std::fs::read_to_string(oracle::python_dir().join("bad_inputs.py")).unwrap();
    let mut inputs: Vec<Vec<u8>> = oracle::python_json_lines(&script, &[])
        .iter()
        .map(|r| unhex(r["data"].as_str().unwrap()))
        .collect();
    // Random single-byte corruptions of a valid pickle (a fixed LCG, so the
    // test is the same every run).
    let out = oracle::python(
        "import pickle\nprint(pickle.dumps([{'k': (1, 2.5, 'x' * 40)}, b'raw', {3, 4}, [None] * 5], 4).hex())",
        &[],
    );
    let valid = unhex(out.trim());
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    for _ in 0..150 {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1);
        let mut corrupt = valid.clone();
        let at = (state >> 33) as usize % corrupt.len();
        corrupt[at] = (state >> 8) as u8;
        inputs.push(corrupt);
    }
    for (i, data) in inputs.iter().enumerate() {
        let path = temp("bad.pickle", data);
        for command in ["show", "dis", "json"] {
            let result = pkl().arg(command).arg(&path).output().unwrap();
            // A corruption can leave a valid pickle; anything else must be
            // exactly one error line and status 1, never a crash.
            match result.status.code() {
                Some(0) => {}
                Some(1) => {
                    let stderr = String::from_utf8_lossy(&result.stderr);
                    assert_eq!(stderr.lines().count(), 1, "{command} #{i}: {stderr}");
                    assert!(stderr.starts_with("error: "), "{command} #{i}: {stderr}");
                }
                other => panic!("{command} on input #{i} ended with {other:?}"),
            }
        }
    }
}

#[test]
fn persistent_ids_are_shown_and_kept_by_convert() {
    let out = oracle::python(
        r#"
import io, pickle
class P(pickle.Pickler):
    def persistent_id(self, obj):
        return "storage" + obj[4:] if isinstance(obj, str) and obj.startswith("blob") else None
for proto in (0, 2, 4):
    f = io.BytesIO()
    P(f, proto).dump({"weights": "blob-1", "name": "m"})
    print(f.getvalue().hex())
"#,
        &[],
    );
    for (i, line) in out.lines().enumerate() {
        let data = unhex(line);
        let path = temp(&format!("pid{i}.pickle"), &data);
        let shown = pkl().arg("show").arg(&path).output().unwrap();
        assert!(
            shown.status.success(),
            "{}",
            String::from_utf8_lossy(&shown.stderr)
        );
        let text = String::from_utf8_lossy(&shown.stdout);
        assert!(text.contains("'weights': <persistent id "), "{text}");
        let protocol = if data[0] == 0x80 {
            data[1].to_string()
        } else {
            "0".into()
        };
        let output = temp(&format!("pid{i}-out.pickle"), b"");
        pkl()
            .args(["convert", "-p", &protocol])
            .arg(&path)
            .arg(&output)
            .assert()
            .success();
        assert_eq!(std::fs::read(&output).unwrap(), data, "protocol {protocol}");
    }
}

#[test]
fn a_reference_bomb_is_refused_not_printed() {
    // Ten levels of lists each holding the level below 1000 times: a few
    // kilobytes of pickle, 1000**10 items when printed.
    let out = oracle::python(
        "import pickle\nx = ['lol']\nfor _ in range(10):\n    x = [x] * 1000\nprint(pickle.dumps(x, 4).hex())",
        &[],
    );
    let path = temp("bomb.pickle", &unhex(&out));
    let shown = pkl()
        .arg("show")
        .arg(&path)
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap();
    assert_eq!(shown.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&shown.stderr);
    assert!(
        stderr.starts_with("error: ") && stderr.contains("MiB"),
        "{stderr}"
    );
    // The JSON form writes the shared lists once each.
    let json = pkl()
        .arg("json")
        .arg(&path)
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap();
    assert!(json.status.success());
    assert!(json.stdout.len() < 1_000_000, "{} bytes", json.stdout.len());
}

#[test]
fn a_tuple_bomb_as_a_dict_key_hashes_in_linear_time() {
    // {t60: 1} where t(n+1) = (t(n), t(n)): 60 distinct tuples, 2**60 leaves.
    // CPython itself never finishes hashing this key; we hash each distinct
    // tuple once.
    let mut data = b"\x80\x04}\x94\x8c\x01x\x94\x85\x940".to_vec();
    for index in 2u32..62 {
        for _ in 0..2 {
            data.push(b'j');
            data.extend(index.to_le_bytes());
        }
        data.extend(b"\x86\x940");
    }
    data.push(b'j');
    data.extend(62u32.to_le_bytes());
    data.extend(b"K\x01s.");
    let path = temp("tuple-bomb.pickle", &data);
    let json = pkl()
        .arg("json")
        .arg(&path)
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap();
    assert!(
        json.status.success(),
        "{}",
        String::from_utf8_lossy(&json.stderr)
    );
    assert!(json.stdout.len() < 100_000);
}

/// Protocol 2's spelling of keyword arguments to `__new__`,
/// `functools.partial(cls.__new__, cls, ...)()`, is shown as Python would
/// write the partial — never with a memory address — and converts back to
/// CPython's bytes.
#[test]
fn show_spells_out_partial_calls() {
    let data = oracle::unhex(
        oracle::python(
            "import pickle\nclass C:\n    def __getnewargs_ex__(self): return ((1,), {'b': 2})\nprint(pickle.dumps(C(), 2).hex())",
            &[],
        )
        .trim(),
    );
    let input = temp("partial.pickle", &data);
    let out = pkl().arg("show").arg(&input).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        text.trim(),
        "<<functools.partial(<function builtins.object.__new__>, <class '__main__.C'>, 1, b=2)>()>"
    );
    let output = temp("partial-out.pickle", b"");
    pkl()
        .args(["convert", "-p", "2"])
        .arg(&input)
        .arg(&output)
        .assert()
        .success();
    assert_eq!(std::fs::read(&output).unwrap(), data);
}
