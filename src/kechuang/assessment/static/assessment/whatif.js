/* Self-assessment what-if (assessment/enterprise_assessment.html).
 *
 * After a refused submit the page would open at the rule panels (the form's #anchor), far
 * from the figure that was wrong: bring the first invalid field into view, mark it invalid
 * and focus it, so the person sees at once what to correct. Static file: the CSP forbids
 * inline scripts.
 */
(function () {
  "use strict";

  function firstError(form) {
    var fields = form.querySelectorAll(".kc-invalid input, .kc-invalid select, .kc-invalid textarea");
    for (var i = 0; i < fields.length; i++) {
      fields[i].classList.add("is-invalid");
      fields[i].setAttribute("aria-invalid", "true");
      var feedback = fields[i].parentElement.querySelector(".invalid-feedback");
      if (feedback) {
        if (!feedback.id) { feedback.id = fields[i].id + "-error"; }
        fields[i].setAttribute("aria-describedby", feedback.id);
      }
    }
    if (fields.length) { return fields[0]; }
    var alert = form.querySelector("[data-testid=form-errors]");
    if (alert) { alert.setAttribute("tabindex", "-1"); }
    return alert;
  }

  function show(target) {
    target.scrollIntoView({block: "center"});
    target.focus({preventScroll: true});
  }

  // The form posts to "#rule-…" so a valid what-if opens at its result. On a refused one
  // the browser would still jump to that anchor until the page has loaded (Chromium also
  // takes the focus away to do it): hide the anchor's id until then.
  function holdAnchor() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    var anchor = id && document.getElementById(id);
    if (!anchor) { return function () {}; }
    anchor.removeAttribute("id");
    return function () { anchor.id = id; };
  }

  function init() {
    var form = document.getElementById("whatif-form");
    if (!form) { return; }
    var target = firstError(form);
    if (!target) { return; }
    var restore = holdAnchor();
    show(target);
    window.addEventListener("load", function () {
      window.setTimeout(function () {
        restore();
        var active = document.activeElement;
        if (active === target || active === document.body || active === null) { show(target); }
      }, 0);
    }, {once: true});
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
