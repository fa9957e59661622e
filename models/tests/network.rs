//! The networks on real structures with random weights: every fusion variant runs, predictions
//! do not depend on site order, origin or cell size, nor on the other structures of a batch,
//! and f16 weights round-trip.

use burn::prelude::Device;
use models::batch::Modalities;
use models::bundle::{FusionKind, Manifest};
use models::nn::{CrossReadout, NetConfig};
use models::predictor::{ModelInput, Predictor};
use models::vocab::Vocabulary;
use models::{Bundle, weights};
use shared::Structure;
use shared::describe::{DescribeOptions, describe_structure};
use shared::structure::Site;
use std::collections::BTreeSet;

fn gallery(id: &str) -> Structure {
    shared::io::parse(shared::gallery::example(id).expect("gallery id").cif).expect("gallery parses")
}

/// A whole-word vocabulary covering the gallery's descriptions.
fn vocab_text() -> String {
    let mut words = BTreeSet::new();
    for e in shared::gallery::examples() {
        let text = describe_structure(&shared::io::parse(e.cif).unwrap(), &DescribeOptions::default()).unwrap().text;
        for word in text.to_lowercase().split(|c: char| !c.is_alphanumeric()) {
            words.insert(word.to_string());
        }
        words.extend(text.chars().filter(|c| c.is_ascii_punctuation()).map(String::from));
    }
    words.remove("");
    let mut lines: Vec<String> = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"].map(String::from).to_vec();
    lines.extend(words);
    lines.join("\n") + "\n"
}

/// Every variant, and `cross` with each of its readouts.
fn variants() -> impl Iterator<Item = (FusionKind, CrossReadout)> {
    FusionKind::ALL.into_iter().map(|k| (k, CrossReadout::Convex)).chain([(FusionKind::Cross, CrossReadout::Mixed)])
}

/// An untrained bundle of `kind` written to a temporary directory and loaded back.
fn predictor(kind: FusionKind, dir: &std::path::Path) -> Predictor {
    predictor_with(kind, CrossReadout::Convex, dir)
}

fn predictor_with(kind: FusionKind, readout: CrossReadout, dir: &std::path::Path) -> Predictor {
    predictor_configured(kind, dir, |net| net.cross_readout = readout)
}

/// An untrained bundle of `kind` at the tests' small widths, `configure`d further.
fn predictor_configured(kind: FusionKind, dir: &std::path::Path, configure: impl FnOnce(&mut NetConfig)) -> Predictor {
    let vocab = vocab_text();
    let mut net = NetConfig::new(kind, Vocabulary::from_text(&vocab).unwrap().len());
    configure(&mut net);
    net.graph.hidden = 16;
    net.text.hidden = 16;
    net.fused = 16;
    let device = Device::flex();
    device.seed(7);
    let bytes = weights::to_bytes(&net.init(&device), false).unwrap();
    Bundle::write(dir, Manifest::untrained("test", net), &bytes, Some(vocab.as_str())).unwrap();
    Predictor::load(dir, &device).unwrap()
}

fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("matfuse-network-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn predict_one(p: &Predictor, s: &Structure) -> Vec<f64> {
    let input = p.input(s).unwrap();
    let pred = p.predict(std::slice::from_ref(&input), Modalities::BOTH).remove(0);
    pred.value.iter().chain(&pred.sigma).copied().collect()
}

fn assert_close(a: &[f64], b: &[f64], tol: f64, what: &str) {
    for (x, y) in a.iter().zip(b) {
        assert!((x - y).abs() <= tol * x.abs().max(1.0), "{what}: {a:?} vs {b:?}");
    }
}

