// Keyboard shortcuts of the review page (shipped with the package; no network).
(function () {
  "use strict";
  function editing(e) {
    var t = e.target;
    return t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT");
  }
  function click(id) { var el = document.getElementById(id); if (el) { el.click(); return true; } return false; }
  function go(id) { var a = document.getElementById(id); if (a) { window.location.href = a.href; } }
  var rows = Array.prototype.slice.call(document.querySelectorAll("#items tbody tr"));
  var sel = -1;
  function select(i) {
    if (!rows.length) return;
    if (sel >= 0) rows[sel].classList.remove("sel");
    sel = Math.max(0, Math.min(rows.length - 1, i));
    rows[sel].classList.add("sel");
    rows[sel].scrollIntoView({block: "nearest"});
  }
  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey && e.key === "Enter" && document.getElementById("correct")) { e.preventDefault(); click("correct"); return; }
    if (editing(e) || e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === "Escape") { document.activeElement && document.activeElement.blur(); return; }
    if (rows.length) {
      if (e.key === "j") { select(sel + 1); return; }
      if (e.key === "k") { select(sel - 1); return; }
      if (e.key === "Enter" && sel >= 0) { window.location.href = rows[sel].dataset.href; return; }
      if (e.key === "/") { e.preventDefault(); var f = document.querySelector("#filters select"); if (f) f.focus(); return; }
      return;
    }
    if (e.key === "a") { e.preventDefault(); click("accept"); }
    else if (e.key === "c") { e.preventDefault(); click("correct"); }
    else if (e.key === "r") { e.preventDefault(); click("reject"); }
    else if (e.key === "j") { go("next"); }
    else if (e.key === "k") { go("prev"); }
    else if (e.key === "e") { e.preventDefault(); var f2 = document.querySelector("#decide [data-field]"); if (f2) f2.focus(); }
  });
  // Escape inside a field leaves it so the letter keys work again
  document.addEventListener("keydown", function (e) { if (e.key === "Escape" && editing(e)) e.target.blur(); }, true);
})();
