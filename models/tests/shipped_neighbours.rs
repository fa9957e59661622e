//! The shipped `browser` bundle's neighbour index: pinned by `neighbours.json`, within the
//! page's 1.5 MB budget, and none of the gallery's textbook crystals is flagged out of
//! distribution by its score (the older centre distance flagged fluorite and corundum).

use burn::prelude::Device;
use models::neighbours::NEIGHBOURS_FILE;
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
    let pin = NeighboursInfo::load(&dir).unwrap().expect("neighbours.json beside neighbours.bin");
    let manifest = models::Bundle::load(&dir).unwrap().manifest;
    let index = pin.index(&bytes, &manifest.weights.sha256, &dir).unwrap().expect("computed for the shipped weights");
    assert_eq!((pin.materials, pin.dims, pin.k), (index.len(), index.dims(), index.k()));
    assert!(models::training_map::map_points(&index).is_some(), "the page draws its map from the index");
}

#[test]
fn no_gallery_crystal_is_flagged() {
    if !shipped() {
        return;
    }
    let dir = browser_bundle();
    let device = Device::flex();
    let predictor = Predictor::load(&dir, &device).unwrap();
    let stats = OodStatistics::load(&dir, &predictor.manifest.weights.sha256).unwrap().expect("ood.json");
    assert!(stats.neighbours.is_some(), "the index is loaded beside ood.json");
    for example in shared::gallery::examples() {
        let structure = shared::io::parse(example.cif).unwrap();
        let input = predictor.input(&structure).unwrap();
        let readout = predictor.read_out(&input).unwrap();
        let answer = predictor.interpret(&structure, &input, &readout, Some(&stats));
        assert_eq!(answer.ood.level, OodLevel::Typical, "{}: {:?}", example.id, answer.ood);
        assert_eq!(answer.similar_materials.len(), SIMILAR_MATERIALS, "{}", example.id);
    }
}
