// Starts the app: instantiates the WebAssembly module through wasm-bindgen's glue, then — once
// the page's model has loaded, so it never competes with the first prediction — registers the
// service worker (sw.js) that keeps the app, its models and the gallery usable offline.
// scripts/build-frontend.sh rewrites the glue's path to its content-hashed name.
import init from "/pkg/frontend.js";

init().catch((err) => {
  console.error(err);
  const boot = document.getElementById("boot");
  if (boot) boot.textContent = "matfuse could not start: this browser may not support WebAssembly with SIMD (Chrome and Edge 91+, " +
    "Firefox 89+ and Safari 16.4+ do) (" + err + ").";
});

function registerServiceWorker() {
  navigator.serviceWorker.register("/sw.js").catch((err) => console.warn("matfuse works online only here:", err));
}

if ("serviceWorker" in navigator) {
  const root = document.documentElement;
  if (root.hasAttribute("data-model")) {
    registerServiceWorker();
  } else {
    // <html data-model="ready|failed"> is set by the app when its model has loaded (or failed).
    const watcher = new MutationObserver(() => {
      if (root.hasAttribute("data-model")) {
        watcher.disconnect();
        registerServiceWorker();
      }
    });
    watcher.observe(root, { attributes: true, attributeFilter: ["data-model"] });
  }
}
