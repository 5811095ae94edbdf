//! Shared by the Alertmanager tests: compiling a spec, finding the real tools, and
//! writing a generated config whose secret files exist in a temp folder.

use std::path::{Path, PathBuf};
use std::process::Command;

use vigil::emit::Artifact;
use vigil::model::{Integration, Model, Version, WebhookUrl};
use vigil::source::Sources;

pub(crate) fn compile(path: &Path) -> Model {
    let mut sources = Sources::default();
    let (model, diagnostics) = vigil::app::compile(&[path.to_path_buf()], &mut sources);
    model.unwrap_or_else(|| panic!("{} does not compile: {diagnostics:#?}", path.display()))
}

/// Every artefact of `model`, with the embedded templates.
pub(crate) fn emit(model: &Model) -> Vec<Artifact> {
    vigil::emit::emit(model, &vigil::emit::Options::default()).expect("emits")
}

pub(crate) fn artifact<'a>(artifacts: &'a [Artifact], path: &str) -> &'a str {
    &artifacts
        .iter()
        .find(|a| a.path == path)
        .unwrap_or_else(|| panic!("no artifact {path}"))
        .contents
}

/// The first of `names` on PATH; the test fails when none is installed, since CI
/// installs Debian's `prometheus-alertmanager`.
pub(crate) fn tool(names: &[&str]) -> PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .flat_map(|dir| names.iter().map(move |name| dir.join(name)))
        .find(|candidate| candidate.is_file())
        .unwrap_or_else(|| {
            panic!("{names:?} not found on PATH: install the `prometheus-alertmanager` package")
        })
}

pub(crate) fn amtool() -> PathBuf {
    tool(&["amtool"])
}

/// `amtool, version 0.25.0 (…)` → 0.25.
pub(crate) fn installed_version(amtool: &Path) -> Version {
    let output = Command::new(amtool)
        .arg("--version")
        .output()
        .expect("amtool --version runs");
    let text = String::from_utf8_lossy(&output.stdout).to_string()
        + &String::from_utf8_lossy(&output.stderr);
    text.split_whitespace()
        .skip_while(|word| *word != "version")
        .nth(1)
        .and_then(Version::parse)
        .unwrap_or_else(|| panic!("cannot read amtool's version from {text:?}"))
}

/// Points every secret file of `model` into `dir/secrets/` and creates those files, then
/// writes the generated Alertmanager artefacts into `dir`. Returns the config's path.
pub(crate) fn generate_into(model: &Model, dir: &Path) -> PathBuf {
    let mut model = model.clone();
    let secrets = dir.join("secrets");
    std::fs::create_dir_all(&secrets).expect("secrets dir");
    let mut count = 0;
    let mut relocate = |path: &mut String| {
        count += 1;
        let file = secrets.join(format!("secret-{count}"));
        std::fs::write(&file, "https://alerts.invalid/secret\n").expect("secret file");
        *path = file.display().to_string();
    };
    for receiver in &mut model.receivers {
        for integration in &mut receiver.integrations {
            match integration {
                Integration::Slack(slack) => relocate(&mut slack.api_url_file),
                Integration::PagerDuty(pd) => relocate(&mut pd.routing_key_file),
                Integration::OpsGenie(genie) => relocate(&mut genie.api_key_file),
                Integration::Email(email) => {
                    if let Some(path) = &mut email.auth_password_file {
                        relocate(path);
                    }
                }
                Integration::Webhook(hook) => {
                    if let WebhookUrl::File(path) = &mut hook.url {
                        relocate(path);
                    }
                }
                Integration::MsTeams(teams) => relocate(&mut teams.webhook_url_file),
            }
        }
    }
    let artifacts = emit(&model);
    for name in ["alertmanager.yml", "route-tests.sh", "route-tests.tsv"] {
        let contents = artifact(&artifacts, &format!("alertmanager/{name}"));
        std::fs::write(dir.join(name), contents).expect("write artefact");
    }
    dir.join("alertmanager.yml")
}
