//! `cargo bench --bench compile`: times every stage (load, check, emit, write, unchanged
//! re-write) on synthetic specs of 100, 1,000 and 10,000 SLOs, in KDL and YAML, and prints
//! the figures. Nothing is asserted: performance is measured, not tested.
//!
//! Then it runs the `vigil` binary itself on each spec: generate into an empty folder, an
//! unchanged re-run and `check` (with user and system time and peak memory when GNU time
//! is installed), and writes the same files with nothing but create and write: the
//! file system's floor for that output on this disk.
//!
//! Then the same for a synthetic organisation (`benches/support/org.rs`: 300 services of
//! teams of ten, each with `availability` and `latency` SLOs of the same names, a
//! threshold alert and its team's routes), and `vigil import sloth` of 10,000 Sloth SLOs
//! (each with alert labels the import reports as warnings), human diagnostics against
//! `--message-format json`.
//!
//! `cargo bench --bench compile -- 100 1000` picks the sizes (`--org N` the organisation's
//! services, `--import N` the Sloth SLOs, 0 to skip); `--keep DIR` leaves the synthetic
//! specs in DIR for profiling the binary (`vigil generate DIR/kdl`).

use std::fmt::Write as _;
use std::hash::{Hash as _, Hasher as _};
use std::path::{Path, PathBuf};
use std::time::Instant;

use vigil::emit::Options;
use vigil::source::Sources;

#[path = "support/org.rs"]
mod org;

/// The allocator the `vigil` binary uses, so that in-process figures match it.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// A spec with `slos` SLOs of every SLI kind, one metric per SLO, a threshold alert per
/// ten SLOs, services of ten SLOs each, receivers and routes.
fn synthetic_kdl(slos: usize) -> String {
    let mut text = String::from(
        "vigil 1\ntier page level=1 severity=critical page=#true\ntier ticket level=2 severity=warning\ntier info level=3 severity=info\n",
    );
    let services = slos.div_ceil(10);
    for s in 0..services {
        let _ = writeln!(
            text,
            "service svc{s} {{ team team{}; selector job=\"svc{s}\"; }}",
            s % 20
        );
        let _ = writeln!(
            text,
            "receiver rcv{s} {{ webhook url=\"http://127.0.0.1:9099/{s}\"; }}"
        );
    }
    for i in 0..slos {
        let s = i / 10;
        match i % 4 {
            0 => {
                let _ = writeln!(
                    text,
                    "metric m{i}_requests_total type=counter service=svc{s} {{\n    help \"Requests\"\n    label code \"ok\" \"error\"\n    label route \"a\" \"b\" \"c\"\n}}"
                );
                let _ = writeln!(
                    text,
                    "slo slo{i} service=svc{s} {{\n    objective 99.9\n    window \"30d\"\n    sli {{ ratio errors=\"m{i}_requests_total{{code=\\\"error\\\"}}\" total=\"m{i}_requests_total\" }}\n}}"
                );
            }
            1 => {
                let _ = writeln!(
                    text,
                    "metric m{i}_duration_seconds type=histogram unit=\"seconds\" service=svc{s} {{\n    help \"Latency\"\n    buckets 0.05 0.1 0.25 0.5 1\n}}"
                );
                let _ = writeln!(
                    text,
                    "slo slo{i} service=svc{s} {{\n    objective 99\n    window \"28d\"\n    sli {{ latency metric=m{i}_duration_seconds threshold=\"250ms\" }}\n}}"
                );
            }
            2 => {
                let _ = writeln!(
                    text,
                    "metric m{i}_up type=gauge service=svc{s} {{ help \"Up\"; }}"
                );
                let _ = writeln!(
                    text,
                    "slo slo{i} service=svc{s} {{\n    objective 99.5\n    window calendar=\"month\"\n    sli {{ availability metric=\"m{i}_up\" }}\n}}"
                );
            }
            _ => {
                let _ = writeln!(
                    text,
                    "metric m{i}_jobs_total type=counter service=svc{s} {{ help \"Jobs\"; label result \"ok\" \"fail\"; }}"
                );
                let _ = writeln!(
                    text,
                    "slo slo{i} service=svc{s} {{\n    objective 99\n    window \"7d\"\n    sli {{ query errors=\"sum(rate(m{i}_jobs_total{{result=\\\"fail\\\"}}[{{{{ window }}}}]))\" total=\"sum(rate(m{i}_jobs_total[{{{{ window }}}}]))\" }}\n}}"
                );
            }
        }
        if i % 10 == 0 {
            let _ = writeln!(
                text,
                "alert Svc{s}Down service=svc{s} tier=page {{\n    expr \"up{{job=\\\"svc{s}\\\"}} == 0\"\n    for \"1m\"\n    summary \"A target is down.\"\n}}"
            );
        }
    }
    text.push_str("routing {\n    group-by alertname service slo\n");
    for tier in ["page", "ticket", "info"] {
        let _ = writeln!(text, "    route tier={tier} receiver=rcv0 continue=#true");
    }
    for s in 0..services {
        let _ = writeln!(text, "    route service=svc{s} receiver=rcv{s}");
    }
    text.push_str("    default receiver=rcv0\n}\n");
    text
}

