//! The shipped `browser` bundle's neighbour indexes: the page's pinned by `neighbours.json`,
//! within the page's 1.5 MB budget and carrying the training map; the backend's full one pinned
//! by `neighbours_full.json`, every dimension of the embedding, the same materials; and none of
//! the gallery's textbook crystals is flagged out of distribution by either score (the older
//! centre distance flagged fluorite and corundum). The `server` bundle ships one index, of every
//! dimension, which only the backend reads.

use burn::prelude::Device;
use models::neighbours::{IndexFile, NEIGHBOURS_FILE, NeighbourIndex};
use models::neighbours_info::NeighboursInfo;
use models::ood::OodStatistics;
use models::predictor::{Predictor, SIMILAR_MATERIALS};
use shared::api::OodLevel;
use std::path::{Path, PathBuf};

/// The page's budget for the index, bytes (compressed).
const PAGE_BUDGET: u64 = 1_500_000;

fn browser_bundle() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("weights/browser")
}

/// Whether the bundle ships an index (`matfuse ood --dims 12` writes it); says so when not.
fn shipped() -> bool {
    let present = browser_bundle().join(NEIGHBOURS_FILE).is_file();
    if !present {
        eprintln!("SKIPPED: models/weights/browser has no {NEIGHBOURS_FILE}");
    }
    present
}

#[test]
fn the_shipped_index_is_pinned_and_within_the_page_budget() {
    if !shipped() {
        return;
    }
    let dir = browser_bundle();
    let bytes = std::fs::read(dir.join(NEIGHBOURS_FILE)).unwrap();
    assert!(bytes.len() as u64 <= PAGE_BUDGET, "{} bytes", bytes.len());
    let pin = NeighboursInfo::load(&dir, IndexFile::Page).unwrap().expect("neighbours.json beside neighbours.bin");
    let manifest = models::Bundle::load(&dir).unwrap().manifest;
    let index = pin.index(&bytes, &manifest.weights.sha256, &dir).unwrap().expect("computed for the shipped weights");
    assert_eq!((pin.materials, pin.dims, pin.k), (index.len(), index.dims(), index.k()));
    assert!(models::training_map::map_points(&index).is_some(), "the page draws its map from the index");
    assert!(index.map_method().is_some_and(|m| m.contains("t-SNE")), "the shipped map is the t-SNE (RESULTS.md §8)");
}

#[test]
fn the_full_index_is_pinned_and_holds_every_dimension() {
    let dir = browser_bundle();
    if !dir.join(IndexFile::Full.file()).is_file() {
        eprintln!("SKIPPED: models/weights/browser has no {}", IndexFile::Full.file());
        return;
    }
    let sha = models::Bundle::load(&dir).unwrap().manifest.weights.sha256;
    let full = NeighbourIndex::load(&dir, IndexFile::Full, &sha).unwrap().expect("pinned, for the shipped weights");
    let page = NeighbourIndex::load(&dir, IndexFile::Page, &sha).unwrap().expect("the page's index beside it");
    assert!(!full.is_projected() && full.dims() > page.dims(), "{} vs {} dimensions", full.dims(), page.dims());
    assert_eq!((full.len(), full.k(), full.validation_len()), (page.len(), page.k(), page.validation_len()));
    assert!((0..full.len()).step_by(997).all(|i| full.material(i) == page.material(i)));
    assert_eq!(NeighbourIndex::load_for_backend(&dir, &sha).unwrap(), Some(full));
}

/// The gallery crystals tests/e2e/trust_flows.py checks against the API (its `EXAMPLES`).
const TRUST_FLOW_EXAMPLES: [&str; 3] = ["fluorite", "corundum", "rock-salt"];

#[test]
fn no_gallery_crystal_is_flagged() {
    if !shipped() {
        return;
    }
    let dir = browser_bundle();
    let device = Device::flex();
    let predictor = Predictor::load(&dir, &device).unwrap();
    let sha = &predictor.manifest.weights.sha256;
    let backend = OodStatistics::load(&dir, sha).unwrap().expect("ood.json");
    assert!(backend.neighbours.is_some(), "the index is loaded beside ood.json");
    let page_index = NeighbourIndex::load(&dir, IndexFile::Page, sha).unwrap().map(std::sync::Arc::new);
    let page = backend.clone().with_neighbours(page_index);
    for example in shared::gallery::examples() {
        let structure = shared::io::parse(example.cif).unwrap();
        let input = predictor.input(&structure).unwrap();
        let readout = predictor.read_out(&input).unwrap();
        let mut ids = Vec::new();
        for (which, stats) in [("backend", &backend), ("page", &page)] {
            let answer = predictor.interpret(&structure, &input, &readout, Some(stats));
            assert_eq!(answer.ood.level, OodLevel::Typical, "{} ({which}): {:?}", example.id, answer.ood);
            assert_eq!(answer.similar_materials.len(), SIMILAR_MATERIALS, "{} ({which})", example.id);
            ids.push(answer.similar_materials.into_iter().map(|m| m.material_id).collect::<Vec<_>>());
        }
        // The 12-dimension projection reorders near neighbours, but the lists overlap.
        let shared = ids[1].iter().filter(|id| ids[0].contains(id)).count();
        eprintln!("{}: {shared} of the page's {SIMILAR_MATERIALS} among the backend's", example.id);
        assert!(shared >= 2, "{}: page {:?}, backend {:?}", example.id, ids[1], ids[0]);
        // What tests/e2e/trust_flows.py relies on: for its crystals, the page's closest is among
        // the backend's.
        if TRUST_FLOW_EXAMPLES.contains(&example.id) {
            assert!(ids[0].contains(&ids[1][0]), "{}: page {:?}, backend {:?}", example.id, ids[1], ids[0]);
        }
    }
}

#[test]
fn the_server_bundle_has_a_pinned_index_of_every_dimension() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("weights/server");
    let sha = models::Bundle::load(&dir).unwrap().manifest.weights.sha256;
    let index = NeighbourIndex::load_for_backend(&dir, &sha).unwrap().expect("neighbours.bin, for the shipped weights");
    assert!(!index.is_projected(), "the server's index is not projected");
    let pin = NeighboursInfo::load(&dir, IndexFile::Page).unwrap().expect("neighbours.json beside neighbours.bin");
    assert_eq!((pin.materials, pin.dims, pin.k), (index.len(), index.dims(), index.k()));
    assert!(index.len() > 29_000 && index.validation_len() > 3_000, "{} materials", index.len());
}
