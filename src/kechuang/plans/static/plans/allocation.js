/* County allocation form: live sum of the shares and the gap to the city target.
   A static file so the CSP needs no 'unsafe-inline'. */
(function () {
  "use strict";
  var target = document.getElementById("kc-share-target");
  if (!target) return;
  var inputs = document.querySelectorAll(".kc-share");
  // sums in ten-thousandths (the field's precision), so 0.1 + 0.2 adds up exactly
  function units(v) { var n = Number(v); return isFinite(n) ? Math.round(n * 10000) : 0; }
  function show(n) { return String(n / 10000); }
  function update() {
    var sum = 0;
    inputs.forEach(function (i) { if (i.value !== "") sum += units(i.value); });
    var gap = sum - units(target.dataset.target);
    document.getElementById("kc-share-sum").textContent = show(sum);
    var g = document.getElementById("kc-share-gap");
    g.textContent = gap === 0 ? "0 ✓" : (gap > 0 ? "+" : "") + show(gap);
    g.className = gap === 0 ? "text-success" : "text-danger";
  }
  inputs.forEach(function (i) { i.addEventListener("input", update); });
  update();
})();
