// The window's first paint: when the backend wrote the newest dreams into the page
// (src-tauri/app/first_paint.rs), they are on screen before any module loads; this classic script
// waits for that paint, tells the backend, and only then starts the modules (main.js), which put
// the editor and the other views in and make everything work. Otherwise main.js starts at once and
// paints the list itself.
(() => {
  // FNV-1a over the UTF-16 code units.
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
  // What the list and the top bar show, for the test that compares the first paint with the
  // modules' render (tests/e2e/first-paint.test.js calls it again later): a digest of the list,
  // not its text (the dreams stay nowhere but in the list itself, which a lock empties). The open
  // entry's mark is left out: the first paint does not mark it, the editor does.
  const snapshot = () => {
    const hidden = (selector) => document.querySelector(selector).hidden;
    return {
      list: digest(list.innerHTML.replace(' aria-current="true"', '')),
      items: list.children.length,
      more: !hidden('.list-more'),
      empty: hidden('.list-empty') ? null : document.querySelector('.list-empty').textContent,
      lang: document.documentElement.lang,
      tabs: document.querySelector('.tabs').textContent.trim().split(/\s+/),
      sidebar: Math.round(document.querySelector('.sidebar').getBoundingClientRect().width),
    };
  };
  if (!list || !('firstPaint' in list.dataset)) { start(); return; }
  requestAnimationFrame(() => requestAnimationFrame(() => {
    document.body.dataset.painted = 'true';
    window.__haemongFirstPaint = { painted: snapshot(), snapshot };
    window.__TAURI__.core.invoke('app_painted').catch(() => {});
    start();
  }));
})();