/// The same spec in YAML (the two must compile to identical output; `measure` checks it).
fn synthetic_yaml(slos: usize) -> String {
    let mut text = String::from(
        "vigil: 1\ntiers:\n  page: {level: 1, severity: critical, page: true}\n  ticket: {level: 2, severity: warning}\n  info: {level: 3, severity: info}\n",
    );
    let services = slos.div_ceil(10);
    text.push_str("services:\n");
    for s in 0..services {
        let _ = writeln!(
            text,
            "  svc{s}: {{team: team{}, selector: {{job: svc{s}}}}}",
            s % 20
        );
    }
    text.push_str("receivers:\n");
    for s in 0..services {
        let _ = writeln!(
            text,
            "  rcv{s}: {{webhook: {{url: 'http://127.0.0.1:9099/{s}'}}}}"
        );
    }
    let mut metrics = String::from("metrics:\n");
    let mut objectives = String::from("slos:\n");
    let mut alerts = String::from("alerts:\n");
    for i in 0..slos {
        let s = i / 10;
        let (metric, slo) = match i % 4 {
            0 => (
                format!(
                    "  m{i}_requests_total: {{type: counter, service: svc{s}, help: Requests, labels: {{code: [ok, error], route: [a, b, c]}}}}"
                ),
                format!(
                    "  slo{i}:\n    service: svc{s}\n    objective: 99.9\n    window: 30d\n    sli:\n      ratio: {{errors: 'm{i}_requests_total{{code=\"error\"}}', total: m{i}_requests_total}}"
                ),
            ),
            1 => (
                format!(
                    "  m{i}_duration_seconds: {{type: histogram, unit: seconds, service: svc{s}, help: Latency, buckets: [0.05, 0.1, 0.25, 0.5, 1]}}"
                ),
                format!(
                    "  slo{i}:\n    service: svc{s}\n    objective: 99\n    window: 28d\n    sli:\n      latency: {{metric: m{i}_duration_seconds, threshold: 250ms}}"
                ),
            ),
            2 => (
                format!("  m{i}_up: {{type: gauge, service: svc{s}, help: Up}}"),
                format!(
                    "  slo{i}:\n    service: svc{s}\n    objective: 99.5\n    window: {{calendar: month}}\n    sli:\n      availability: {{metric: m{i}_up}}"
                ),
            ),
            _ => (
                format!(
                    "  m{i}_jobs_total: {{type: counter, service: svc{s}, help: Jobs, labels: {{result: [ok, fail]}}}}"
                ),
                format!(
                    "  slo{i}:\n    service: svc{s}\n    objective: 99\n    window: 7d\n    sli:\n      query:\n        errors: 'sum(rate(m{i}_jobs_total{{result=\"fail\"}}[{{{{ window }}}}]))'\n        total: 'sum(rate(m{i}_jobs_total[{{{{ window }}}}]))'"
                ),
            ),
        };
        let _ = writeln!(metrics, "{metric}");
        let _ = writeln!(objectives, "{slo}");
        if i % 10 == 0 {
            let _ = writeln!(
                alerts,
                "  Svc{s}Down:\n    service: svc{s}\n    tier: page\n    expr: 'up{{job=\"svc{s}\"}} == 0'\n    for: 1m\n    summary: A target is down."
            );
        }
    }
    text.push_str(&metrics);
    text.push_str(&objectives);
    text.push_str(&alerts);
    text.push_str("routing:\n  group_by: [alertname, service, slo]\n  routes:\n");
    for tier in ["page", "ticket", "info"] {
        let _ = writeln!(
            text,
            "    - {{tier: {tier}, receiver: rcv0, continue: true}}"
        );
    }
    for s in 0..services {
        let _ = writeln!(text, "    - {{service: svc{s}, receiver: rcv{s}}}");
    }
    text.push_str("  default: rcv0\n");
    text
}

fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

fn millis(start: Instant) -> f64 {
    start.elapsed().as_secs_f64() * 1000.0
}

/// CPU time of the whole process so far (user + system, every thread), in milliseconds:
/// unlike wall time it barely moves when other jobs share the cores. Linux only (0 elsewhere).
fn cpu_millis() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    // Fields after the parenthesised command name; utime and stime are the 12th and 13th.
    let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let ticks: f64 = after
        .split_whitespace()
        .skip(11)
        .take(2)
        .filter_map(|t| t.parse::<f64>().ok())
        .sum();
    // The kernel reports clock ticks of 1/100 s on every mainstream Linux configuration.
    ticks * 10.0
}

/// The time of each stage and of each backend alone, in milliseconds, by name.
type Stages = Vec<(&'static str, f64)>;

/// Times each stage on the spec in `folder` and returns them with a digest of what it
/// emitted (the outputs themselves are hundreds of MiB at 10,000 SLOs; keeping two would
/// skew the RSS).
fn measure(label: &str, folder: &Path, slos: usize) -> (u64, Stages) {
    let mut sources = Sources::default();
    let cpu_start = cpu_millis();
    let start = Instant::now();
    let (spec, load_diagnostics) = vigil::spec::load(&[folder.to_path_buf()], &mut sources);
    let load = millis(start);
    let start = Instant::now();
    let (model, diagnostics) = vigil::check::check(&spec);
    let check = millis(start);
    assert!(
        !load_diagnostics.has_errors() && !diagnostics.has_errors(),
        "synthetic spec has errors"
    );
    let model = model.expect("model");
    let start = Instant::now();
    let artifacts = vigil::emit::emit(&model, &Options::default()).expect("emit");
    let emit = millis(start);
    let cpu_emitted = cpu_millis();
    let mut backends = String::new();
    let mut stages: Stages = vec![("load", load), ("check", check), ("emit", emit)];
    for backend in vigil::emit::Backend::ALL {
        let start = Instant::now();
        let produced = backend.emit(&model, &Options::default()).expect("emit");
        let elapsed = millis(start);
        let _ = write!(
            backends,
            " {} {elapsed:.1} ms ({} files)",
            backend.name(),
            produced.len()
        );
        stages.push((backend.name(), elapsed));
    }
    let out = folder
        .parent()
        .expect("parent")
        .join(format!("out-{label}"));
    let cpu_write = cpu_millis();
    let start = Instant::now();
    vigil::write::write(&out, &artifacts).expect("write");
    let write = millis(start);
    let cpu = cpu_emitted - cpu_start + cpu_millis() - cpu_write;
    let start = Instant::now();
    let summary = vigil::write::write(&out, &artifacts).expect("rewrite");
    let rewrite = millis(start);
    assert!(summary.created.is_empty() && summary.updated.is_empty());
    let bytes: usize = artifacts.iter().map(|a| a.contents.len()).sum();
    println!(
        "{label:<5} {slos:>6} SLOs | load {load:>8.1} ms | check {check:>8.1} ms | emit {emit:>8.1} ms | write {write:>8.1} ms | unchanged re-run write {rewrite:>7.1} ms | {} files, {:.1} MiB | total {:>8.1} ms, CPU {cpu:.0} ms",
        artifacts.len(),
        f64::from(u32::try_from(bytes).unwrap_or(u32::MAX)) / 1_048_576.0,
        load + check + emit + write
    );
    println!("      emit, one backend at a time:{backends}");
    let mut digest = std::hash::DefaultHasher::new();
    artifacts.hash(&mut digest);
    (digest.finish(), stages)
}

/// How each in-process stage grew from one size to the next, against the size: about 1
/// is linear; a stage that grows much faster probably has a lookup that scans. Disk-bound
/// writes are left out: the disk's state swamps them.
fn print_growth(label: &str, runs: &[(usize, Stages)]) {
    for pair in runs.windows(2) {
        let [(small, before), (large, after)] = pair else {
            continue;
        };
        #[allow(clippy::cast_precision_loss)] // sizes are small whole numbers
        let size_ratio = *large as f64 / *small as f64;
        let mut line =
            format!("growth {label:<4} {small} -> {large} SLOs, time ratio / size ratio:");
        for ((name, old), (_, new)) in before.iter().zip(after) {
            // Below a few milliseconds the ratio is noise.
            if *old < 2.0 {
                continue;
            }
            let growth = new / old / size_ratio;
            let flag = if growth >= 1.5 {
                " (faster than linear)"
            } else {
                ""
            };
            let _ = write!(line, " {name} {growth:.2}{flag}");
        }
        println!("{line}");
    }
}

/// One run of the `vigil` binary: wall seconds, and a description with user seconds,
/// system seconds and peak RSS in MiB when GNU time is installed to report them.
fn run_binary(args: &[&str], folder: &Path) -> (f64, String) {
    let report = folder.join("time.txt");
    let gnu_time = Path::new("/usr/bin/time");
    let mut command = if gnu_time.is_file() {
        let mut command = std::process::Command::new(gnu_time);
        command
            .args(["-f", "%U %S %M", "-o"])
            .arg(&report)
            .arg(env!("CARGO_BIN_EXE_vigil"));
        command
    } else {
        std::process::Command::new(env!("CARGO_BIN_EXE_vigil"))
    };
    let start = Instant::now();
    let output = command
        .args(args)
        .current_dir(folder)
        .output()
        .expect("run vigil");
    let wall = millis(start) / 1000.0;
    assert!(
        output.status.success(),
        "vigil {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let times = std::fs::read_to_string(&report).unwrap_or_default();
    let fields: Vec<f64> = times
        .split_whitespace()
        .filter_map(|f| f.parse().ok())
        .collect();
    let described = match fields[..] {
        [user, system, kib] => format!(
            "{wall:.2} s wall ({user:.2} s user, {system:.2} s sys, {:.0} MiB peak)",
            kib / 1024.0
        ),
        _ => format!("{wall:.2} s wall"),
    };
    (wall, described)
}

/// `cp -r` of the generated tree into an empty folder on the same file system: the
/// baseline the generate target is stated against (a ratio, so a slow disk does not hide
/// or invent a regression).
fn copy_seconds(out: &Path, copy: &Path) -> f64 {
    let _ = std::fs::remove_dir_all(copy);
    let start = Instant::now();
    let status = std::process::Command::new("cp")
        .arg("-r")
        .arg(out)
        .arg(copy)
        .status()
        .expect("cp runs");
    let wall = millis(start) / 1000.0;
    assert!(status.success(), "cp -r failed");
    let _ = std::fs::remove_dir_all(copy);
    wall
}

/// The figures the targets are about: the whole binary generating into an empty folder,
/// re-running unchanged, and checking.
fn whole_runs(folder: &Path) {
    let out = folder.join("out-binary");
    let _ = std::fs::remove_dir_all(&out);
    let spec = folder
        .read_dir()
        .expect("spec folder")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .find(|name| name.starts_with("spec."))
        .expect("spec file");
    let args = |command| [command, spec.as_str(), "--out", "out-binary"];
    let (generate_wall, generate) = run_binary(&args("generate"), folder);
    let (_, rerun) = run_binary(&args("generate"), folder);
    let (check_wall, check) = run_binary(&args("check"), folder);
    println!(
        "      binary: generate, empty folder {generate} | unchanged re-run {rerun} | check {check}"
    );
    // A one-line change: the first SLO's objective 99.9 → 99.95.
    let text = std::fs::read_to_string(folder.join(&spec)).expect("spec");
    std::fs::create_dir_all(folder.join("changed")).expect("folder");
    std::fs::write(
        folder.join("changed").join(&spec),
        text.replacen("99.9", "99.95", 1),
    )
    .expect("changed spec");
    let changed = format!("changed/{spec}");
    let (diff_wall, diff) = run_binary(&["diff", &changed, "--base-dir", &spec], folder);
    println!(
        "      diff of a one-line change {diff}; diff ÷ check = {:.1}",
        diff_wall / check_wall.max(0.001)
    );
    let copy = copy_seconds(&out, &folder.join("out-copy"));
    println!(
        "      cp -r of the same tree: {copy:.2} s wall; generate ÷ cp -r = {:.1}",
        generate_wall / copy.max(0.001)
    );
    println!(
        "      {}",
        file_system_floor(&out, &folder.join("out-floor"))
    );
    let _ = std::fs::remove_dir_all(&out);
}

/// One Sloth service per SLO, each SLO with page and ticket alert labels that vigil's
/// import reports as not carried over: two warnings per SLO.
fn sloth_specs(slos: usize) -> String {
    let mut text = String::new();
    for i in 0..slos {
        let _ = writeln!(
            text,
            "---\nversion: prometheus/v1\nservice: svc{i:05}\nslos:\n  - name: requests-availability\n    objective: 99.9\n    sli:\n      events:\n        error_query: sum(rate(http_requests_total{{job=\"svc{i:05}\",code=~\"5..\"}}[{{{{.window}}}}]))\n        total_query: sum(rate(http_requests_total{{job=\"svc{i:05}\"}}[{{{{.window}}}}]))\n    alerting:\n      name: Svc{i:05}HighErrorRate\n      page_alert:\n        labels: {{severity: pageteam, routing_key: team{i}}}\n      ticket_alert:\n        labels: {{severity: slack, slack_channel: \"#team{i}\"}}"
        );
    }
    text
}

/// `vigil import sloth` of `slos` SLOs, with human diagnostics and with JSON ones: the
/// ratio is what rendering the warnings costs.
fn import_runs(folder: &Path, slos: usize) {
    std::fs::create_dir_all(folder).expect("folder");
    std::fs::write(folder.join("sloth.yaml"), sloth_specs(slos)).expect("sloth specs");
    let (human_wall, human) = run_binary(
        &["import", "sloth", "sloth.yaml", "--out", "human.kdl"],
        folder,
    );
    let (json_wall, json) = run_binary(
        &[
            "import",
            "sloth",
            "sloth.yaml",
            "--out",
            "json.kdl",
            "--message-format",
            "json",
        ],
        folder,
    );
    println!("import sloth, {slos} SLOs: human diagnostics {human} | JSON {json}");
    println!(
        "      human ÷ JSON = {:.2}",
        human_wall / json_wall.max(0.001)
    );
}

/// What the disk alone costs: the files `vigil generate` wrote into `written`, written
/// again into the empty folder `floor` with nothing but create and write (no comparison,
/// temporary, rename or flush). No writer of this output can be faster on this disk.
fn file_system_floor(written: &Path, floor: &Path) -> String {
    let files = collect_files(written);
    let bytes: usize = files.iter().map(|(_, contents)| contents.len()).sum();
    let _ = std::fs::remove_dir_all(floor);
    let (start, cpu) = (Instant::now(), cpu_millis());
    let mut folders = std::collections::BTreeSet::new();
    for (path, contents) in &files {
        let target = floor.join(path);
        let parent = target.parent().expect("a file has a folder").to_path_buf();
        if !folders.contains(&parent) {
            std::fs::create_dir_all(&parent).expect("floor folder");
            folders.insert(parent);
        }
        std::fs::write(&target, contents).expect("floor file");
    }
    let (wall, cpu) = (millis(start) / 1000.0, (cpu_millis() - cpu) / 1000.0);
    let _ = std::fs::remove_dir_all(floor);
    format!(
        "file-system floor: the same {} files ({:.1} MiB) created and written, nothing else: {wall:.2} s wall ({cpu:.2} s CPU)",
        files.len(),
        f64::from(u32::try_from(bytes).unwrap_or(u32::MAX)) / 1_048_576.0
    )
}

/// Every file under `root`, by relative path, with its contents.
fn collect_files(root: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    walkdir::WalkDir::new(root)
        .into_iter()
        .map(|entry| entry.expect("output folder"))
        .filter(|entry| entry.file_type().is_file())
        .map(|entry| {
            let relative = entry.path().strip_prefix(root).expect("inside root");
            let contents = std::fs::read(entry.path()).expect("output file");
            (relative.to_path_buf(), contents)
        })
        .collect()
}

fn main() {
    let mut sizes: Vec<usize> = Vec::new();
    let mut keep: Option<PathBuf> = None;
    let (mut org_services, mut imported) = (300, 10_000);
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--keep" => keep = args.next().map(PathBuf::from),
            "--org" => org_services = args.next().and_then(|n| n.parse().ok()).unwrap_or(0),
            "--import" => imported = args.next().and_then(|n| n.parse().ok()).unwrap_or(0),
            "--bench" => {}
            other => sizes.extend(other.parse::<usize>().ok()),
        }
    }
    if sizes.is_empty() {
        sizes = vec![100, 1_000, 10_000];
    }
    let scratch = tempfile::tempdir().expect("temp dir");
    let root = keep.unwrap_or_else(|| scratch.path().to_path_buf());
    println!(
        "vigil compile benchmark ({} cores available)",
        std::thread::available_parallelism().map_or(1, usize::from)
    );
    let mut growth: Vec<(&str, Vec<(usize, Stages)>)> =
        vec![("kdl", Vec::new()), ("yaml", Vec::new())];
    for slos in sizes {
        let mut outputs = Vec::new();
        for (label, text, file) in [
            ("kdl", synthetic_kdl(slos), "spec.kdl"),
            ("yaml", synthetic_yaml(slos), "spec.yaml"),
        ] {
            let folder = root.join(format!("{slos}/{label}"));
            std::fs::create_dir_all(&folder).expect("folder");
            std::fs::write(folder.join(file), text).expect("spec");
            let (digest, stages) = measure(label, &folder, slos);
            outputs.push(digest);
            if let Some((_, runs)) = growth.iter_mut().find(|(l, _)| *l == label) {
                runs.push((slos, stages));
            }
            whole_runs(&folder);
        }
        // The two forms are one spec: a difference means the generator drifted.
        assert!(
            outputs[0] == outputs[1],
            "the KDL and YAML synthetic specs compiled differently"
        );
    }
    for (label, runs) in &growth {
        print_growth(label, runs);
    }
    if org_services > 0 {
        let folder = root.join(format!("org-{org_services}"));
        std::fs::create_dir_all(&folder).expect("folder");
        std::fs::write(folder.join("spec.kdl"), org::org_kdl(org_services)).expect("spec");
        println!(
            "organisation: {org_services} services, {} SLOs",
            2 * org_services
        );
        measure("org", &folder, 2 * org_services);
        whole_runs(&folder);
    }
    if imported > 0 {
        import_runs(&root.join(format!("import-{imported}")), imported);
    }
    if let Some(peak) = peak_rss_mib() {
        println!("peak RSS of the benchmark process: {peak:.1} MiB");
    }
}
