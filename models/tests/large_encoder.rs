//! The large (BERT) text encoder: published sentence similarities with the real MiniLM
//! weights, and loading, chunking and batching with a tiny random BERT written on the fly.

use burn::prelude::*;
use models::encoder::{CHUNK_TOKENS, DEFAULT_ENCODER_SHA256, LargeEncoder, cosine};
use std::path::{Path, PathBuf};

fn encoder_dir() -> PathBuf {
    std::env::var_os("MATFUSE_ENCODER_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../").join(models::encoder::DEFAULT_ENCODER_DIR))
}

/// sbert.net's usage example for all-MiniLM-L6-v2 prints these cosine similarities.
#[test]
fn minilm_reproduces_published_sentence_similarities() {
    let dir = encoder_dir();
    if !dir.join("model.safetensors").is_file() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI=true but the MiniLM weights are missing at {} (scripts/fetch-encoder.sh installs them)",
            dir.display()
        );
        eprintln!("skipping: no MiniLM weights at {} (run scripts/fetch-encoder.sh)", dir.display());
        return;
    }
    let encoder = LargeEncoder::load(&dir, &Device::flex()).expect("MiniLM loads");
    assert_eq!(encoder.reference().sha256, DEFAULT_ENCODER_SHA256);
    assert_eq!(encoder.hidden(), 384);
    let sentences = ["The weather is lovely today.", "It's so sunny outside!", "He drove to the stadium."];
    let e = encoder.encode(&sentences, 1).unwrap();
    let published = [(0, 1, 0.6660), (0, 2, 0.1046), (1, 2, 0.1411)];
    for (i, j, expected) in published {
        let got = cosine(&e[i].pooled, &e[j].pooled);
        assert!((got - expected).abs() < 6e-4, "similarity({i},{j}) = {got}, published {expected}");
    }
    // Batched and one-at-a-time encodings agree (padding is masked).
    let alone = encoder.encode(&sentences[2..], 1).unwrap();
    let max_diff = alone[0].states.iter().zip(&e[2].states).map(|(a, b)| (a - b).abs()).fold(0.0f32, f32::max);
    assert!(max_diff < 1e-4, "batched vs single token states differ by {max_diff}");
}

// ---- a tiny random BERT in Hugging Face layout ----

const HIDDEN: usize = 8;
const LAYERS: usize = 2;
const WORDS: &str = "na cl is rock salt - . structure crystallizes in the cubic space group fm 3 m";

fn tiny_vocab() -> Vec<String> {
    let mut v: Vec<String> = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"].iter().map(|s| s.to_string()).collect();
    for w in WORDS.split(' ') {
        if !v.iter().any(|t| t == w) {
            v.push(w.into());
        }
    }
    v.push("##cl".into());
    v
}

/// Writes config.json, vocab.txt and a safetensors file with every BERT tensor (random values),
/// leaving out the tensors named in `omit`.
fn write_tiny_bert(dir: &Path, omit: &[&str]) {
    write_tiny_bert_seeded(dir, omit, 0x9e37_79b9);
}

