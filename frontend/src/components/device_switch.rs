//! Which path the model computes on and why (part of the prediction's status line), with a
//! switch to the other path.

use leptos::prelude::*;

use crate::model::{DeviceChoice, DeviceKind, device_choice::Reason};

/// "On CPU (WebAssembly) because …" and a button that moves the model to the other path (not
/// offered when WebGPU is unavailable).
#[component]
pub fn DeviceNote(choice: DeviceChoice, on_switch: Callback<DeviceKind>) -> impl IntoView {
    let other = choice.kind.other();
    let switch = (!matches!(choice.reason, Reason::NoWebGpu { .. })).then(|| {
        view! {
            " "
            <button type="button" class="device-switch" id="device-switch" data-to=other.id() on:click=move |_| on_switch.run(other)>
                {format!("Compute on {} instead", other.label())}
            </button>
        }
    });
    view! {
        <span class="device-choice" id="device-choice" data-device=choice.kind.id() data-reason=choice.reason_id()>
            {format!(" On {} because {}.", choice.kind.label(), choice.explain())}
            {switch}
        </span>
    }
}
