//! `mentor-agree unlock FILE`: remove a lock file a killed edit left behind.

use anyhow::Context as _;

use crate::cli::UnlockArgs;
use mentor_agree::edit::leftovers::{UnlockError, Unlocked, unlock};

/// Removes FILE.lock when no running process holds it.
pub fn run(args: &UnlockArgs) -> anyhow::Result<u8> {
    let file = &args.file;
    std::fs::metadata(file).with_context(|| format!("cannot read {}", file.display()))?;
    let lock = mentor_agree::edit::edit_lock_path(file);
    match unlock(file, &lock) {
        Ok(Unlocked::NotLocked) => {
            eprintln!("{} is not locked (there is no {})", file.display(), lock.display());
            Ok(super::EXIT_OK)
        }
        Ok(Unlocked::Removed) => {
            eprintln!(
                "Removed {}, left by an edit that was killed; {} is as it was before it",
                lock.display(),
                file.display()
            );
            Ok(super::EXIT_OK)
        }
        Ok(Unlocked::RemovedSymlink) => {
            eprintln!(
                "Removed {}, a symbolic link that is not a lock mentor-agree made; {} is untouched, and so is what the link pointed to",
                lock.display(),
                file.display()
            );
            Ok(super::EXIT_OK)
        }
        Err(e @ UnlockError::Held { .. }) => {
            eprintln!("error: {e}");
            Ok(super::EXIT_PROBLEMS)
        }
        Err(e) => Err(e.into()),
    }
}
