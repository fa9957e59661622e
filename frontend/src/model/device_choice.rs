//! Which device the page computes on and why, and the choice remembered per browser
//! (`localStorage`, key [`STORAGE_KEY`]): a choice made by measuring on first use, by the
//! switch, or because the WebGPU adapter is a software one is kept for later visits.

use serde::{Deserialize, Serialize};

use super::DeviceKind;

/// Where the page keeps the choice.
pub const STORAGE_KEY: &str = "matfuse.device";

/// What decides the device for one load.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeviceRequest {
    /// The remembered choice, else a measurement (the default).
    Best,
    /// The page's link names it (`?device=cpu`, `?device=webgpu`).
    Link(DeviceKind),
    /// The person picked it with the switch.
    Picked(DeviceKind),
}

impl DeviceRequest {
    /// The request of a page URL's query string (`?device=cpu&…`).
    pub fn from_query(query: &str) -> DeviceRequest {
        let named = query.trim_start_matches('?').split('&').find_map(|kv| match kv {
            "device=cpu" => Some(DeviceKind::Cpu),
            "device=webgpu" => Some(DeviceKind::WebGpu),
            _ => None,
        });
        named.map_or(DeviceRequest::Best, DeviceRequest::Link)
    }
}

/// Why the page computes where it does.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "why", rename_all = "snake_case")]
pub enum Reason {
    /// The page's link asked for it.
    Link,
    /// The person picked it with the switch.
    Picked,
    /// One warm prediction timed on each path on first use, ms.
    Measured { webgpu_ms: f64, cpu_ms: f64 },
    /// The browser's WebGPU adapter (named) emulates a GPU in software.
    SoftwareAdapter { adapter: String },
    /// WebGPU could not be used (the problem).
    NoWebGpu { problem: String },
}

/// The device and the reason for it (what the status line says, and what is remembered).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DeviceChoice {
    pub kind: DeviceKind,
    pub reason: Reason,
}

impl DeviceChoice {
    /// The measured choice: WebGPU only when strictly faster (the CPU path is the dependable
    /// one).
    pub fn measured(webgpu_ms: f64, cpu_ms: f64) -> DeviceChoice {
        let kind = if webgpu_ms < cpu_ms { DeviceKind::WebGpu } else { DeviceKind::Cpu };
        DeviceChoice { kind, reason: Reason::Measured { webgpu_ms, cpu_ms } }
    }

    /// Stable name of the reason for `data-` attributes and tests.
    pub fn reason_id(&self) -> &'static str {
        match self.reason {
            Reason::Link => "link",
            Reason::Picked => "picked",
            Reason::Measured { .. } => "measured",
            Reason::SoftwareAdapter { .. } => "software-adapter",
            Reason::NoWebGpu { .. } => "no-webgpu",
        }
    }

    /// Why, in a sentence for the status line.
    pub fn explain(&self) -> String {
        match &self.reason {
            Reason::Link => "the page's link asked for it".to_owned(),
            Reason::Picked => "you picked it".to_owned(),
            Reason::Measured { webgpu_ms, cpu_ms } => format!(
                "it was faster here: a prediction took {} on WebGPU and {} on the CPU when first measured",
                crate::format::millis(*webgpu_ms),
                crate::format::millis(*cpu_ms)
            ),
            Reason::SoftwareAdapter { adapter } => {
                format!("the browser's WebGPU adapter ({adapter}) emulates a GPU in software, slower than the CPU")
            }
            Reason::NoWebGpu { problem } => format!("WebGPU is not available: {problem}"),
        }
    }

    /// Whether it is worth keeping for later visits: a link's request and a missing WebGPU (a
    /// page served over https may have it) are not.
    pub fn is_lasting(&self) -> bool {
        matches!(self.reason, Reason::Picked | Reason::Measured { .. } | Reason::SoftwareAdapter { .. })
    }

    /// What [`STORAGE_KEY`] holds.
    pub fn to_stored(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// A stored choice; `None` for anything else (an older page's, or damaged).
    pub fn from_stored(text: &str) -> Option<DeviceChoice> {
        serde_json::from_str::<DeviceChoice>(text).ok().filter(DeviceChoice::is_lasting)
    }
}

