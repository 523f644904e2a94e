use clap::Parser;
use std::io::Write;

/// mimalloc rather than the system allocator: batch workers allocate and free
/// many small strings across threads, where it is markedly faster.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let cli = causa::cli::Cli::parse();
    match causa::cli::run(cli) {
        Ok(out) => {
            let mut stdout = std::io::stdout().lock();
            if let Err(e) = stdout
                .write_all(out.stdout.as_bytes())
                .and_then(|_| stdout.flush())
                && e.kind() != std::io::ErrorKind::BrokenPipe
            {
                eprintln!("error: cannot write output: {e}");
                std::process::exit(1);
            }
            eprint!("{}", out.stderr);
            std::process::exit(out.code);
        }
        Err(e) => {
            eprint!("{}", e.render());
            std::process::exit(e.exit_code());
        }
    }
}
