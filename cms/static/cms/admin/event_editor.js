// The event editor: a session added to an event starts and ends when the event does, until the editor says
// otherwise. A static file (the admin's CSP allows scripts from 'self' only), loaded by cms/wagtail_hooks.py.
(() => {
  'use strict';

  const SESSIONS = 'sessions';

  const copyWhenEmpty = (fromId, toId) => {
    const from = document.getElementById(fromId);
    const to = document.getElementById(toId);
    if (!from || !to || !from.value || to.value) return;
    to.value = from.value;
    // Tell Wagtail's unsaved-changes tracking (and any date picker) that the field changed.
    to.dispatchEvent(new Event('change', { bubbles: true }));
  };

  // Wagtail's InlinePanel announces each new child form with `w-formset:added` on the form's element; its
  // `formsetPrefix` is the formset's element id prefix (`id_sessions`).
  document.addEventListener('w-formset:added', (event) => {
    const { formsetPrefix, formIndex } = event.detail || {};
    if (formsetPrefix !== `id_${SESSIONS}` || formIndex === undefined) return;
    copyWhenEmpty('id_starts_at', `id_${SESSIONS}-${formIndex}-starts_at`);
    copyWhenEmpty('id_ends_at', `id_${SESSIONS}-${formIndex}-ends_at`);
  });
})();
