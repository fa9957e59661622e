//! `MODEL_CARD.md` written from a bundle's manifest, so the card always shows the numbers the
//! manifest (and `matfuse eval`) reproduce.

use models::Manifest;

pub fn render(m: &Manifest) -> String {
    let mut out = format!("# Model card: `{}` ({})\n\n", m.id, m.version);
    let network = m.network.as_ref();
    out.push_str(&format!(
        "- **Trained**: {}\n- **Fusion**: `{}`\n- **Text encoder**: {} (hidden {})\n",
        if m.trained { "yes" } else { "no — an untrained network of the right shape; its numbers mean nothing" },
        m.fusion,
        m.text_encoder.name,
        m.text_encoder.hidden_size
    ));
    if let Some(n) = network {
        let text = match &n.frozen_text {
            Some(f) => format!(
                "the frozen {} encoder's token states (≤ {} tokens from {} chunk(s), hidden {}) projected to {} and re-weighed by one trainable transformer layer ({} heads)",
                m.text_encoder.name, f.max_tokens, f.max_chunks, f.encoder_hidden, f.hidden, f.heads
            ),
            None => format!(
                "light text encoder {} layer(s) × {} hidden over ≤ {} tokens",
                n.text.layers, n.text.hidden, n.text.max_tokens
            ),
        };
        out.push_str(&format!(
            "- **Architecture**: CGCNN {} × {} (hidden × convolutions), {text}, fusion width {}, {} heads, evidential (Normal-Inverse-Gamma) head\n",
            n.graph.hidden, n.graph.layers, n.fused, n.heads
        ));
    }
    if let Some(n) = &m.molecule_network {
        out.push_str(&molecule_architecture(n));
    }
    out.push_str(&format!(
        "- **Data**: {}\n- **Split**: {}\n- **Seed**: {}\n- **Command**: `{}`\n\n",
        m.training.data.join(", "),
        m.training.split,
        m.training.seed.map(|s| s.to_string()).unwrap_or_else(|| "—".into()),
        m.training.command
    ));
    if m.molecule_network.is_some() {
        out.push_str(&molecule_metrics(m));
        out.push_str("\n## Caveats\n\n");
        for c in &m.caveats {
            out.push_str(&format!("- {c}\n"));
        }
        return out;
    }
    out.push_str("## Test-split metrics\n\n");
    out.push_str("Regenerate: `matfuse eval --model <this directory> --data ../shared/data/mp2018/mp2018.csv.gz --split test` (energy above hull: `--data ../shared/data/mp2022_ehull/mp2022_ehull.csv.gz`).\n\n");
    out.push_str("| property | unit | n | MAE | RMSE | R² | Spearman ρ | median-baseline MAE |\n|---|---|---|---|---|---|---|---|\n");
    for p in &m.properties {
        if let Some(x) = m.metrics.get(&p.name) {
            let get = |k: &str| x.get(k).copied().unwrap_or(f64::NAN);
            out.push_str(&format!(
                "| {} | {} | {} | {:.4} | {:.4} | {:.3} | {:.3} | {:.4} |\n",
                p.name,
                p.unit,
                count_cell(x.get("n").copied()),
                get("mae"),
                get("rmse"),
                get("r2"),
                get("spearman"),
                get("median_baseline_mae")
            ));
        }
    }
    out.push_str(&uncertainty_section(m));
    out.push_str("\n## Caveats\n\n");
    for c in &m.caveats {
        out.push_str(&format!("- {c}\n"));
    }
    out
}

/// A count the metrics record as a number (`n`) written as an integer; `—` when absent.
fn count_cell(count: Option<f64>) -> String {
    count.map_or_else(|| "—".into(), |n| format!("{n:.0}"))
}

