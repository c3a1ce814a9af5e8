/* Site-wide behaviour that would otherwise be inline handlers (the CSP forbids them):
   a <select data-kc-autosubmit> submits its form when changed. */
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el && el.matches && el.matches("[data-kc-autosubmit]") && el.form) el.form.submit();
  });
})();
