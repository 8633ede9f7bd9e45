//! The CLI proper (native only): dispatch, input files, diagnostics and exit codes.

use crate::args::{self, Command, ExplainArgs, Format, GetArgs, UsageError};
use anyhow::Context as _;
use std::io::{Read as _, Write as _};
use std::process::ExitCode;
use svcroute::diagnostic::{Diagnostic, Severity};
use svcroute::input::span::Span;
use svcroute::input::{self, raw, Parsed};
use svcroute::kubectl::{self, GetOptions, Listing};
use svcroute::model::{self, BuildOptions, Cluster};
use svcroute::route::{self, Explanation, QueryError};
use svcroute::scenario::{self, Scenario};
use svcroute::{export, json, permalink, report};

pub fn main() -> ExitCode {
    match args::parse(std::env::args_os().skip(1)) {
        Ok(Command::Help) => {
            print_out(args::USAGE);
            ExitCode::SUCCESS
        }
        Ok(Command::Version) => {
            print_out(&format!("svcroute {}\n", env!("CARGO_PKG_VERSION")));
            ExitCode::SUCCESS
        }
        Ok(Command::Explain(explain_args)) => finish(explain(&explain_args)),
        Ok(Command::Render(render_args)) => finish(render(&render_args)),
        Ok(Command::Link(link_args)) => finish(link(&link_args)),
        Ok(Command::Get(get_args)) => finish(get(&get_args)),
        Ok(Command::Mdbook { supports }) => finish(crate::mdbook::main(supports.as_deref())),
        Err(error) => usage_error(&error),
    }
}

fn usage_error(error: &UsageError) -> ExitCode {
    eprintln!("svcroute: error: {}", error.0);
    eprintln!();
    eprintln!("Usage: svcroute explain FILE... --service NAME [OPTIONS]");
    eprintln!("       svcroute render FILE... --service NAME [OPTIONS] [-o OUT.svg]");
    eprintln!("       svcroute link FILE... --service NAME [OPTIONS]");
    eprintln!("       svcroute get svc|nodes|pods|endpointslices FILE... [-o wide]");
    eprintln!("Run `svcroute --help` for all options.");
    ExitCode::from(2)
}

/// How a command ended, before it becomes an exit status.
pub enum Outcome {
    Ok,
    /// Input errors or a failed query; already printed.
    Failed,
    Usage(UsageError),
}

pub fn finish(result: anyhow::Result<Outcome>) -> ExitCode {
    match result {
        Ok(Outcome::Ok) => ExitCode::SUCCESS,
        Ok(Outcome::Failed) => ExitCode::from(1),
        Ok(Outcome::Usage(error)) => usage_error(&error),
        Err(error) => {
            eprintln!("svcroute: error: {error:#}");
            ExitCode::from(1)
        }
    }
}

/// Writes to stdout; a closed pipe (`svcroute … | head`) is not an error worth a panic.
pub fn print_out(text: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(text.as_bytes());
    let _ = stdout.flush();
}

// ---------------------------------------------------------------- input files

/// One input file and where its lines sit in the concatenated text.
struct Source {
    name: String,
    text: String,
    /// The 1-based line in the concatenated text where this file's first line is.
    first_line: u32,
}

/// All input files, joined into one text that is parsed as one cluster.
struct Input {
    text: String,
    sources: Vec<Source>,
}

fn looks_like_json(text: &str) -> bool {
    matches!(text.trim_start().chars().next(), Some('{' | '['))
}

/// Reads every FILE (`-` is stdin). Several files are joined: JSON files one after another
/// (a JSON stream), otherwise with `---` lines between them, YAML files first, so that a
/// JSON file among YAML ones is read as a YAML document (JSON is YAML).
fn read_input(files: &[String]) -> anyhow::Result<Input> {
    let mut read: Vec<(String, String)> = Vec::new();
    let mut has_read_stdin = false;
    for file in files {
        if file == "-" {
            let mut text = String::new();
            if !has_read_stdin {
                std::io::stdin().read_to_string(&mut text).context("cannot read stdin")?;
                has_read_stdin = true;
            }
            read.push(("<stdin>".to_string(), text));
        } else {
            let text =
                std::fs::read_to_string(file).with_context(|| format!("cannot read {file}"))?;
            read.push((file.clone(), text));
        }
    }
    let all_json = read.iter().all(|(_, text)| looks_like_json(text));
    if !all_json {
        read.sort_by_key(|(_, text)| looks_like_json(text));
    }
    let separator = if all_json { "\n" } else { "\n---\n" };
    let mut text = String::new();
    let mut sources = Vec::new();
    let mut line: u32 = 1;
    for (idx, (name, file_text)) in read.into_iter().enumerate() {
        if idx > 0 {
            text.push_str(separator);
            line += count_lines(separator);
        }
        sources.push(Source { name, text: file_text.clone(), first_line: line });
        line += count_lines(&file_text);
        text.push_str(&file_text);
    }
    Ok(Input { text, sources })
}