/// A molecule network's architecture line: the encoders of the views its variant reads, the
/// fusion (for a variant of several views), the head and what else it reads.
fn molecule_architecture(n: &models::nn::molecule::MoleculeNetConfig) -> String {
    let mut encoders = Vec::new();
    if n.fusion.reads_graph() {
        encoders.push(format!("D-MPNN {} hidden × {} steps over the molecular graph", n.graph.hidden, n.graph.depth));
    }
    if n.fusion.reads_smiles() {
        encoders.push(format!(
            "SMILES transformer {} layer(s) × {} hidden over ≤ {} tokens",
            n.smiles.layers, n.smiles.hidden, n.smiles.max_tokens
        ));
    }
    if n.fusion.reads_fingerprint() {
        encoders.push(format!(
            "fingerprint MLP over Morgan radius 2 {} bits ({}) → {} hidden",
            n.fingerprint.bits,
            if n.fingerprint.counts { "counts" } else { "bits" },
            n.fingerprint.hidden
        ));
    }
    let fusion = if n.fusion.is_fusion() {
        format!("fusion width {}, {} heads", n.fused, n.heads)
    } else {
        format!("projected to width {}", n.fused)
    };
    format!(
        "- **Architecture**: molecule `{}` {} — {}; {fusion}; {} head{}{}\n",
        models::predictor::molecule::fusion_name(n),
        if n.fusion.is_fusion() { "fusion" } else { "single view" },
        encoders.join(", "),
        match n.head {
            models::nn::molecule::HeadKind::Regression => "evidential (Normal-Inverse-Gamma) regression",
            models::nn::molecule::HeadKind::Classification => "binary classification (Platt-calibrated probability)",
        },
        if n.ffn.is_default() {
            String::new()
        } else {
            let width = if n.ffn.hidden == 0 { n.fused } else { n.ffn.hidden };
            format!(" through {} hidden layer(s) × {width} ({:?})", n.ffn.layers.max(1), n.ffn.activation)
        },
        if n.descriptors.enabled {
            let names = n.descriptors.names();
            format!(
                ", reading {} 2-D descriptors ({}) standardised on the training split",
                names.len(),
                names.join(", ")
            )
        } else {
            String::new()
        }
    )
}

/// A molecule card's metrics: validation and test, each view removed, and the calibration.
fn molecule_metrics(m: &Manifest) -> String {
    let mut out = String::from(
        "## Metrics\n\nRegenerate: `matfuse eval --model <this directory>` (re-reads the table and the split recorded above). Validation selected the epoch and fitted the calibration; the test split selected nothing.\n\n",
    );
    out.push_str("| task | unit | split | n | metric | value | without graph | without SMILES | without fingerprint |\n|---|---|---|---|---|---|---|---|---|\n");
    for p in &m.properties {
        let Some(x) = m.metrics.get(&p.name) else { continue };
        let get = |k: &str| x.get(k).map(|v| format!("{v:.3}")).unwrap_or_else(|| "—".into());
        let metrics: &[&str] = if p.platt.is_some() { &["roc_auc", "pr_auc", "brier"] } else { &["rmse", "mae", "r2"] };
        for (split, prefix) in [("validation", "val_"), ("test", "")] {
            for metric in metrics {
                let without = |view: &str| {
                    if prefix.is_empty() { get(&format!("without_{view}_{metric}")) } else { "—".into() }
                };
                out.push_str(&format!(
                    "| {} | {} | {split} | {} | {metric} | {} | {} | {} | {} |\n",
                    p.name,
                    p.unit,
                    count_cell(x.get(&format!("{prefix}n")).copied()),
                    get(&format!("{prefix}{metric}")),
                    without("graph"),
                    without("smiles"),
                    without("fingerprint")
                ));
            }
        }
        out.push_str(&match p.platt {
            Some(platt) => format!(
                "\n{}: probability = sigmoid({:.3} · logit + {:.3}) (Platt scaling fitted on validation).\n\n",
                p.name, platt.scale, platt.offset
            ),
            None => format!(
                "\n{}: σ factor {:.3}, z95 {:.2} (fitted on validation); test ±σ covers {}, ±z95·σ covers {}.\n\n",
                p.name,
                p.sigma_scale,
                p.z95,
                get("coverage_68"),
                get("coverage_95")
            ),
        });
    }
    out
}

