//! `mentor-agree merge-file BASE OURS THEIRS`: git's merge driver for agreements.

use anyhow::Context as _;

use crate::cli::MergeFileArgs;

/// Merges, writes the result to OURS atomically, and reports on stderr.
pub fn run(args: &MergeFileArgs) -> anyhow::Result<u8> {
    let read =
        |p: &std::path::Path| mentor_agree::input::read(p).with_context(|| format!("cannot read {}", p.display()));
    let (base, ours, theirs) = (read(&args.base)?, read(&args.ours)?, read(&args.theirs)?);
    let name = args.path.clone().unwrap_or_else(|| args.ours.display().to_string());
    let labels = [format!("ours:{name}"), format!("base:{name}"), format!("theirs:{name}")];
    let labels = [labels[0].as_str(), labels[1].as_str(), labels[2].as_str()];
    let r = mentor_agree::versions::merge::resolve(&base, &ours, &theirs, labels, usize::from(args.marker_size))?;
    if r.bytes != ours {
        // Atomic (a reader sees the old file or the new one), but not synced: git does
        // not sync the work-tree files it writes either, and a merge can be redone.
        mentor_agree::edit::atomic::write_regenerable(&args.ours, &r.bytes)
            .with_context(|| format!("cannot write {}", args.ours.display()))?;
    }
    if !r.by_meaning {
        for note in &r.notes {
            eprintln!("mentor-agree: {name}: {note}");
        }
        let what = if r.clean { "merged line by line" } else { "conflicts left for you to resolve (look for <<<<<<<)" };
        eprintln!("mentor-agree: {name}: {what}");
    }
    Ok(if r.clean { super::EXIT_OK } else { super::EXIT_PROBLEMS })
}