fn write_tiny_bert_seeded(dir: &Path, omit: &[&str], seed: u64) {
    std::fs::create_dir_all(dir).unwrap();
    let vocab = tiny_vocab();
    std::fs::write(dir.join("vocab.txt"), vocab.join("\n") + "\n").unwrap();
    let config = serde_json::json!({
        "model_type": "bert", "hidden_act": "gelu", "vocab_size": vocab.len(), "hidden_size": HIDDEN,
        "num_hidden_layers": LAYERS, "num_attention_heads": 2, "intermediate_size": 16,
        "max_position_embeddings": 160, "type_vocab_size": 2, "layer_norm_eps": 1e-12
    });
    std::fs::write(dir.join("config.json"), config.to_string()).unwrap();
    let mut tensors: Vec<(String, Vec<usize>)> = vec![
        ("embeddings.word_embeddings.weight".into(), vec![vocab.len(), HIDDEN]),
        ("embeddings.position_embeddings.weight".into(), vec![160, HIDDEN]),
        ("embeddings.token_type_embeddings.weight".into(), vec![2, HIDDEN]),
        ("embeddings.LayerNorm.weight".into(), vec![HIDDEN]),
        ("embeddings.LayerNorm.bias".into(), vec![HIDDEN]),
        ("pooler.dense.weight".into(), vec![HIDDEN, HIDDEN]),
    ];
    for l in 0..LAYERS {
        let p = format!("encoder.layer.{l}.");
        for name in ["attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense"] {
            tensors.push((format!("{p}{name}.weight"), vec![HIDDEN, HIDDEN]));
            tensors.push((format!("{p}{name}.bias"), vec![HIDDEN]));
        }
        tensors.push((format!("{p}intermediate.dense.weight"), vec![16, HIDDEN]));
        tensors.push((format!("{p}intermediate.dense.bias"), vec![16]));
        tensors.push((format!("{p}output.dense.weight"), vec![HIDDEN, 16]));
        tensors.push((format!("{p}output.dense.bias"), vec![HIDDEN]));
        for norm in ["attention.output.LayerNorm", "output.LayerNorm"] {
            tensors.push((format!("{p}{norm}.weight"), vec![HIDDEN]));
            tensors.push((format!("{p}{norm}.bias"), vec![HIDDEN]));
        }
    }
    tensors.retain(|(name, _)| !omit.contains(&name.as_str()));
    let mut state = seed;
    let mut data: Vec<u8> = vec![];
    let mut header = serde_json::Map::new();
    for (name, shape) in &tensors {
        let n: usize = shape.iter().product();
        let start = data.len();
        for _ in 0..n {
            state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            let v = ((state >> 40) as f32 / (1u64 << 24) as f32 - 0.5) * 0.4;
            data.extend_from_slice(&v.to_le_bytes());
        }
        header.insert(
            name.clone(),
            serde_json::json!({"dtype": "F32", "shape": shape, "data_offsets": [start, data.len()]}),
        );
    }
    let mut header = serde_json::Value::Object(header).to_string().into_bytes();
    while !header.len().is_multiple_of(8) {
        header.push(b' ');
    }
    let mut file = (header.len() as u64).to_le_bytes().to_vec();
    file.extend(header);
    file.extend(data);
    std::fs::write(dir.join("model.safetensors"), file).unwrap();
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("matfuse-bert-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

#[test]
fn tiny_bert_loads_and_encodes_in_chunks() {
    let dir = temp_dir("tiny");
    write_tiny_bert(&dir, &[]);
    let encoder = LargeEncoder::load(&dir, &Device::flex()).unwrap();
    assert_eq!(encoder.reference().name, dir.file_name().unwrap().to_string_lossy());
    assert_eq!(encoder.hidden(), HIDDEN);

    let sentence = "NaCl is rock-salt structure. It crystallizes in the cubic Fm-3m space group. ";
    let text = sentence.repeat(20);
    let chunks = encoder.chunks(&text, 99).unwrap();
    assert!(chunks.len() > 1);
    for chunk in &chunks {
        assert!(chunk.ids.len() <= CHUNK_TOKENS, "chunk of {} tokens", chunk.ids.len());
        assert_eq!((chunk.ids[0], *chunk.ids.last().unwrap()), (2, 3), "[CLS] … [SEP]");
        // Chunks end at sentence ends: the last content token is the full stop.
        assert_eq!(&text[chunk.spans.last().unwrap().0..chunk.spans.last().unwrap().1], ".");
        assert_eq!(chunk.ids.len() - 2, chunk.spans.len());
    }
    // The first chunk holds the text's beginning; `max_chunks` keeps the first ones.
    assert_eq!(chunks[0].spans[0].0, 0);
    assert_eq!(encoder.chunks(&text, 1).unwrap(), chunks[..1]);

    let encoded = encoder.encode(&[&text, "NaCl is rock-salt.", ""], 2).unwrap();
    let content: usize = chunks[..2].iter().map(|c| c.ids.len() - 2).sum();
    assert_eq!(encoded[0].ids.len(), content);
    assert_eq!(encoded[0].states.len(), content * HIDDEN);
    assert!(encoded[0].states.iter().all(|v| v.is_finite()));
    assert_eq!(encoded[2].ids.len(), 0, "an empty text has no tokens");
    let single = encoder.encode(&["NaCl is rock-salt."], 2).unwrap();
    let diff = single[0].states.iter().zip(&encoded[1].states).map(|(a, b)| (a - b).abs()).fold(0.0f32, f32::max);
    assert!(diff < 1e-5, "padding changed a shorter text's states by {diff}");
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn the_memo_returns_what_encoding_alone_gives_and_stays_bounded() {
    use models::encoder::MEMO_TEXTS;
    let dir = temp_dir("memo");
    write_tiny_bert(&dir, &[]);
    let encoder = LargeEncoder::load(&dir, &Device::flex()).unwrap();
    let text = "NaCl is rock-salt. It crystallizes in the cubic Fm-3m space group.";
    let first = encoder.encode_memo(text, 1).unwrap();
    let again = encoder.encode_memo(text, 1).unwrap();
    let alone = encoder.encode(&[text], 1).unwrap().remove(0);
    assert_eq!(encoder.memo_len(), 1, "the second call is answered from the memo");
    for other in [&again, &alone] {
        assert_eq!((&first.ids, &first.spans, first.chunks), (&other.ids, &other.spans, other.chunks));
        assert_eq!(first.states, other.states);
        assert_eq!(first.pooled, other.pooled);
    }
    // Another chunk budget is another entry; the memo never grows past its bound.
    encoder.encode_memo(text, 2).unwrap();
    assert_eq!(encoder.memo_len(), 2);
    for i in 0..MEMO_TEXTS + 5 {
        encoder.encode_memo(&format!("Na is cubic {i}."), 1).unwrap();
    }
    assert_eq!(encoder.memo_len(), MEMO_TEXTS);
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn incomplete_checkpoint_names_the_missing_tensor() {
    let dir = temp_dir("broken");
    write_tiny_bert(&dir, &["encoder.layer.1.output.dense.weight"]);
    let err = LargeEncoder::load(&dir, &Device::flex()).unwrap_err().to_string();
    assert!(err.contains("missing") && err.contains("encoder.layers.1.pwff.linear_outer"), "{err}");
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn a_missing_directory_says_how_to_install_the_encoder() {
    let err = LargeEncoder::load(Path::new("/nonexistent/encoder"), &Device::flex()).unwrap_err().to_string();
    assert!(err.contains("fetch-encoder.sh"), "{err}");
}

#[test]
fn token_state_cache_resumes_and_recomputes_changed_texts() {
    use models::text_cache::{build, cache_dir};
    let dir = temp_dir("cache");
    write_tiny_bert(&dir.join("tiny-bert"), &[]);
    let encoder = LargeEncoder::load(&dir.join("tiny-bert"), &Device::flex()).unwrap();
    let cache = cache_dir(&dir, encoder.reference(), 1);
    let items = [("mp-1", "NaCl is rock-salt."), ("mp-2", "Na is cubic."), ("mp-3", "Cl is the structure.")];
    let mut calls = vec![];
    let first = build(&cache, &encoder, 1, &items[..2], 1, |done, total| calls.push((done, total))).unwrap();
    assert_eq!(calls, [(0, 2), (1, 2), (2, 2)]);
    let direct = encoder.encode(&["NaCl is rock-salt."], 1).unwrap();
    assert_eq!(first["mp-1"].ids, direct[0].ids);
    let max_err =
        first["mp-1"].states.iter().zip(&direct[0].states).map(|(a, b)| (a.to_f32() - b).abs()).fold(0.0, f32::max);
    assert!(max_err < 1e-2, "f16 states differ by {max_err}");

    // An interrupted write leaves a partial record: it is dropped, the rest reused.
    let states = cache.join("states.bin");
    let mut bytes = std::fs::read(&states).unwrap();
    bytes.extend_from_slice(&[5, 0, 0, 0, b'm', b'p']);
    std::fs::write(&states, bytes).unwrap();
    let changed =
        [("mp-1", "NaCl is rock-salt."), ("mp-2", "Na is the cubic structure."), ("mp-3", "Cl is the structure.")];
    let mut calls = vec![];
    let second = build(&cache, &encoder, 1, &changed, 8, |done, total| calls.push((done, total))).unwrap();
    assert_eq!(calls, [(1, 3), (3, 3)], "mp-1 reused; mp-2 (text changed) and mp-3 computed");
    assert_eq!(second["mp-1"], first["mp-1"]);
    assert_ne!(second["mp-2"].ids, first["mp-2"].ids);
    let third = build(&cache, &encoder, 1, &changed, 8, |_, _| {}).unwrap();
    assert_eq!(third, second);

    // The same directory refuses another chunk budget.
    let err = build(&cache, &encoder, 2, &changed, 8, |_, _| {}).unwrap_err().to_string();
    assert!(err.contains("chunk"), "{err}");
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn a_frozen_text_bundle_runs_only_with_its_own_encoder() {
    use models::bundle::{Bundle, FusionKind, Manifest};
    use models::nn::NetConfig;
    use models::nn::frozen_text::FrozenTextConfig;
    use models::predictor::Predictor;
    let dir = temp_dir("pinned");
    write_tiny_bert(&dir.join("tiny-bert"), &[]);
    write_tiny_bert_seeded(&dir.join("other-bert"), &[], 7);
    let device = Device::flex();
    let encoder = || std::sync::Arc::new(LargeEncoder::load(&dir.join("tiny-bert"), &device).unwrap());
    let mut network = NetConfig::new(FusionKind::Cross, tiny_vocab().len());
    network.frozen_text = Some(FrozenTextConfig::new(HIDDEN).with_hidden(16).with_max_tokens(20));
    let mut manifest = Manifest::untrained("server-test", network.clone());
    manifest.text_encoder = encoder().reference().clone();
    let weights = models::weights::to_bytes(&network.init(&device), false).unwrap();
    let vocab = tiny_vocab().join("\n") + "\n";
    Bundle::write(&dir.join("bundle"), manifest, &weights, Some(vocab.as_str())).unwrap();
    let bundle = Bundle::load(&dir.join("bundle")).unwrap();

    let predictor = Predictor::with_encoder(&bundle, &vocab, encoder(), &device).unwrap();
    let structure = shared::io::parse(shared::gallery::example("rock-salt").unwrap().cif).unwrap();
    let input = predictor.input(&structure).unwrap();
    assert!(!input.tokens.is_empty() && input.tokens.len() <= 20);
    assert_eq!(input.states.as_ref().unwrap().len(), input.tokens.len() * HIDDEN);
    let spans = predictor.token_spans(&input.description).unwrap();
    assert_eq!(spans.iter().map(|t| t.id).collect::<Vec<_>>(), input.tokens);
    let prediction = predictor.predict(std::slice::from_ref(&input), models::batch::Modalities::BOTH).remove(0);
    assert!(prediction.value.iter().chain(&prediction.sigma).all(|v| v.is_finite()));

    // The page's path: the same network reading states sent by the server (`POST
    // /api/v1/embed`, f16 on the wire) predicts what the server's predictor does.
    let remote = Predictor::with_remote_encoder(&bundle, &vocab, &device).unwrap();
    let encoded = encoder().encode(&[&input.description], 1).unwrap().remove(0);
    let embedding = |reference: &models::bundle::EncoderRef| {
        let header = shared::embedding::EmbeddingHeader {
            encoder: reference.clone(),
            tokens: encoded.ids.len(),
            hidden: HIDDEN,
            chunks: encoded.chunks,
            token_ids: encoded.ids.clone(),
            spans: encoded.spans.clone(),
        };
        shared::embedding::decode(&shared::embedding::encode(&header, &encoded.states, &encoded.pooled)).unwrap()
    };
    let sent = embedding(encoder().reference());
    let remote_input = remote.input_from_embedding(input.graph.clone(), input.description.clone(), &sent).unwrap();
    assert_eq!(remote_input.tokens, input.tokens);
    assert_eq!(remote_input.states, input.states);
    let remote_prediction =
        remote.predict(std::slice::from_ref(&remote_input), models::batch::Modalities::BOTH).remove(0);
    assert_eq!(remote_prediction.value, prediction.value);
    assert_eq!(remote_prediction.sigma, prediction.sigma);
    let err = remote.input(&structure).err().unwrap().to_string();
    assert!(err.contains("input_from_embedding"), "{err}");
    let foreign = embedding(LargeEncoder::load(&dir.join("other-bert"), &device).unwrap().reference());
    let err = remote
        .input_from_embedding(input.graph.clone(), input.description.clone(), &foreign)
        .err()
        .unwrap()
        .to_string();
    assert!(err.contains("was trained with text encoder"), "{err}");

    let other = std::sync::Arc::new(LargeEncoder::load(&dir.join("other-bert"), &device).unwrap());
    let err = Predictor::with_encoder(&bundle, &vocab, other, &device).err().unwrap().to_string();
    assert!(err.contains("was trained with text encoder"), "{err}");
    let err = Predictor::new(&bundle, &vocab, &device).err().unwrap().to_string();
    assert!(err.contains("reads the large text encoder"), "{err}");
    let err = Predictor::from_bundle_with(&bundle, None, &device).err().unwrap().to_string();
    assert!(err.contains("reads the large text encoder") && err.contains("fetch-encoder.sh"), "{err}");
    let shared = encoder();
    let loaded = Predictor::from_bundle_with(&bundle, Some(&shared), &device).unwrap();
    loaded.input(&structure).unwrap();
    assert_eq!(shared.memo_len(), 1, "the model encoded its description with the encoder it was given");
    std::fs::remove_dir_all(dir).ok();
}