fn count_lines(text: &str) -> u32 {
    u32::try_from(text.matches('\n').count()).unwrap_or(u32::MAX)
}

impl Input {
    /// The file holding `line` of the joined text, and the line within that file.
    fn locate(&self, line: u32) -> Option<(&Source, u32)> {
        let source = self.sources.iter().rev().find(|source| source.first_line <= line)?;
        Some((source, line - source.first_line + 1))
    }

    /// The name to put before a diagnostic without a place.
    fn whole_input_name(&self) -> &str {
        match self.sources.as_slice() {
            [only] => &only.name,
            _ => "svcroute",
        }
    }
}

// ---------------------------------------------------------------- diagnostics

/// Prints the diagnostics to stderr (notices only when not `quiet`) and returns how many
/// are errors.
fn print_diagnostics(input: &Input, diagnostics: &[Diagnostic], quiet: bool) -> usize {
    let mut stderr = std::io::stderr().lock();
    let mut n_errors = 0;
    for diagnostic in diagnostics {
        if diagnostic.severity == Severity::Error {
            n_errors += 1;
        }
        if quiet && diagnostic.severity == Severity::Notice {
            continue;
        }
        let _ = stderr.write_all(render_diagnostic(input, diagnostic).as_bytes());
    }
    n_errors
}

/// `FILE:LINE:COL: error: message`, then the line with a caret under the span and the
/// field and help lines (STYLE.md, Errors), with the line counted in its own file.
fn render_diagnostic(input: &Input, diagnostic: &Diagnostic) -> String {
    let place = diagnostic.span.and_then(|span| Some((span, input.locate(span.line)?)));
    match place {
        Some((span, (source, line))) => {
            let mut in_file = diagnostic.clone();
            in_file.span = Some(Span { line, ..span });
            svcroute::diagnostic::render(&in_file, &source.name, &source.text)
        }
        None => {
            let mut whole = diagnostic.clone();
            whole.span = None;
            svcroute::diagnostic::render(&whole, input.whole_input_name(), "")
        }
    }
}

/// Parses and builds the cluster, printing the diagnostics; returns the cluster, the
/// parsed documents and the number of errors.
fn load(
    files: &[String],
    has_load_balancer_support: bool,
    quiet: bool,
) -> anyhow::Result<(Input, Parsed, Cluster, usize)> {
    let input = read_input(files)?;
    let parsed = input::parse(&input.text);
    let options = BuildOptions { has_load_balancer_support };
    // model::build's diagnostics start with the input's own, so each is printed once.
    let (cluster, diagnostics) = model::build(&parsed, &options);
    let n_errors = print_diagnostics(&input, &diagnostics, quiet);
    Ok((input, parsed, cluster, n_errors))
}

fn error_summary(n_errors: usize) {
    let plural = if n_errors == 1 { "" } else { "s" };
    eprintln!(
        "svcroute: {n_errors} error{plural}: an object with an error is left out of the cluster, as the API server would reject it"
    );
}

// ---------------------------------------------------------------- explain

/// Loads the files, prints their diagnostics, and explains the scenario the flags choose,
/// printing why when it cannot. Returns the scenario, its explanation (`None`: failed, said
/// so) and the number of input errors.
fn load_and_explain(
    args: &ExplainArgs,
) -> anyhow::Result<(Scenario, Option<Explanation>, usize, Cluster)> {
    let (input, parsed, cluster, n_errors) =
        load(&args.files, args.has_load_balancer_support, args.quiet)?;
    // The page's own value: `render` and `link` hand it on, so a flag means what the page's
    // control means.
    let scenario = args.scenario(input.text);
    let result = match scenario.query(&cluster) {
        Some(query) => route::explain(&cluster, &query),
        None => {
            debug_assert!(false, "the CLI always names a service");
            return Ok((scenario, None, n_errors, cluster));
        }
    };
    let explanation = match result {
        Ok(explanation) => explanation,
        Err(error) => {
            match &error {
                QueryError::NoService { namespace, name, .. }
                    if n_errors > 0 && was_pasted(&parsed, namespace, name) =>
                {
                    eprintln!(
                        "svcroute: error: service `{name}` in namespace `{namespace}` has errors (above), so it is not in the cluster"
                    );
                }
                _ => {
                    if n_errors > 0 {
                        error_summary(n_errors);
                    }
                    eprintln!("svcroute: error: {error}");
                }
            }
            return Ok((scenario, None, n_errors, cluster));
        }
    };
    Ok((scenario, Some(explanation), n_errors, cluster))
}

