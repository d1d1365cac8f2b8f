/* Page behaviours declared in markup, so that pages carry no inline script (the
 * Content-Security-Policy allows scripts from the site's own files only):
 *   data-autosubmit   on a field: submit its form when the value changes
 *   data-confirm="…"  on a form (on submit) or a button/link (on click): ask first
 *   data-print        on a button: print the page
 *   data-select       on a field: select its text when clicked
 * Listeners sit on the document, so content swapped in by htmx behaves the same. */
(function () {
  "use strict";
  document.addEventListener("change", (event) => {
    const field = event.target.closest("[data-autosubmit]");
    if (field && field.form) field.form.requestSubmit ? field.form.requestSubmit() : field.form.submit();
  });
  document.addEventListener("click", (event) => {
    const target = event.target.closest("[data-confirm]:not(form), [data-print], [data-select]");
    if (!target) return;
    if (target.hasAttribute("data-confirm") && !window.confirm(target.dataset.confirm)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    } else if (target.hasAttribute("data-print")) {
      window.print();
    } else if (target.hasAttribute("data-select")) {
      target.select();
    }
  });
  document.addEventListener("submit", (event) => {
    const form = event.target.closest("form[data-confirm]");
    if (form && !window.confirm(form.dataset.confirm)) event.preventDefault();
  });
})();
