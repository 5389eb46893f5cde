use std::io::Write as _;
use std::process::ExitCode;

mod cli;
mod commands;

use cli::{Cli, Command};
use commands::{EXIT_FAILURE, EXIT_OK};

// mimalloc: `check` and `render --site` allocate and free many small values per
// file on every thread; it is markedly faster at that than the system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse_args();
    let session = commands::session(&cli.global);
    let result = match &cli.command {
        Command::Check(args) => commands::check::run(args, &session),
        Command::Terms(args) => commands::terms::run(args, &session),
        Command::Extend(args) => commands::extend::run(args, &session),
        Command::Checkin(args) => commands::checkin::run(args, &session),
        Command::Evaluate(args) => commands::evaluate::run(args, &session),
        Command::Feedback(args) => commands::feedback::run(args, &session),
        Command::Terminate(args) => commands::terminate::run(args, &session),
        Command::Status(args) => commands::status::run(args, &session),
        Command::Agenda(args) => commands::agenda::run(args, &session),
        Command::Report(args) => commands::report::run(args, &session),
        Command::Remind(args) => commands::remind::run(args, &session),
        Command::Sign(args) => commands::sign::run(args, &session),
        Command::Render(args) => commands::render::run(args, &session),
        Command::Unlock(args) => commands::unlock::run(args),
        Command::Schema(args) => commands::schema::run(args, &session),
        Command::Lsp(args) => commands::lsp::run(args, &session),
        Command::Completions(args) => commands::completions::run(args, &session),
        Command::Man(args) => commands::man::run(args, &session),
        Command::Calendar(args) => commands::calendar::run(args, &session),
        Command::Init(args) => commands::init::run(args, &session),
        Command::New(args) => commands::new::run(args, &session),
        Command::MergeFile(args) => commands::merge_file::run(args),
        Command::GitSetup(args) => commands::git_setup::run(args),
        Command::Sections(args) => commands::sections::run(args, &session),
        Command::Diff(args) => commands::diff::run(args, &session),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        // The reader of stdout went away (`mentor-agree status | head -1`): it has
        // what it wanted. Stop quietly and exit 0, as ripgrep does.
        Err(err) if commands::is_closed_pipe(&err) => ExitCode::from(EXIT_OK),
        Err(err) => {
            // Not eprintln!: with stderr closed too, that would panic.
            let _ = writeln!(std::io::stderr(), "error: {err:#}");
            ExitCode::from(EXIT_FAILURE)
        }
    }
}