fn explain(args: &ExplainArgs) -> anyhow::Result<Outcome> {
    let (_scenario, explanation, n_errors, cluster) = load_and_explain(args)?;
    let Some(explanation) = explanation else {
        return Ok(Outcome::Failed);
    };

    let simulation = args.connections.map(|connections| {
        let n = usize::try_from(connections).unwrap_or(usize::MAX);
        let counts = route::simulate::simulate(&explanation, args.seed, n);
        report::SimulatedCounts { seed: args.seed, connections, counts }
    });
    let text = match args.format {
        Format::Table => report::render(&explanation, simulation.as_ref()),
        Format::Json => {
            let mut value = json::report(&explanation);
            value.simulation = simulation.map(|sim| json::Simulation {
                seed: sim.seed,
                connections: sim.connections,
                counts: sim.counts,
            });
            json::to_string(&value)
        }
    };
    print_out(&text);
    if args.curl && args.format == Format::Table {
        print_out(&curl_answers(&cluster, &explanation));
    }
    if n_errors > 0 {
        error_summary(n_errors);
        return Ok(Outcome::Failed);
    }
    Ok(Outcome::Ok)
}

/// What the book's kiada app answers to `curl` on each delivered path (seed 11.2.1), to set
/// beside the book's output.
fn curl_answers(cluster: &Cluster, explanation: &Explanation) -> String {
    let mut text = String::from("\nwhat the book's kiada app answers to curl\n");
    for (idx, path) in explanation.paths.iter().enumerate() {
        let Some(answer) = kubectl::kiada_response(cluster, path) else { continue };
        let via = path.via_node.as_deref().unwrap_or("?");
        text += &format!("  #{}  via {via}\n", idx + 1);
        for line in answer.lines() {
            text += &format!("    {line}\n");
        }
    }
    text
}

/// `svcroute render`: the SVG the page's "Download SVG" saves for the same scenario,
/// through the same `scenario::evaluate` and `export::render`.
fn render(args: &ExplainArgs) -> anyhow::Result<Outcome> {
    let (scenario, explanation, n_errors, _cluster) = load_and_explain(args)?;
    if explanation.is_none() {
        return Ok(Outcome::Failed);
    }
    let evaluation = scenario::evaluate(&scenario);
    let Some(svg) = export::render(&evaluation, args.theme) else {
        // evaluate asks what load_and_explain asked; a picture is there when an answer is.
        debug_assert!(false, "an explained scenario has a picture");
        eprintln!("svcroute: error: this scenario has no picture");
        return Ok(Outcome::Failed);
    };
    match &args.output {
        Some(file) => std::fs::write(file, svg).with_context(|| format!("cannot write {file}"))?,
        None => print_out(&svg),
    }
    if n_errors > 0 {
        error_summary(n_errors);
        return Ok(Outcome::Failed);
    }
    Ok(Outcome::Ok)
}

/// `svcroute link`: the page's URL fragment for the scenario, once it explains.
fn link(args: &ExplainArgs) -> anyhow::Result<Outcome> {
    let (scenario, explanation, n_errors, _cluster) = load_and_explain(args)?;
    if explanation.is_none() {
        return Ok(Outcome::Failed);
    }
    print_out(&format!("{}\n", permalink::to_fragment(&scenario)));
    if n_errors > 0 {
        error_summary(n_errors);
        return Ok(Outcome::Failed);
    }
    Ok(Outcome::Ok)
}

/// Whether the input held a Service with this namespace and name (so if the cluster lacks
/// it, its errors removed it).
fn was_pasted(parsed: &Parsed, namespace: &str, name: &str) -> bool {
    parsed.documents.iter().any(|document| match &document.object {
        raw::Object::Service(service) => {
            service.metadata.name.as_deref() == Some(name)
                && service.metadata.namespace.as_deref().unwrap_or("default") == namespace
        }
        _ => false,
    })
}

// ---------------------------------------------------------------- get

fn get(args: &GetArgs) -> anyhow::Result<Outcome> {
    let now = match &args.now {
        Some(text) => match kubectl::parse_timestamp(text) {
            Some(now) => now,
            None => {
                return Ok(Outcome::Usage(UsageError(format!(
                    "--now needs an RFC 3339 time like 2026-11-25T12:00:00Z, not `{text}`"
                ))))
            }
        },
        None => std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|elapsed| i64::try_from(elapsed.as_secs()).unwrap_or(i64::MAX))
            .unwrap_or(0),
    };
    let (_input, _parsed, cluster, n_errors) =
        load(&args.files, args.has_load_balancer_support, args.quiet)?;
    let options = GetOptions { wide: args.wide, namespace: args.namespace.clone(), now };
    match kubectl::get(&cluster, args.resource, &options) {
        Listing::Table(table) => print_out(&table),
        Listing::Empty(message) => eprintln!("{message}"),
    }
    if n_errors > 0 {
        error_summary(n_errors);
        return Ok(Outcome::Failed);
    }
    Ok(Outcome::Ok)
}
