// The benchmark's empty window (src-tauri/bench_empty.rs): says "painted" the way Haemong's own
// window does (two animation frames, then `app_ready`), so both starts are measured alike.
requestAnimationFrame(() => requestAnimationFrame(() => window.__TAURI__.core.invoke('app_ready')));