#[test]
fn the_element_embedding_can_be_left_out_and_its_weights_stay_in_the_record() {
    let (with_dir, without_dir) = (temp_dir("embedding-on"), temp_dir("embedding-off"));
    let with = predictor_configured(FusionKind::Graph, &with_dir, |_| {});
    let without =
        predictor_configured(FusionKind::Graph, &without_dir, |net| net.graph.element_embedding = Some(false));
    let salt = gallery("rock-salt");
    let (a, b) = (predict_one(&with, &salt), predict_one(&without, &salt));
    assert!(b.iter().all(|x| x.is_finite()), "{b:?}");
    // Same seed, same weights: only the embedding's contribution differs.
    assert!(a.iter().zip(&b).any(|(x, y)| (x - y).abs() > 1e-6), "the flag changed nothing: {a:?}");
    assert_eq!(
        std::fs::read(with_dir.join("model.bpk")).unwrap().len(),
        std::fs::read(without_dir.join("model.bpk")).unwrap().len()
    );
}

#[test]
fn every_fusion_variant_predicts_finite_values_with_positive_sigma() {
    for (kind, readout) in variants() {
        let dir = temp_dir(&format!("{kind:?}-{readout:?}"));
        let p = predictor_with(kind, readout, &dir);
        let inputs: Vec<ModelInput> =
            ["rock-salt", "perovskite", "spinel"].iter().map(|id| p.input(&gallery(id)).unwrap()).collect();
        for modalities in [Modalities::BOTH, Modalities::GRAPH_ONLY, Modalities::TEXT_ONLY] {
            for pred in p.predict(&inputs, modalities) {
                assert!(pred.value.iter().all(|v| v.is_finite()), "{kind:?} {modalities:?}: {pred:?}");
                assert!(pred.sigma.iter().all(|s| s.is_finite() && *s > 0.0), "{kind:?}: {pred:?}");
            }
        }
        let _ = std::fs::remove_dir_all(dir);
    }
}

#[test]
fn predictions_are_invariant_to_site_order_origin_and_supercell() {
    for readout in [CrossReadout::Convex, CrossReadout::Mixed] {
        let dir = temp_dir(&format!("invariance-{readout:?}"));
        invariant_to_site_order_origin_and_supercell(&predictor_with(FusionKind::Cross, readout, &dir));
        let _ = std::fs::remove_dir_all(dir);
    }
}

fn invariant_to_site_order_origin_and_supercell(p: &Predictor) {
    for id in ["perovskite", "rutile", "wurtzite", "spinel"] {
        let s = gallery(id);
        let reference = predict_one(p, &s);

        let mut reversed: Vec<Site> = s.sites().to_vec();
        reversed.reverse();
        let permuted = Structure::new(*s.lattice(), reversed).unwrap();
        assert_close(&reference, &predict_one(p, &permuted), 1e-4, &format!("{id} permuted"));

        let shift = [0.137, 0.291, 0.413];
        let shifted_sites = s
            .sites()
            .iter()
            .map(|x| Site::new(x.element, [x.frac[0] + shift[0], x.frac[1] + shift[1], x.frac[2] + shift[2]]));
        let shifted = Structure::new(*s.lattice(), shifted_sites.collect()).unwrap();
        assert_close(&reference, &predict_one(p, &shifted), 1e-4, &format!("{id} shifted"));

        let supercell = s.supercell([2, 1, 1]).unwrap();
        assert_close(&reference, &predict_one(p, &supercell), 1e-4, &format!("{id} 2x1x1 supercell"));
    }
}

