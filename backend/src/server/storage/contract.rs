//! What every [`Store`] must do, as one suite each store's tests run (SQLite always, PostgreSQL
//! when `MATFUSE_TEST_DATABASE_URL` names a server). `open` opens the same database again (a
//! restart, or a second replica).

use super::{Lease, ModelRecord, Store};
use crate::server::jobs::record::{DatasetSummary, JobRecord, JobState};
use shared::api::ShareState;

fn share() -> ShareState {
    ShareState {
        version: ShareState::VERSION,
        structure: "data_x".into(),
        format: None,
        text: None,
        model: "browser".into(),
        weights_sha256: "ab".into(),
        view: serde_json::json!({"tab": "predict"}),
    }
}

/// A queued job created at `created_at` (Unix seconds).
pub fn job(id: &str, created_at: u64) -> JobRecord {
    JobRecord {
        id: id.into(),
        name: "tiny".into(),
        model_id: format!("tiny-{id}"),
        state: JobState::Queued,
        config: "id = \"tiny\"".into(),
        dataset: DatasetSummary::default(),
        epochs: 2,
        created_at,
        updated_at: created_at,
        history: Vec::new(),
        stages: Vec::new(),
        error: None,
    }
}

pub fn shares_persist_and_are_immutable(open: &dyn Fn() -> Box<dyn Store>) {
    let id = super::new_share_id().unwrap();
    {
        let store = open();
        store.insert_share(&id, &share()).unwrap();
        assert!(store.insert_share(&id, &share()).is_err(), "ids are never overwritten");
    }
    let store = open();
    assert_eq!(store.share(&id).unwrap(), Some(share()));
    assert_eq!(store.share("nope").unwrap(), None);
}

pub fn jobs_persist_update_and_count_by_state(open: &dyn Fn() -> Box<dyn Store>) {
    {
        let store = open();
        store.insert_job(&job("b", 2)).unwrap();
        store.insert_job(&job("a", 1)).unwrap();
        // Submitted in the same second: submission order.
        store.insert_job(&job("d", 4)).unwrap();
        store.insert_job(&job("c", 4)).unwrap();
        assert!(store.insert_job(&job("a", 1)).is_err(), "ids are unique");
        let mut running = job("b", 2);
        running.state = JobState::Running;
        assert!(store.update_job(&running, "me").unwrap());
        assert!(store.update_job(&job("z", 3), "me").is_err(), "only stored jobs update");
    }
    let store = open();
    let ids: Vec<String> = store.jobs().unwrap().into_iter().map(|j| j.id).collect();
    assert_eq!(ids, ["a", "b", "d", "c"], "oldest first");
    assert_eq!(store.job("b").unwrap().unwrap().state, JobState::Running);
    assert_eq!(store.job("z").unwrap(), None);
    let mut counts = store.job_counts().unwrap();
    counts.sort();
    assert_eq!(counts, [(JobState::Queued, 3), (JobState::Running, 1)]);
}

pub fn a_job_is_claimed_by_one_replica_until_its_lease_runs_out(store: &dyn Store) {
    store.insert_job(&job("old", 1)).unwrap();
    store.insert_job(&job("new", 2)).unwrap();
    let claimed = |replica: &str, now: u64| store.claim_job(replica, now, now + 30).unwrap().map(|j| j.id);
    assert_eq!(claimed("a", 100).as_deref(), Some("old"), "oldest first");
    assert_eq!(claimed("b", 100).as_deref(), Some("new"), "a held job is not claimed twice");
    assert_eq!(claimed("c", 100), None);

    // The holder writes; another replica may not.
    let mut running = job("old", 1);
    running.state = JobState::Running;
    assert!(store.update_job(&running, "a").unwrap());
    assert!(!store.update_job(&job("old", 1), "b").unwrap(), "b does not hold 'old'");
    assert_eq!(store.job("old").unwrap().unwrap().state, JobState::Running);

    // `a` renews; `b` stops renewing (killed) and `c` takes its job over once the lease ends.
    assert_eq!(store.renew_lease("old", "a", 160).unwrap(), Lease::Held { cancel_requested: false });
    assert_eq!(store.renew_lease("old", "b", 160).unwrap(), Lease::Lost);
    assert_eq!(claimed("c", 129), None, "b's lease lasts until 130");
    assert_eq!(claimed("c", 131).as_deref(), Some("new"));
    assert_eq!(store.renew_lease("new", "b", 200).unwrap(), Lease::Lost, "b lost it to c");

    // A released job (paused at shutdown) is claimed at once; an ended one never.
    store.release_job("old", "a").unwrap();
    assert_eq!(claimed("d", 132).as_deref(), Some("old"));
    let mut finished = job("new", 2);
    finished.state = JobState::Finished;
    assert!(store.update_job(&finished, "c").unwrap());
    store.release_job("new", "c").unwrap();
    assert_eq!(claimed("e", 10_000).as_deref(), Some("old"), "d's lease ran out; 'new' has ended");
    assert_eq!(claimed("f", 100_000).as_deref(), Some("old"));
    assert_eq!(claimed("g", 100_000), None);
}

pub fn cancels_and_models_reach_every_replica(store: &dyn Store) {
    store.insert_job(&job("run", 1)).unwrap();
    assert!(store.claim_job("a", 10, 40).unwrap().is_some());
    assert!(store.request_cancel("run").unwrap());
    assert_eq!(store.renew_lease("run", "a", 70).unwrap(), Lease::Held { cancel_requested: true });
    let mut cancelled = job("run", 1);
    cancelled.state = JobState::Cancelled;
    assert!(store.update_job(&cancelled, "a").unwrap());
    assert!(!store.request_cancel("run").unwrap(), "it has ended");
    assert!(!store.request_cancel("absent").unwrap());

    let model = |id: &str, at| ModelRecord { id: id.into(), weights_sha256: format!("sha-{id}"), installed_at: at };
    store.insert_model(&model("m2", 20)).unwrap();
    store.insert_model(&model("m1", 10)).unwrap();
    store.insert_model(&model("m1", 30)).unwrap();
    assert_eq!(store.models().unwrap(), [model("m1", 10), model("m2", 20)], "recorded once, oldest first");
}