/// The card's `## Uncertainty` section (with its leading blank line): the σ factors and the
/// test coverage the manifest records.
pub fn uncertainty_section(m: &Manifest) -> String {
    let mut out = String::from("\n## Uncertainty\n\n");
    out.push_str("σ is the evidential head's predictive standard deviation times one factor per property, fitted on the validation split after training so that ±σ covers the share of points a Gaussian interval claims (σ scaling, chosen over the 5 %…95 % intervals). Errors are heavier-tailed than a Gaussian, so the central 95 % interval is ±z95·σ with z95 the split-conformal quantile of |error| / σ on the validation split, not ±1.96σ. The test split plays no part in either. Test-split coverage:\n\n");
    out.push_str("| property | σ factor | z95 | ±σ covers (68 %) | ±z95·σ covers (95 %) | Spearman(σ, \\|error\\|) |\n|---|---|---|---|---|---|\n");
    for p in &m.properties {
        let metric = |k: &str| m.metrics.get(&p.name).and_then(|x| x.get(k)).copied();
        let percent = |k: &str| metric(k).map(|v| format!("{:.1} %", 100.0 * v)).unwrap_or_else(|| "—".into());
        out.push_str(&format!(
            "| {} | {:.3} | {:.2} | {} | {} | {} |\n",
            p.name,
            p.sigma_scale,
            p.z95,
            percent("coverage_68"),
            percent("coverage_95"),
            metric("sigma_error_spearman").map(|v| format!("{v:.3}")).unwrap_or_else(|| "—".into())
        ));
    }
    out
}

/// `card` with its `## Uncertainty` section replaced by `section` (or inserted before
/// `## Caveats`), leaving every other section, hand-written ones included, as it was.
pub fn with_uncertainty_section(card: &str, section: &str) -> String {
    let heading = "\n## Uncertainty\n";
    let (before, after) = match card.find(heading) {
        Some(start) => {
            let rest = &card[start + heading.len()..];
            let end = rest.find("\n## ").map(|i| start + heading.len() + i).unwrap_or(card.len());
            (&card[..start], &card[end..])
        }
        None => match card.find("\n## Caveats") {
            Some(i) => (&card[..i], &card[i..]),
            None => (card, ""),
        },
    };
    format!("{}\n{}{}", before.trim_end_matches('\n'), section, after)
}

#[cfg(test)]
mod tests {
    use super::*;
    use models::bundle::{EncoderRef, FusionKind};
    use models::nn::NetConfig;
    use models::nn::frozen_text::FrozenTextConfig;
    use std::collections::BTreeMap;

    #[test]
    fn the_uncertainty_section_is_replaced_in_place_and_other_sections_kept() {
        let mut m = Manifest::untrained("browser", NetConfig::new(FusionKind::Cross, 100));
        let card = render(&m).replace("\n## Uncertainty", "\n## Status (hand-written)\n\nKept.\n\n## Uncertainty");
        m.properties[0].sigma_scale = 0.5;
        m.properties[0].z95 = 2.5;
        let updated = with_uncertainty_section(&card, &uncertainty_section(&m));
        assert!(updated.contains("| formation_energy_per_atom | 0.500 | 2.50 |"), "{updated}");
        assert!(updated.contains("\n\n## Status (hand-written)\n\nKept.\n\n## Uncertainty\n"), "{updated}");
        assert_eq!(updated.matches("## Uncertainty").count(), 1);
        assert!(updated.contains("|\n\n## Caveats\n"), "{updated}");
        // Idempotent, and a card without the section gains it before the caveats.
        assert_eq!(with_uncertainty_section(&updated, &uncertainty_section(&m)), updated);
        let without = updated.replace(&uncertainty_section(&m), "");
        assert_eq!(with_uncertainty_section(&without, &uncertainty_section(&m)), updated);
    }

