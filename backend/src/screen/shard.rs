//! Which shard of how many this process screens: `--shard i/N`, else a Slurm array task's
//! variables, else a Kubernetes Indexed Job's completion index, else the whole input.

use crate::error::{Error, Result};

/// Shard `index` (0-based) of `count`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    pub index: usize,
    pub count: usize,
}

impl Shard {
    /// The whole input as one shard.
    pub const WHOLE: Shard = Shard { index: 0, count: 1 };

    /// Shard `index` of `count`, refused unless `index < count`.
    pub fn new(index: usize, count: usize) -> Result<Shard> {
        if index >= count {
            return Err(Error::CommandLine(format!("shard {index} of {count} does not exist (shards are 0..{count})")));
        }
        Ok(Shard { index, count })
    }

    /// `i/N` as written for `--shard` (0-based `i`).
    pub fn parse(text: &str) -> Result<Shard> {
        let bad = || Error::CommandLine(format!("--shard {text}: expected i/N with 0 <= i < N, e.g. 3/16"));
        let (index, count) = text.split_once('/').ok_or_else(bad)?;
        Shard::new(index.trim().parse().map_err(|_| bad())?, count.trim().parse().map_err(|_| bad())?)
    }

    /// The shard a scheduler gave this process, read through `var` (the environment in use):
    /// Slurm's `SLURM_ARRAY_TASK_ID - SLURM_ARRAY_TASK_MIN` of `SLURM_ARRAY_TASK_COUNT` (a
    /// contiguous array such as `--array=0-15` or `--array=1-16%4`), else Kubernetes'
    /// `JOB_COMPLETION_INDEX` of `count` (`--shards`/`MATFUSE_SHARDS`, the Job's
    /// `completions`); `None` when neither scheduler set its variables.
    pub fn from_scheduler(var: impl Fn(&str) -> Option<String>, count: Option<usize>) -> Result<Option<Shard>> {
        let number = |name: &str| -> Result<Option<usize>> {
            var(name)
                .map(|text| {
                    text.trim()
                        .parse()
                        .map_err(|_| Error::CommandLine(format!("the environment's {name}={text} is not a number")))
                })
                .transpose()
        };
        if let Some(id) = number("SLURM_ARRAY_TASK_ID")? {
            let min = number("SLURM_ARRAY_TASK_MIN")?.unwrap_or(0);
            let tasks = number("SLURM_ARRAY_TASK_COUNT")?.ok_or_else(|| {
                Error::CommandLine("SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not".into())
            })?;
            let index = id.checked_sub(min).filter(|&i| i < tasks).ok_or_else(|| {
                Error::CommandLine(format!(
                    "Slurm array task {id} (first {min}, {tasks} tasks) is not in a contiguous array; \
                     submit with --array=0-{} (a step such as :2 is not supported)",
                    tasks.saturating_sub(1)
                ))
            })?;
            return Shard::new(index, tasks).map(Some);
        }
        if let Some(index) = number("JOB_COMPLETION_INDEX")? {
            let count = count.ok_or_else(|| {
                Error::CommandLine(
                    "JOB_COMPLETION_INDEX is set but the shard count is not: give --shards or MATFUSE_SHARDS \
                     (the Job's completions)"
                        .into(),
                )
            })?;
            return Shard::new(index, count).map(Some);
        }
        Ok(None)
    }

    /// The shard `--shard` names, else the scheduler's ([`Shard::from_scheduler`] over the
    /// process environment), else [`Shard::WHOLE`].
    pub fn resolve(flag: Option<&str>, count: Option<usize>) -> Result<Shard> {
        match flag {
            Some(text) => Shard::parse(text),
            None => Ok(Shard::from_scheduler(|name| std::env::var(name).ok(), count)?.unwrap_or(Shard::WHOLE)),
        }
    }

    /// The stem of this shard's result file: `shard-0003-of-0016`.
    pub fn file_stem(&self) -> String {
        format!("shard-{:04}-of-{:04}", self.index, self.count)
    }

    /// The shard a result file stem names (`shard-0003-of-0016`), if it is one.
    pub fn from_file_stem(stem: &str) -> Option<Shard> {
        let (index, count) = stem.strip_prefix("shard-")?.split_once("-of-")?;
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if !digits(index) || !digits(count) {
            return None;
        }
        Shard::new(index.parse().ok()?, count.parse().ok()?).ok()
    }
}