#[test]
fn a_structure_predicts_the_same_alone_and_in_a_batch() {
    let dir = temp_dir("batch");
    let p = predictor(FusionKind::Cross, &dir);
    let inputs: Vec<ModelInput> =
        ["spinel", "rock-salt", "corundum", "hcp-magnesium"].iter().map(|id| p.input(&gallery(id)).unwrap()).collect();
    let together = p.predict(&inputs, Modalities::BOTH);
    for (input, batched) in inputs.iter().zip(&together) {
        let alone = p.predict(std::slice::from_ref(input), Modalities::BOTH).remove(0);
        let a: Vec<f64> = alone.value.iter().chain(&alone.sigma).copied().collect();
        let b: Vec<f64> = batched.value.iter().chain(&batched.sigma).copied().collect();
        assert_close(&a, &b, 1e-5, "alone vs batched");
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn half_precision_weights_load_and_stay_close() {
    let vocab = vocab_text();
    let net = NetConfig::new(FusionKind::Cross, Vocabulary::from_text(&vocab).unwrap().len());
    let device = Device::flex();
    let model = net.init(&device);
    let full = weights::to_bytes(&model, false).unwrap();
    let half = weights::to_bytes(&model, true).unwrap();
    assert!(half.len() * 10 < full.len() * 6, "f16 file {} B vs f32 {} B", half.len(), full.len());
    let (dir_a, dir_b) = (temp_dir("f32"), temp_dir("f16"));
    Bundle::write(&dir_a, Manifest::untrained("a", net.clone()), &full, Some(vocab.as_str())).unwrap();
    Bundle::write(&dir_b, Manifest::untrained("b", net), &half, Some(vocab.as_str())).unwrap();
    let (a, b) = (Predictor::load(&dir_a, &device).unwrap(), Predictor::load(&dir_b, &device).unwrap());
    let s = gallery("perovskite");
    assert_close(&predict_one(&a, &s), &predict_one(&b, &s), 2e-2, "f32 vs f16");
    let _ = (std::fs::remove_dir_all(dir_a), std::fs::remove_dir_all(dir_b));
}

/// The record key of every parameter, as `ModuleRecord` names them (module path joined by `.`).
#[derive(Default)]
struct RecordKeys {
    path: Vec<String>,
    keys: Vec<String>,
}

impl burn::module::ModuleVisitor for RecordKeys {
    fn enter_module(&mut self, name: &str, _container_type: &str) {
        self.path.push(name.to_string());
    }
    fn exit_module(&mut self, _name: &str, _container_type: &str) {
        self.path.pop();
    }
    fn visit_float<const D: usize>(&mut self, _param: &burn::module::Param<burn::prelude::Tensor<D>>) {
        self.keys.push(self.path.join("."));
    }
}

/// The record keys of `kind`'s network with the default sizes (a frozen text encoder of
/// width 32 when `frozen`).
fn record_keys(kind: FusionKind, readout: CrossReadout, frozen: bool) -> Vec<String> {
    use burn::module::Module;
    let mut net = NetConfig::new(kind, 50);
    net.cross_readout = readout;
    if frozen {
        net.frozen_text = Some(models::nn::frozen_text::FrozenTextConfig::new(32));
    }
    let mut keys = RecordKeys::default();
    net.init(&Device::flex()).visit(&mut keys);
    keys.keys
}

/// Weights load by record key, so every variant keeps the keys of the bundles written before
/// the variants were types: the same top-level names, and as many keys as then.
#[test]
fn record_keys_are_those_of_earlier_bundles() {
    for (kind, readout) in variants() {
        for frozen in [false, true] {
            let keys = record_keys(kind, readout, frozen);
            let top: BTreeSet<&str> = keys.iter().map(|k| k.split('.').next().unwrap()).collect();
            let mut expected = BTreeSet::from(["head"]);
            if kind != FusionKind::Text {
                expected.extend(["graph", "graph_proj"]);
            }
            if kind != FusionKind::Graph {
                expected.extend([if frozen { "frozen_text" } else { "text" }, "text_proj"]);
            }
            expected.extend(match kind {
                FusionKind::Late => &["late_text_head", "late_logits"][..],
                FusionKind::Matmmfuse => &["matmmfuse"],
                FusionKind::Cross => &["cross"],
                _ => &[],
            });
            assert_eq!(top, expected, "{kind} {readout:?} frozen: {frozen}");
            let (light_count, frozen_count) = match (kind, readout) {
                (FusionKind::Graph, _) => (34, 34),
                (FusionKind::Text, _) => (42, 26),
                (FusionKind::Concat, _) => (72, 56),
                (FusionKind::Late, _) => (77, 61),
                (FusionKind::Matmmfuse, _) => (86, 70),
                (FusionKind::Cross, CrossReadout::Convex) => (96, 80),
                (FusionKind::Cross, CrossReadout::Mixed) => (100, 84),
            };
            let count = if frozen { frozen_count } else { light_count };
            assert_eq!(keys.len(), count, "{kind} {readout:?} frozen: {frozen}: {keys:?}");
        }
    }
}