    #[test]
    fn counts_print_as_integers_on_both_cards() {
        let mut crystal = Manifest::untrained("browser", NetConfig::new(FusionKind::Cross, 100));
        crystal.metrics.insert("formation_energy_per_atom".into(), BTreeMap::from([("n".into(), 112.0)]));
        assert!(render(&crystal).contains("| formation_energy_per_atom | eV/atom | 112 |"), "{}", render(&crystal));
        let network = models::nn::molecule::MoleculeNetConfig::new(
            models::nn::molecule::MoleculeFusion::Cross,
            1,
            models::nn::molecule::HeadKind::Regression,
        );
        let mut molecule =
            Manifest::untrained_molecule("esol", network, &[shared::task::by_name("log_solubility").unwrap()]);
        molecule
            .metrics
            .insert("log_solubility".into(), BTreeMap::from([("val_n".into(), 112.0), ("n".into(), 114.0)]));
        let card = render(&molecule);
        assert!(card.contains("| validation | 112 | rmse |") && card.contains("| test | 114 | rmse |"), "{card}");
    }

    #[test]
    fn a_molecule_card_names_only_the_encoders_its_variant_reads() {
        use models::nn::molecule::{HeadKind, MoleculeFusion, MoleculeNetConfig};
        let line = |fusion| molecule_architecture(&MoleculeNetConfig::new(fusion, 1, HeadKind::Regression));
        let graph = line(MoleculeFusion::Graph);
        assert!(graph.contains("`graph` single view — D-MPNN"), "{graph}");
        assert!(!graph.contains("SMILES transformer") && !graph.contains("fingerprint MLP"), "{graph}");
        assert!(graph.contains("projected to width") && !graph.contains("heads"), "{graph}");
        let fingerprint = line(MoleculeFusion::Fingerprint);
        assert!(fingerprint.contains("— fingerprint MLP") && !fingerprint.contains("D-MPNN"), "{fingerprint}");
        let cross = line(MoleculeFusion::Cross);
        for part in ["`cross` fusion", "D-MPNN", "SMILES transformer", "fingerprint MLP", "heads"] {
            assert!(cross.contains(part), "{part}: {cross}");
        }
    }

    #[test]
    fn a_molecule_card_names_its_descriptors() {
        let mut network = models::nn::molecule::MoleculeNetConfig::new(
            models::nn::molecule::MoleculeFusion::Graph,
            1,
            models::nn::molecule::HeadKind::Regression,
        );
        assert!(!molecule_architecture(&network).contains("descriptors"));
        network.descriptors.enabled = true;
        let line = molecule_architecture(&network);
        assert!(
            line.contains("reading 13 2-D descriptors (mol_weight, heavy_atoms, ") && line.contains(", tpsa) "),
            "{line}"
        );
        network.descriptors.crippen = true;
        let line = molecule_architecture(&network);
        assert!(
            line.contains("reading 15 2-D descriptors (") && line.contains(", tpsa, crippen_logp, crippen_mr) "),
            "{line}"
        );
    }

    #[test]
    fn cards_describe_the_light_and_the_frozen_text_encoder() {
        let light = Manifest::untrained("browser", NetConfig::new(FusionKind::Cross, 100));
        insta::assert_snapshot!("light_card", render(&light));
        let mut network = NetConfig::new(FusionKind::Cross, 30522);
        network.frozen_text = Some(FrozenTextConfig::new(384));
        let mut frozen = Manifest::untrained("server", network);
        frozen.text_encoder =
            EncoderRef { name: "all-MiniLM-L6-v2".into(), hidden_size: 384, sha256: "53aa5117".into() };
        insta::assert_snapshot!("frozen_card", render(&frozen));
    }
}
