// The window's first paint: when the backend wrote the newest dreams into the page
// (src-tauri/app/first_paint.rs), they are on screen before any module loads; this classic script
// waits for that paint, tells the backend, and only then starts the modules (main.js), which put
// the editor and the other views in and make everything work. Otherwise main.js starts at once and
// paints the list itself.
(() => {
  // FNV-1a over the UTF-16 code units (tests/e2e/first-paint.test.js computes the same).
  const digest = (text) => {
    let h = 0x811c9dc5;
    for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
    return h.toString(16);
  };
  const start = () => {
    const s = document.createElement('script');
    s.type = 'module';
    s.src = 'js/main.js';
    document.head.append(s);
  };
  const list = document.querySelector('[data-testid="entry-list"]');
  if (!list || !('firstPaint' in list.dataset)) { start(); return; }
  requestAnimationFrame(() => requestAnimationFrame(() => {
    document.body.dataset.painted = 'true';
    // What the first paint showed, for the test that compares it with the modules' render: a
    // digest of the list, not its text (the dreams stay nowhere but in the list itself, which a
    // lock empties).
    window.__haemongFirstPaint = {
      list: digest(list.innerHTML),
      items: list.children.length,
      more: !document.querySelector('.list-more').hidden,
      empty: document.querySelector('.list-empty').hidden ? null : document.querySelector('.list-empty').textContent,
      lang: document.documentElement.lang,
      tabs: document.querySelector('.tabs').textContent.trim().split(/\s+/),
      sidebar: Math.round(document.querySelector('.sidebar').getBoundingClientRect().width),
    };
    window.__TAURI__.core.invoke('app_painted').catch(() => {});
    start();
  }));
})();