/// The choice remembered in this browser, if any.
pub fn remembered() -> Option<DeviceChoice> {
    DeviceChoice::from_stored(&storage::get(STORAGE_KEY)?)
}

/// Remembers `choice` when it is worth keeping ([`DeviceChoice::is_lasting`]); a browser that
/// keeps no storage (private windows may refuse it) measures again next time.
pub fn remember(choice: &DeviceChoice) {
    if choice.is_lasting() {
        storage::set(STORAGE_KEY, &choice.to_stored());
    }
}

/// `window.localStorage`, reached through `Reflect` rather than web-sys's `Storage` feature (a
/// new web-sys feature recompiles every WebAssembly crate that uses web-sys).
#[cfg(target_family = "wasm")]
mod storage {
    use js_sys::{Function, Reflect};
    use wasm_bindgen::{JsCast, JsValue};

    fn local_storage() -> Option<JsValue> {
        let window = web_sys::window()?;
        Reflect::get(&window, &"localStorage".into()).ok().filter(|s| !s.is_null() && !s.is_undefined())
    }

    fn method(storage: &JsValue, name: &str) -> Option<Function> {
        Reflect::get(storage, &name.into()).ok()?.dyn_into::<Function>().ok()
    }

    pub fn get(key: &str) -> Option<String> {
        let storage = local_storage()?;
        method(&storage, "getItem")?.call1(&storage, &key.into()).ok()?.as_string()
    }

    pub fn set(key: &str, value: &str) {
        if let Some(storage) = local_storage()
            && let Some(set_item) = method(&storage, "setItem")
        {
            let _ = set_item.call2(&storage, &key.into(), &value.into());
        }
    }
}

#[cfg(not(target_family = "wasm"))]
mod storage {
    pub fn get(_key: &str) -> Option<String> {
        None
    }

    pub fn set(_key: &str, _value: &str) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_name_a_device_or_leave_the_choice_to_the_page() {
        assert_eq!(DeviceRequest::from_query("?device=cpu"), DeviceRequest::Link(DeviceKind::Cpu));
        assert_eq!(DeviceRequest::from_query("?x=1&device=webgpu"), DeviceRequest::Link(DeviceKind::WebGpu));
        assert_eq!(DeviceRequest::from_query(""), DeviceRequest::Best);
        assert_eq!(DeviceRequest::from_query("?device=gpu"), DeviceRequest::Best);
    }

    #[test]
    fn the_faster_path_is_kept_and_ties_go_to_the_cpu() {
        assert_eq!(DeviceChoice::measured(14.0, 30.0).kind, DeviceKind::WebGpu);
        assert_eq!(DeviceChoice::measured(1436.0, 14.0).kind, DeviceKind::Cpu);
        assert_eq!(DeviceChoice::measured(20.0, 20.0).kind, DeviceKind::Cpu);
    }

    #[test]
    fn lasting_choices_survive_storage_and_others_are_not_kept() {
        let measured = DeviceChoice::measured(1436.0, 14.0);
        assert_eq!(DeviceChoice::from_stored(&measured.to_stored()), Some(measured.clone()));
        assert!(measured.to_stored().contains("\"kind\":\"cpu\""), "{}", measured.to_stored());
        let software = DeviceChoice {
            kind: DeviceKind::Cpu,
            reason: Reason::SoftwareAdapter { adapter: "google swiftshader".into() },
        };
        assert_eq!(DeviceChoice::from_stored(&software.to_stored()), Some(software));
        let missing = DeviceChoice { kind: DeviceKind::Cpu, reason: Reason::NoWebGpu { problem: "none".into() } };
        assert_eq!(DeviceChoice::from_stored(&missing.to_stored()), None);
        assert_eq!(DeviceChoice::from_stored(r#"{"kind":"tpu","reason":{"why":"picked"}}"#), None);
        assert_eq!(DeviceChoice::from_stored("not json"), None);
    }

    #[test]
    fn each_reason_is_explained() {
        let measured = DeviceChoice::measured(1436.0, 14.0).explain();
        assert!(measured.contains("WebGPU") && measured.contains("CPU"), "{measured}");
        let software = DeviceChoice {
            kind: DeviceKind::Cpu,
            reason: Reason::SoftwareAdapter { adapter: "google swiftshader".into() },
        };
        assert!(software.explain().contains("google swiftshader"));
    }
}
